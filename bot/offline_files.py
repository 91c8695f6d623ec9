"""The files of the offline Telegram: what people send, ``getFile``, the download, and the
file ids Telegram knows.

Like the real server: a file sent by a person gets a ``file_id``; ``getFile`` gives its
``file_path`` (refused beyond the 20 MB a bot may download); the bytes are then fetched from
``/file/bot<token>/<file_path>``. A file the bot uploads gets a ``file_id`` that a later
``sendDocument`` may reuse, until :meth:`OfflineFiles.forget` makes Telegram forget them all.
"""

from __future__ import annotations

import itertools
import mimetypes
from typing import Any

JSONDict = dict[str, Any]

DOWNLOAD_LIMIT = 20 * 1024 * 1024
"""What the Bot API lets a bot download with ``getFile``."""
TOO_BIG = "Bad Request: file is too big"
WRONG_FILE_ID = "Bad Request: wrong file identifier/HTTP URL specified"
FILE_URL_MARK = "/file/bot"


class FileRefusedError(Exception):
    """The server's 400 for a file request, with Telegram's description."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class OfflineFiles:
    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self._known: set[str] = set()
        self._contents: dict[str, bytes] = {}
        self._sizes: dict[str, int] = {}
        self._paths: dict[str, str] = {}
        self._names: dict[str, str] = {}

    def from_person(self, filename: str, content: bytes | int) -> JSONDict:
        """A file a person sends: its bytes, or only its size for one too big to build."""
        if isinstance(content, int):
            return self.declared(filename, content)
        return self.sent_by_person(filename, content, _mime_type(filename))

    def sent_by_person(self, filename: str, content: bytes, mime_type: str | None) -> JSONDict:
        """The ``document`` of a message a person sends; ``content`` may be downloaded."""
        number = next(self._numbers)
        file_id = f"offline-sent-{number}"
        self._known.add(file_id)
        self._contents[file_id] = content
        self._sizes[file_id] = len(content)
        self._names[file_id] = filename
        document: JSONDict = {
            "file_id": file_id,
            "file_unique_id": f"offline-u-sent-{number}",
            "file_name": filename,
            "file_size": len(content),
        }
        if mime_type is not None:
            document["mime_type"] = mime_type
        return document

    def declared(self, filename: str, size: int) -> JSONDict:
        """A document too large to hold here: only its size is known (the 20 MB limit)."""
        number = next(self._numbers)
        file_id = f"offline-big-{number}"
        self._known.add(file_id)
        self._sizes[file_id] = size
        return {
            "file_id": file_id,
            "file_unique_id": f"offline-u-big-{number}",
            "file_name": filename,
            "file_size": size,
        }

    def uploaded(self, kind: str, given: object) -> JSONDict:
        """The media of a message the bot sent: a new file, or one resent by its id."""
        number = next(self._numbers)
        if isinstance(given, str) and not given.startswith(("http://", "https://", "attach://")):
            if given not in self._known:
                raise FileRefusedError(WRONG_FILE_ID)
            # Resending by file_id: Telegram answers with that same file.
            file_id, unique = given, f"u{given}"
            name, size = self._names.get(given), self._sizes.get(given)
        else:
            file_id, unique = f"offline-{kind}-{number}", f"offline-u{number}"
            marker = given if isinstance(given, dict) else {}
            name, size = marker.get("filename"), marker.get("size")
            self._known.add(file_id)
            if isinstance(size, int):
                self._sizes[file_id] = size
            if isinstance(name, str):
                self._names[file_id] = name
        media: JSONDict = {"file_id": file_id, "file_unique_id": unique}
        if size is not None:
            media["file_size"] = size
        if kind == "photo":
            media.update(width=1280, height=720)
        elif name is not None:
            media["file_name"] = name
        return media

    def get_file(self, params: JSONDict) -> JSONDict:
        file_id = str(params.get("file_id", ""))
        if file_id not in self._known:
            raise FileRefusedError(WRONG_FILE_ID)
        size = self._sizes.get(file_id, 0)
        if size > DOWNLOAD_LIMIT:
            raise FileRefusedError(TOO_BIG)
        path = f"documents/file_{next(self._numbers)}"
        self._paths[path] = file_id
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": size,
            "file_path": path,
        }

    def download(self, url: str) -> bytes | None:
        """The bytes at a file URL, or None for a path ``getFile`` never gave."""
        path = url.split(FILE_URL_MARK, 1)[1].split("/", 1)[1]
        file_id = self._paths.get(path)
        return None if file_id is None else self._contents.get(file_id)

    def forget(self) -> None:
        """Telegram no longer knows any file id (they expire): a resend by id is refused."""
        self._known.clear()


def _mime_type(filename: str) -> str | None:
    return mimetypes.guess_type(filename)[0]
