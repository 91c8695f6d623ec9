"""The base of every refused operation.

An operation that breaks a rule raises a :class:`Refused` before it writes anything. Its
``code`` names the reason and its ``details`` carry the facts a message may quote (a state,
a date, a member); :mod:`meetings.wording.refusals` says it in the reader's language. The
exception's own text is English, for logs and developers only.
"""

from __future__ import annotations


class Refused(Exception):
    """Nothing was written; ``code`` names why."""

    code = "refused"

    def __init__(self, message: str = "", **details: object) -> None:
        super().__init__(message or self.code)
        self.details: dict[str, object] = details
