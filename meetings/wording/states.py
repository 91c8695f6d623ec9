"""The states of a meeting and of a ballot, in words."""

from __future__ import annotations

from meetings.meeting import MeetingState
from meetings.wording.i18n import translator
from voting.ballot import BallotState


def meeting_state(state: MeetingState, language: str) -> str:
    """A meeting's state as an adjective agreeing with "la réunion"."""
    _ = translator(language)
    words = {
        MeetingState.PLANNED: _.pgettext("meeting", "planned, not convened yet"),
        MeetingState.CONVENED: _.pgettext("meeting", "convened"),
        MeetingState.IN_SESSION: _.pgettext("meeting", "in session"),
        MeetingState.CLOSED: _.pgettext("meeting", "closed"),
        MeetingState.CANCELLED: _.pgettext("meeting", "cancelled"),
    }
    return words[state]


def ballot_state(state: BallotState, language: str) -> str:
    """A ballot's state as an adjective agreeing with "le scrutin"."""
    _ = translator(language)
    words = {
        BallotState.DRAFT: _.pgettext("ballot", "not opened yet"),
        BallotState.OPEN: _.pgettext("ballot", "open"),
        BallotState.CLOSED: _.pgettext("ballot", "closed"),
        BallotState.CANCELLED: _.pgettext("ballot", "cancelled"),
    }
    return words[state]
