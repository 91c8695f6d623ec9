"""The messages about designations: the act that named a representative, the seats that wait
since an election, and the coordinator's view of a groupement's members.

Pure functions from the records to a text, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from config.models import Groupement
from meetings.designation import ActKind, DesignationAct, MandateEnd, MemberStanding, Standing
from meetings.roster import Role, Seat
from meetings.wording.formats import long_date, name_of
from meetings.wording.i18n import N_, translator
from meetings.wording.messages.results import MESSAGE_LIMIT, packed

ACTS = {
    ActKind.DELIBERATION: N_("deliberation no. {reference} of {date}"),
    ActKind.DECREE: N_("decree no. {reference} of {date}"),
    ActKind.DECISION: N_("decision no. {reference} of {date}"),
}
DESIGNATED = {
    Role.TITULAIRE: N_("designated titular by {act}"),
    Role.SUPPLEANT: N_("designated substitute by {act}"),
}
SEAT_ROLES = {Role.TITULAIRE: N_("titular"), Role.SUPPLEANT: N_("substitute")}


def act_phrase(act: DesignationAct, language: str) -> str:
    """ "délibération n° 2025-CP-112 du 3 février 2025"."""
    _ = translator(language)
    return _(ACTS[act.kind]).format(
        reference=act.reference, date=long_date(act.signed_on, language)
    )


def designated_line(role: Role, act: DesignationAct, language: str) -> str:
    """What ``/moi`` says under a seat: "désigné(e) titulaire par délibération n° … du …"."""
    _ = translator(language)
    return _(DESIGNATED[role]).format(act=act_phrase(act, language))


def standing_line(groupement: Groupement, standing: MemberStanding, language: str) -> str:
    """One member of the coordinator's board: the act in force, or the seats waiting."""
    _ = translator(language)
    member = name_of(groupement, standing.member_id)
    if standing.designation is not None:
        return _("{member}: designated by {act}").format(
            member=member, act=act_phrase(standing.designation.act, language)
        )
    if standing.waiting_since is not None:
        return _("{member}: waiting for a designation since the election of {date}").format(
            member=member, date=long_date(standing.waiting_since.election_day, language)
        )
    return _("{member}: no designation act recorded").format(member=member)


def board_text(
    groupement: Groupement,
    standings: Sequence[MemberStanding],
    sitting: Mapping[str, Sequence[tuple[Role, str]]],
    language: str,
) -> str:
    """A groupement's board in one text, as the command line prints it."""
    rows = board_rows(groupement, standings, sitting, language)
    return "\n".join(line for line, _continued in rows)


def board_rows(
    groupement: Groupement,
    standings: Sequence[MemberStanding],
    sitting: Mapping[str, Sequence[tuple[Role, str]]],
    language: str,
) -> list[tuple[str, str]]:
    """A groupement's members, who sits for each, and what designated them; waiting seats
    first, since they are the coordinator's to fill. A member and the people who sit for it
    make one row, so that no message separates them; each row comes with the heading a
    message starting at it repeats."""
    _ = translator(language)
    waiting = [s for s in standings if s.standing is Standing.WAITING]
    rows = [(groupement.name, "")]
    if waiting:
        count = _.ngettext(
            "{n} member waits for a designation.",
            "{n} members wait for a designation.",
            len(waiting),
        ).format(n=len(waiting))
        rows.append((count, ""))
    continued = _("{groupement} (continued)").format(groupement=groupement.name)
    ordered = waiting + [s for s in standings if s.standing is not Standing.WAITING]
    for standing in ordered:
        lines = ["• " + standing_line(groupement, standing, language)]
        lines += [
            "   " + _("{role}: {name}").format(role=_(SEAT_ROLES[role]), name=name)
            for role, name in sitting.get(standing.member_id, ())
            if role in SEAT_ROLES
        ]
        rows.append(("\n".join(lines), continued))
    return rows


def board_messages(boards: Sequence[Sequence[tuple[str, str]]]) -> tuple[str, ...]:
    """The boards of the groupements a coordinator coordinates, a blank line between two,
    as ``/designation`` sends them: in as many messages as Telegram's 4,096 characters
    need (an academy's communes are hundreds)."""
    rows: list[tuple[str, str]] = []
    for board in boards:
        rows += [("", "")] if rows else []
        rows += board
    return tuple("\n".join(part).strip("\n") for part in packed(rows, MESSAGE_LIMIT))


def mandate_ended_notice(groupement: Groupement, seat: Seat, end: MandateEnd, language: str) -> str:
    """What a person whose mandate an election ended reads, in private."""
    _ = translator(language)
    return _(
        "The election of {date} ended your mandate as {role} of {member} ({groupement}). "
        "You no longer receive its convocations or ballot papers until a new designation."
    ).format(
        date=long_date(end.election_day, language),
        role=_(SEAT_ROLES[seat.role]),
        member=name_of(groupement, seat.member_id),
        groupement=groupement.name,
    )
