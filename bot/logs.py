"""What reaches the logs: never the bot token.

Whoever holds the token owns the bot, and libraries write it where nobody expects: httpx logs
each request's URL (``…/bot123456789:AA…/getMe``), and a traceback may quote one. So every
record that reaches a root handler, from any logger, has the token's secret part replaced
before it is formatted, in its message, its traceback and its stack.
"""

from __future__ import annotations

import logging

REDACTED = "[token]"
_TRACEBACKS = logging.Formatter()


class TokenRedactor(logging.Filter):
    def __init__(self, token: str) -> None:
        super().__init__()
        # The secret after the colon: the bot's numeric id is public, and a URL may encode
        # the colon itself.
        self._secret = token.partition(":")[2] or token

    def redact(self, text: str) -> str:
        return text.replace(self._secret, REDACTED)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # the handler reports a malformed record itself
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def redact_token_in_logs(token: str) -> TokenRedactor:
    """Put the redactor on every handler of the root logger (configuring it if nobody has)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO)
    redactor = TokenRedactor(token)
    for handler in root.handlers:
        handler.addFilter(redactor)
    return redactor
