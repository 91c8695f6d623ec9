"""What Telegram refuses for its size: the offline Bot API refuses it too, with Telegram's
400, so that a test catches a message the real server would never deliver."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TEXT_LIMITS = {"text": 4096, "caption": 1024}
ALERT_LIMIT = 200
"""An answer to a button press (``answerCallbackQuery``)."""
BUTTON_DATA_BYTES = 64
UPLOAD_BYTES = {"sendDocument": 50 * 1024 * 1024, "sendPhoto": 10 * 1024 * 1024}
"""A file a bot uploads: Telegram answers 413 beyond these sizes."""
TOO_LARGE = "Request Entity Too Large"


def upload_too_large(method: str, params: Mapping[str, Any]) -> bool:
    """Whether the file uploaded by ``method`` is beyond what Telegram accepts; ``params``
    carry each uploaded file as its ``{"filename", "size"}`` marker."""
    limit = UPLOAD_BYTES.get(method)
    if limit is None:
        return False
    return any(
        isinstance(value, dict) and isinstance(value.get("size"), int) and value["size"] > limit
        for value in params.values()
    )


def beyond_limits(method: str, params: Mapping[str, Any]) -> str | None:
    """Telegram's description of the refusal, or None for a call within its limits."""
    alert = params.get("text")
    if method == "answerCallbackQuery":
        too_long = isinstance(alert, str) and len(alert) > ALERT_LIMIT
        return "Bad Request: MESSAGE_TOO_LONG" if too_long else None
    for name, limit in TEXT_LIMITS.items():
        value = params.get(name)
        if isinstance(value, str) and len(value) > limit:
            return f"Bad Request: message {name} is too long"
    markup = params.get("reply_markup")
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    for row in rows:
        for button in row:
            data = button.get("callback_data")
            if isinstance(data, str) and len(data.encode()) > BUTTON_DATA_BYTES:
                return "Bad Request: BUTTON_DATA_INVALID"
    return None
