"""The short, versioned codes behind inline buttons.

A code names things by number only (ballot, member position in the frozen
electorate, option position) and carries nothing the server trusts: every
press is checked against the database. Anything that does not match the
grammar exactly is refused as forged or stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, TypeVar

VERSION = "v1"


class _Encodable(Protocol):
    def encode(self) -> str: ...


_B = TypeVar("_B", bound=_Encodable)


def _canonical(button: _B | None, data: str | None) -> _B | None:
    """The button only if the bot writes it exactly so: ``03`` for ``3``, a trailing newline
    or any other spelling of the same numbers is no button the bot ever sent."""
    return button if button is not None and button.encode() == data else None


_VOTE = re.compile(r"^v1:v:([0-9]{1,9}):([0-9]{1,4}):([0-9]{1,3})$")
_FORM = re.compile(r"^v1:f:([a-z]{1,12}):([a-z0-9_-]{1,20})$")


@dataclass(frozen=True)
class VoteButton:
    ballot_id: int
    member_index: int
    option_index: int

    def encode(self) -> str:
        return f"{VERSION}:v:{self.ballot_id}:{self.member_index}:{self.option_index}"


@dataclass(frozen=True)
class FormButton:
    """A step of the coordinator's ballot form: ``field`` takes ``value``."""

    field: str
    value: str

    def encode(self) -> str:
        return f"{VERSION}:f:{self.field}:{self.value}"


_REPLY = re.compile(r"^v1:r:([0-9]{1,9}):([ma])([0-9]{1,4}):([pvex])$")
_HOLDER = re.compile(r"^v1:h:([0-9]{1,9}):([0-9]{1,4}):([0-9]{1,4})$")
REPLY_CODES = {"p": "present", "v": "video", "e": "excused", "x": "proxy"}


@dataclass(frozen=True)
class ReplyButton:
    """An answer to a convocation, for a member (``m``) or an advisory participant (``a``)."""

    meeting_id: int
    advisory: bool
    index: int
    """Position of the member among the meeting's members, or of the advisory participant."""
    choice: str
    """One of :data:`REPLY_CODES`' values."""

    def encode(self) -> str:
        code = next(k for k, v in REPLY_CODES.items() if v == self.choice)
        kind = "a" if self.advisory else "m"
        return f"{VERSION}:r:{self.meeting_id}:{kind}{self.index}:{code}"


@dataclass(frozen=True)
class HolderButton:
    """The choice of the member that will carry a proxy."""

    meeting_id: int
    giver_index: int
    holder_index: int

    def encode(self) -> str:
        return f"{VERSION}:h:{self.meeting_id}:{self.giver_index}:{self.holder_index}"


def decode_reply(data: str | None) -> ReplyButton | None:
    match = _REPLY.fullmatch(data or "")
    if match is None:
        return None
    button = ReplyButton(
        int(match.group(1)), match.group(2) == "a", int(match.group(3)), REPLY_CODES[match.group(4)]
    )
    return _canonical(button, data)


_ROUND = re.compile(r"^v1:e:([0-9]{1,9})$")


@dataclass(frozen=True)
class NextRoundButton:
    """Open the next round of the election held by ballot ``ballot_id``."""

    ballot_id: int

    def encode(self) -> str:
        return f"{VERSION}:e:{self.ballot_id}"


def decode_next_round(data: str | None) -> NextRoundButton | None:
    match = _ROUND.fullmatch(data or "")
    return None if match is None else _canonical(NextRoundButton(int(match.group(1))), data)


def decode_holder(data: str | None) -> HolderButton | None:
    match = _HOLDER.fullmatch(data or "")
    if match is None:
        return None
    return _canonical(
        HolderButton(int(match.group(1)), int(match.group(2)), int(match.group(3))), data
    )


def decode_vote(data: str | None) -> VoteButton | None:
    match = _VOTE.fullmatch(data or "")
    if match is None:
        return None
    return _canonical(
        VoteButton(int(match.group(1)), int(match.group(2)), int(match.group(3))), data
    )


def decode_form(data: str | None) -> FormButton | None:
    match = _FORM.fullmatch(data or "")
    return None if match is None else _canonical(FormButton(match.group(1), match.group(2)), data)


VOTE_PATTERN = re.compile(r"^v1:v:")

FORM_PATTERN = re.compile(r"^v1:f:")

REPLY_PATTERN = re.compile(r"^v1:r:")
HOLDER_PATTERN = re.compile(r"^v1:h:")


_SESSION_PROXY = re.compile(r"^v1:s:([0-9]{1,9}):([0-9]{1,4}):([0-9]{1,4})$")
SESSION_PROXY_PATTERN = re.compile(r"^v1:s:")


@dataclass(frozen=True)
class SessionProxyButton:
    """The member present chosen to carry the proxy of a member leaving the session."""

    meeting_id: int
    giver_index: int
    holder_index: int

    def encode(self) -> str:
        return f"{VERSION}:s:{self.meeting_id}:{self.giver_index}:{self.holder_index}"


def decode_session_proxy(data: str | None) -> SessionProxyButton | None:
    match = _SESSION_PROXY.fullmatch(data or "")
    if match is None:
        return None
    return _canonical(
        SessionProxyButton(int(match.group(1)), int(match.group(2)), int(match.group(3))), data
    )


ROUND_PATTERN = re.compile(r"^v1:e:")


_SIGN = re.compile(r"^v1:p:([0-9]{1,9})$")
SIGN_PATTERN = re.compile(r"^v1:p:")


@dataclass(frozen=True)
class SignButton:
    """ "I sign the minutes of meeting ``meeting_id``": the chair's or the secretary's
    confirmation, checked against the record of the session at the press."""

    meeting_id: int

    def encode(self) -> str:
        return f"{VERSION}:p:{self.meeting_id}"


def decode_sign(data: str | None) -> SignButton | None:
    match = _SIGN.fullmatch(data or "")
    return None if match is None else _canonical(SignButton(int(match.group(1))), data)


_RECEIVED = re.compile(r"^v1:d:([0-9]{1,9})$")
RECEIVED_PATTERN = re.compile(r"^v1:d:")


@dataclass(frozen=True)
class ReceivedButton:
    """ "Reçu" under a confidential document: its reader confirms having it."""

    document_id: int

    def encode(self) -> str:
        return f"{VERSION}:d:{self.document_id}"


def decode_received(data: str | None) -> ReceivedButton | None:
    match = _RECEIVED.fullmatch(data or "")
    return None if match is None else _canonical(ReceivedButton(int(match.group(1))), data)


_ATTACH = re.compile(r"^v1:j:([0-9]{1,9}):([oc])$")
ATTACH_PATTERN = re.compile(r"^v1:j:")


@dataclass(frozen=True)
class AttachButton:
    """The coordinator's "attach a document" under a meeting: the next file is for it."""

    meeting_id: int
    confidential: bool

    def encode(self) -> str:
        return f"{VERSION}:j:{self.meeting_id}:{'c' if self.confidential else 'o'}"


def decode_attach(data: str | None) -> AttachButton | None:
    match = _ATTACH.fullmatch(data or "")
    if match is None:
        return None
    return _canonical(AttachButton(int(match.group(1)), match.group(2) == "c"), data)
