"""What each refusal says: one table from a refusal's ``code`` to its sentence.

A refused operation raises a :class:`~voting.refusal.Refused` whose ``code`` names the reason
and whose ``details`` carry the facts to quote. The person reads the sentence of this table in
their language, never the exception's English text. Where one reason reads differently in a
given place (a vote refused at a press, a ballot that cannot be closed), the caller passes
its own sentence for that code.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from meetings.meeting import MeetingError, MeetingState
from meetings.texts import TextEmpty, TextTooLong, Typed
from meetings.wording.formats import PARIS, clear_days, moment, short_date, weight
from meetings.wording.i18n import N_, translator
from meetings.wording.states import ballot_state, meeting_state
from voting.ballot import BallotState, VotingError
from voting.refusal import Refused

log = logging.getLogger(__name__)

REFUSALS: dict[str, str] = {
    # Who may ask
    "not_coordinator": N_("Only a coordinator can do this."),
    "archive.which_groupement": N_(
        "You coordinate several groupements: say which one, for example /archive {example}."
    ),
    "archive.altered_file": N_(
        "The archive was not written: the stored file {path} is no longer the one recorded "
        "(its SHA-256 differs)."
    ),
    "archive.year_out_of_range": N_(
        "There is no archive of {year}: give a year from {earliest} to {latest}."
    ),
    "not_registered": N_(
        "You are not registered yet. Ask your groupement's coordinator for an invitation "
        "link, then open it. /aide lists what you can do."
    ),
    "not_your_member": N_("You do not answer for this member."),
    "invalid_button": N_("This button is not valid."),
    # Typed text
    "text_empty": N_("There is nothing to read in this {field}. Send it again."),
    "text_too_long": N_(
        "This {field} is too long: {length} characters, at most {limit}. Send a shorter one."
    ),
    "agenda_too_long": N_(
        "The agenda is full: at most {items} items and {limit} characters in all, titles and "
        "questions together, so that the convocation fits in one message. Press “Done”, or "
        "shorten the items."
    ),
    # Ballots and votes
    "ballot_not_found": N_("This ballot does not exist."),
    "ballot_not_open": N_("This ballot is closed; your vote was not recorded."),
    "ballot_cancelled": N_("This ballot was cancelled; your vote was not recorded."),
    "deadline_passed": N_("The voting deadline has passed; your vote was not recorded."),
    "not_in_electorate": N_("You do not vote for this member in this ballot."),
    "not_entitled": N_("You do not vote for this member in this ballot."),
    "invalid_option": N_("This choice does not exist."),
    "vote_change_not_allowed": N_(
        "Your vote is already recorded and cannot be changed in this ballot."
    ),
    "invalid_transition": N_("Ballot no. {number} is {state}: it cannot do that any more."),
    "invalid_electorate": N_("The electorate of this ballot breaks the rules; nothing was opened."),
    "instance_does_not_vote": N_("This instance does not vote."),
    "no_further_round": N_(
        "Ballot no. {number} calls for no further round: it elected someone, is still open, "
        "awaits birth dates, or its next round is already open."
    ),
    "round_session_closed": N_(
        "Ballot no. {number} was held in the session of meeting no. {meeting}, which is no "
        "longer open: its next round could only be held in that session. Nothing was opened."
    ),
    "round_while_in_session": N_(
        "Ballot no. {number} was a written consultation: its next round is one too, and does "
        "not open while the session of meeting no. {meeting} is open. Open it once the session "
        "is closed."
    ),
    "invalid_candidates": N_("Name at least one candidate, each only once."),
    "session_changed": N_(
        "A session opened or closed since the summary: nothing was opened. "
        "Start again with /scrutin."
    ),
    # Designations
    "designation.date_in_future": N_(
        "{day} is in the future: record an act or an election once it has taken place."
    ),
    "designation.election_before_act": N_(
        "The act in force for {member}, of {day}, was taken on or after the day of the election "
        "of {election}: the mandates it gave did not end with that election."
    ),
    "designation.act_before_election": N_(
        "The seats of {member} wait for a designation since the election of {election}: an "
        "act of {day}, taken before it, cannot fill them."
    ),
    "designation.already_waiting": N_(
        "The seats of {member} already wait for a designation since the election of {election}."
    ),
    "designation.seat_waiting": N_(
        "The seats of {member} wait for a designation since the election of {election}: "
        "record the member's new act with /designation first."
    ),
    "designation.advisory": N_(
        "{member} is an advisory participant: no act designates its people here."
    ),
    "decision_rule_needed": N_(
        "A consultation of all the members opens with the rule that decides it: unanimity, "
        "or a majority of the members or of the weights. Start again with /scrutin."
    ),
    "decision_rule_refused": N_(
        "This rule cannot decide this ballot: an instance votes by its own rules, and a "
        "groupement without weights in force consults its members by head only."
    ),
    # Meetings
    "meeting_not_found": N_("This meeting does not exist."),
    "wrong_meeting_state": N_("This meeting is {state}: it cannot do that now."),
    "invalid_plan": N_("The meeting could not be planned: {problems}."),
    "plan_in_the_past": N_("The meeting must start in the future."),
    "unknown_chair": N_("Unknown chair “{chair}”."),
    "urgency_without_reason": N_(
        "An urgent convocation states its reason, which the minutes record: "
        "/convoquer {number} urgence REASON."
    ),
    "late_convocation": N_(
        "Too late for the normal notice: {actual_days} before the meeting, {needed} required "
        "(last day to convene: {last_day}). Move the meeting with /reporter, or convene in an "
        "emergency with /convoquer {number} urgence REASON; the minutes will record it."
    ),
    "late_urgent_convocation": N_(
        "Even in an emergency, {needed_days} of notice are needed; only {actual_days} remain "
        "(last day to convene: {last_day}). Move the meeting with /reporter."
    ),
    "late_urgent_convocation_none": N_(
        "Even in an emergency, {needed_days} of notice are needed, and none remain: the last "
        "day to convene for this date was {last_day}. Move the meeting with /reporter."
    ),
    "quorum_was_met": N_(
        "Meeting no. {number} had its quorum: a second convocation only follows a meeting "
        "without quorum."
    ),
    "already_reconvened": N_(
        "Meeting no. {number} already has its second convocation: meeting no. {second}."
    ),
    "second_convocation_too_early": N_(
        "A second convocation must leave at least 3 clear days: {earliest} at the earliest."
    ),
    "convened_without_urgency": N_(
        "Meeting no. {number} is already convened, without urgency: /convoquer {number} sends "
        "its convocation again only to those it has not reached. To convene it in urgency for "
        "another date, move it: /reporter {number} DD/MM/YYYY HH:MM urgence REASON."
    ),
    "not_convened": N_(
        "Meeting no. {number} was not convened: send the convocation first with "
        "/convoquer {number}."
    ),
    "not_its_day": N_(
        "Meeting no. {number} is convened for {starts_at}: its session opens that day."
    ),
    "ballots_still_open": N_("Close the open ballots first: {ballots}."),
    # The opening of the session: who presides, the urgency
    "chair_to_designate": N_(
        "The planned chair, {chair}, is not present: designate a chair "
        "for the session among the members present first: "
        '/presider {number} MEMBER "First name Last name". If its representative is here after '
        "all, they answer “Present” to their convocation before the opening."
    ),
    "chair_not_present": N_(
        "{member} is not present: a chair for the session is designated among the members present."
    ),
    "chair_already_designated": N_(
        "{person} ({member}) already chairs this session, designated for it: they preside "
        "until it closes, and may already have held the casting vote."
    ),
    "chair_is_present": N_("The planned chair, {chair}, is present: it presides."),
    "chair_by_vote": N_(
        "This instance designates the chair of the session by a vote, in the session: open "
        'it with /ouvrir {number}, then /presider {number} MEMBER "First name Last name".'
    ),
    "chair_name_missing": N_(
        'Name the person who presides: /presider NUMBER MEMBER "First name Last name".'
    ),
    "opening_ruling_pending.chair": N_(
        "A chair for the session is designated by a vote before any other ballot: "
        '/presider {meeting} MEMBER "First name Last name".'
    ),
    "opening_ruling_pending.urgency": N_(
        "The session first rules on the urgency: close ballot no. {ballot} on the urgency "
        "before opening another."
    ),
    "opening_ruling_pending.urgency_again": N_(
        "The session first rules on the urgency: its ballot was cancelled, or void for want "
        "of quorum; /ouvrir {meeting} opens it again."
    ),
    "opening_ruling_pending.business": N_(
        "The opening of this session has nothing more to rule on: open the ballot with /scrutin."
    ),
    "urgency_rejected": N_(
        "The instance did not recognise the urgency: no other question is deliberated; "
        "adjourn the session with /lever."
    ),
    "unknown_agenda_item": N_(
        "The agenda of meeting no. {number} has no item {position}: its items are numbered "
        "from 1 to {items}."
    ),
    "empty_note": N_("A note needs a text: /noter {number} ITEM TEXT."),
    # Documents of a meeting
    "document_too_large": N_("Telegram lets a bot download 20 MB at most: send a smaller file."),
    "document_not_found": N_("This document does not exist."),
    "document_corrupted": N_(
        "The file on record no longer matches its SHA-256 fingerprint: it is not sent. Ask "
        "the operator to restore the documents directory from a backup."
    ),
    "not_a_receiver": N_("This document was not sent to you."),
    "minutes_not_held": N_(
        "The session of meeting no. {number} is not closed: its signed minutes come after it."
    ),
    "off_agenda": N_(
        "This question is not on the agenda of meeting no. {number}, and this instance does "
        "not vote on questions off the agenda: choose a motion of the agenda. Nothing was "
        "opened."
    ),
    "off_agenda_second_convocation": N_(
        "Meeting no. {number} is a second convocation: it deliberates without quorum only on "
        "the agenda of the first meeting, so a question off the agenda cannot be put to the "
        "vote. Nothing was opened."
    ),
    "replies_closed": N_(
        "The session has opened: replies can no longer change. Check in with /arrivee."
    ),
    "meeting_cancelled": N_("This meeting was cancelled."),
    "not_in_this_meeting": N_("{member} is not convened to this meeting."),
    "no_session_open": N_("No session is open."),
    "several_sessions": N_("Several sessions are open: name the meeting, e.g. /arrivee {first}."),
    "unknown_participant": N_("Unknown member “{member}”."),
    "no_seat_here": N_("You do not represent a member of this meeting."),
    # Proxies
    "proxy.giver_not_voting": N_("Your member does not vote in this instance."),
    "proxy.holder_not_voting": N_("That member does not vote in this instance."),
    "proxy.to_itself": N_("A member cannot give its proxy to itself."),
    "proxy.holder_gave_its_own": N_("That member has given its own proxy and cannot hold one."),
    "proxy.giver_holds_one": N_("Your member holds a proxy and cannot give its own."),
    "proxy.holder_at_limit": N_("That member already holds as many proxies as the rules allow."),
    "proxy.holder_excused": N_(
        "That member has sent its apologies: it will not sit, so it cannot carry a proxy."
    ),
    "no_proxy_holder_left": N_("No member can receive your proxy now (limit reached)."),
    "proxy.giver_sits": N_(
        "This member is in the session and votes itself; it gives its proxy when it leaves "
        "(/depart)."
    ),
    "proxy.holder_absent": N_("{holder} is not in the session: a proxy goes to a member present."),
    "proxy_not_held": N_("{member} has no proxy in force to revoke."),
    "no_voting_seat": N_("You do not represent a member of a voting instance “{instance}”."),
    # People, invitations, groups
    "invitation_unknown": N_(
        "This invitation link is not valid. Check that you opened the whole link."
    ),
    "invitation_used": N_(
        "This invitation link has already been used. Ask the coordinator for a new one."
    ),
    "invitation_expired": N_(
        "This invitation link has expired. Ask the coordinator for a new one."
    ),
    "seat_conflict": N_(
        "You already represent {member} in this groupement: one person cannot speak for two "
        "members. Ask the coordinator."
    ),
    "unknown_member": N_("Unknown member “{member}”. Name it by its id, e.g. {example}."),
    "ambiguous_member": N_(
        "Several of your groupements have a member “{member}”. Say which:\n{choices}"
    ),
    "member_gone": N_("{member} is no longer a member of the groupement ({groupement})."),
    "unknown_groupement": N_("You do not coordinate a groupement “{groupement}”."),
    "unknown_instance": N_("Unknown instance “{instance}”."),
    "group_bound_elsewhere": N_(
        "This group receives the announcements and results of {scope}: only a coordinator "
        "of {groupement} can bind it elsewhere. Nothing was changed."
    ),
    "unknown_language": N_("Usage: /langue fr or /langue en"),
    "minutes_unavailable": N_("No minutes yet: the session of this meeting never opened."),
    "no_minutes_yet": N_("No meeting has held its session yet."),
    "minutes_not_yet": N_(
        "The minutes of meeting no. {number} will be available once the session is closed. "
        "A coordinator can get a draft now in a private chat: /pv {number}"
    ),
    "ballot_not_yours": N_("There is no ballot no. {number} among yours."),
    "held_in_meeting": N_(
        "Ballot no. {number} was held in a meeting: its minutes are /pv {meeting}."
    ),
    "record_not_yet": N_("The record of ballot no. {number} will be available once it is closed."),
    "minutes.session_not_closed": N_(
        "The session of meeting no. {number} is not closed: its minutes are signed afterwards."
    ),
    "minutes.not_signatory": N_(
        "The minutes of meeting no. {number} are signed by the person who presided the session "
        "and by its secretary (recorded with /secretaire {number}), only."
    ),
    "minutes.secretary_signed": N_(
        "The secretary of meeting no. {number} has signed its minutes: it is not replaced."
    ),
    "extract.no_deliberation": N_(
        "Ballot no. {number} took no deliberation in a closed session among yours: there is "
        "no extract of it."
    ),
}

FALLBACK = N_("This could not be done; nothing was changed.")

CLOSING_REFUSALS: dict[str, str] = {
    # ``code.state`` keys: a ballot that cannot be closed says what it is instead.
    "invalid_transition.closed": N_(
        "Ballot no. {number} is already closed: its result is published, /resultats {number}."
    ),
    "invalid_transition.cancelled": N_(
        "Ballot no. {number} was cancelled: there is nothing to close."
    ),
    "invalid_transition.draft": N_("Ballot no. {number} has not been opened yet."),
    "invalid_transition": N_("Ballot no. {number} is {state}: only an open ballot closes."),
    "ballot_not_found": N_("There is no ballot no. {number}."),
    "not_coordinator": N_(
        "Ballot no. {number} belongs to a groupement you do not coordinate: only its "
        "coordinator can close it."
    ),
    "invalid_electorate": N_(
        "Ballot no. {number} cannot be judged: its electorate breaks the rules. It stays open."
    ),
}
"""What ``/clore`` says when a ballot cannot be closed: the reason, never just "not open"."""


TYPED_LABELS: dict[str, str] = {
    Typed.PLACE: N_("place"),
    Typed.VIDEO_LINK: N_("video link"),
    Typed.AGENDA_TITLE: N_("agenda item"),
    Typed.MOTION: N_("motion"),
    Typed.CHAIR_NAME: N_("chair's name"),
    Typed.SECRETARY: N_("secretary's name"),
    Typed.URGENCY_REASON: N_("urgency reason"),
    Typed.QUESTION: N_("question"),
    Typed.CANDIDATE: N_("candidate's name"),
    Typed.NOTE: N_("note"),
    Typed.ACT_REFERENCE: N_("act reference"),
}
"""What a typed field is called in a refusal ("Ce lieu est trop long")."""


def _shown(value: object, language: str, zone: ZoneInfo) -> object:
    """A detail as a person reads it: dates and times in words, lists joined."""
    if isinstance(value, datetime):
        return moment(value, language, zone)
    if isinstance(value, date):
        return short_date(value, language)
    if isinstance(value, list | tuple):
        return ", ".join(str(_shown(item, language, zone)) for item in value)
    return value


def _state(error: Refused, language: str) -> object:
    """A state in words: "closed" is "clos" for a ballot, "close" for a meeting."""
    value = str(error.details["state"])
    if isinstance(error, MeetingError):
        return meeting_state(MeetingState(value), language)
    if isinstance(error, VotingError):
        return ballot_state(BallotState(value), language)
    return value


def _details(error: Refused, language: str) -> dict[str, object]:
    zone = error.details.get("zone")
    zone = zone if isinstance(zone, ZoneInfo) else PARIS
    shown = {key: _shown(value, language, zone) for key, value in error.details.items()}
    if "state" in error.details:
        shown["state"] = _state(error, language)
    _ = translator(language)
    for key in ("needed", "actual"):
        value = error.details.get(key)
        if isinstance(value, int):
            shown[f"{key}_days"] = clear_days(value, language)
    if "problems" in error.details and isinstance(error.details["problems"], list):
        shown["problems"] = "; ".join(_(str(problem)) for problem in error.details["problems"])
    if isinstance(error, TextEmpty | TextTooLong):
        shown["field"] = _(TYPED_LABELS[str(error.details["field"])])
        for key in ("limit", "length"):
            if isinstance(error.details.get(key), int):
                shown[key] = weight(int(str(error.details[key])), language)
    ballots = error.details.get("ballots")
    if isinstance(ballots, list):
        shown["ballots"] = ", ".join(_("no. {number}").format(number=n) for n in ballots)
    return shown


def _no_day_left(error: Refused) -> bool:
    """A convocation sent now would give no clear day at all (0, or less on the day itself)."""
    actual = error.details.get("actual")
    return isinstance(actual, int) and actual <= 0


def refusal(
    error: Refused,
    language: str,
    overrides: Mapping[str, str] | None = None,
    **context: object,
) -> str:
    """The sentence for ``error``: its code's (or the caller's override), with its details.

    An override keyed ``code.state`` (``invalid_transition.closed``) is preferred to the one
    keyed by the code alone, so that a caller can say what the object is rather than what
    it is not.

    ``context`` adds what the caller knows and the error does not (a meeting's number).
    """
    _ = translator(language)
    code = error.code
    if code == "ballot_not_open" and error.details.get("state") == "cancelled":
        code = "ballot_cancelled"
    if code == "late_urgent_convocation" and _no_day_left(error):
        code = "late_urgent_convocation_none"
    chosen = overrides or {}
    state = error.details.get("state")
    template = (
        (chosen.get(f"{code}.{state}") if state is not None else None)
        or chosen.get(code)
        or REFUSALS.get(code)
    )
    if template is None:
        log.warning("no sentence for the refusal %r (%s)", code, error)
        template = FALLBACK
    fields = {**_details(error, language), **context}
    try:
        return _(template).format(**fields)
    except (KeyError, IndexError):
        log.exception("the refusal %r lacks a detail for its sentence", code)
        return _(FALLBACK)
