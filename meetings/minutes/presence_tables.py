"""Who was there, as the minutes list it: a summary by category, then one table per category,
the advisory participants, and the arrivals and departures after the opening."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from meetings.minutes.blocks import Block, Heading, Items, Paragraph, Table
from meetings.minutes.labels import session_time
from meetings.minutes.model import (
    AdvisoryAttendance,
    MemberAttendance,
    Minutes,
    Movement,
    Presence,
    ProxyChange,
    Sitter,
)
from meetings.roster import Role
from meetings.wording.formats import moment, weight
from meetings.wording.i18n import Translator, translator


def _categories(_: Translator) -> dict[Presence, str]:
    """The summary's rows."""
    return {
        Presence.PRESENT: _.pgettext("attendance", "Present"),
        Presence.REPRESENTED: _.pgettext("attendance", "Represented"),
        Presence.EXCUSED: _.pgettext("attendance", "Excused"),
        Presence.ABSENT: _.pgettext("attendance", "Absent"),
    }


class _Columns:
    """The weight column, where the instance votes, in every table of members."""

    def __init__(self, minutes: Minutes, language: str) -> None:
        self.voting = minutes.voting
        self.language = language
        self.header: tuple[str, ...] = (
            (translator(language).pgettext("column", "Votes"),) if self.voting else ()
        )
        self.numeric = frozenset({1}) if self.voting else frozenset()

    def weight(self, member: MemberAttendance) -> tuple[str, ...]:
        return () if member.weight is None else (weight(member.weight, self.language),)

    def total(self, amount: Decimal) -> tuple[str, ...]:
        return (weight(amount, self.language),) if self.voting else ()

    def widths(self, with_votes: tuple[int, ...], without: tuple[int, ...]) -> tuple[int, ...]:
        return with_votes if self.voting else without


def presence_tables(minutes: Minutes, language: str) -> list[Block]:
    _ = translator(language)
    columns = _Columns(minutes, language)
    blocks: list[Block] = [_summary(minutes, columns, _)]
    blocks.append(Heading(_("Members present"), 2))
    blocks.extend(_present(minutes, columns, _))
    blocks.append(Heading(_("Members represented"), 2))
    blocks.extend(_represented(minutes, columns, _))
    for presence, heading in (
        (Presence.EXCUSED, _("Members excused")),
        (Presence.ABSENT, _("Members absent")),
    ):
        group = minutes.with_presence(presence)
        blocks.append(Heading(heading, 2))
        rows = tuple((str(m.name), *columns.weight(m)) for m in group)
        blocks.append(
            Table(
                (_.pgettext("column", "Member"), *columns.header),
                rows,
                columns.widths((9, 2), (1,)),
                numeric=columns.numeric,
            )
            if group
            else _none(_)
        )
    blocks.append(Heading(_("Advisory participants present"), 2))
    blocks.extend(_advisory(minutes, _))
    blocks.append(Heading(_("Arrivals and departures during the session"), 2))
    blocks.append(_movements(minutes, language))
    return blocks


def _none(_: Translator) -> Paragraph:
    return Paragraph(_.pgettext("nobody", "None."))


def _where(by_video: bool, _: Translator) -> str:
    return _("by video") if by_video else _("in the room")


def _summary(minutes: Minutes, columns: _Columns, _: Translator) -> Table:
    rows: list[tuple[str, ...]] = []
    for presence, label in _categories(_).items():
        group = minutes.with_presence(presence)
        amount = sum((m.weight or Decimal(0) for m in group), Decimal(0))
        rows.append((label, str(len(group)), *columns.total(amount)))
    total = minutes.total
    rows.append((_("Total of members"), str(total.heads), *columns.total(total.weight)))
    return Table(
        (_.pgettext("column", "Category"), _.pgettext("column", "Members"), *columns.header),
        tuple(rows),
        columns.widths((3, 1, 1), (3, 1)),
        numeric=frozenset({1, 2}),
        bold_rows=frozenset({len(rows) - 1}),
        width=0.6,
    )


def sitter_text(sitter: Sitter | None, _: Translator) -> str:
    """``Marie Dupont (titulaire)``: the person who sat, and the seat it sat in."""
    if sitter is None:
        return ""
    if sitter.role is Role.ADVISORY:
        return sitter.name
    role = (
        _.pgettext("seat", "titulaire")
        if sitter.role is Role.TITULAIRE
        else _.pgettext("seat", "substitute")
    )
    return _("{person} ({role})").format(person=sitter.name, role=role)


def _present(minutes: Minutes, columns: _Columns, _: Translator) -> list[Block]:
    present = minutes.with_presence(Presence.PRESENT)
    if not present:
        return [_none(_)]

    def at(moment: datetime) -> str:
        return session_time(moment, minutes.opened_at, minutes.zone, columns.language)

    # The column of the persons is there when the record names any: minutes built without
    # the roster keep the members alone.
    named = any(member.sitter is not None for member in present)
    rows = []
    for member in present:
        remarks = []
        if member.arrived_at is not None:
            remarks.append(_("arrived at {time}").format(time=at(member.arrived_at)))
        remarks.extend(_("left at {time}").format(time=at(left)) for left in member.left_at)
        where = _where(member.by_video, _)
        person = (sitter_text(member.sitter, _),) if named else ()
        rows.append(
            (str(member.name), *person, *columns.weight(member), where, _joined(remarks, _))
        )
    header = (
        _.pgettext("column", "Member"),
        *((_.pgettext("column", "Sitting for it"),) if named else ()),
        *columns.header,
        _.pgettext("column", "Attendance"),
        _.pgettext("column", "Remarks"),
    )
    if named:
        widths = columns.widths((6, 5, 2, 4, 4), (6, 5, 4, 4))
        numeric = frozenset({2}) if columns.voting else frozenset()
        return [Table(header, tuple(rows), widths, numeric=numeric)]
    widths = columns.widths((9, 2, 4, 5), (9, 4, 5))
    return [Table(header, tuple(rows), widths, numeric=columns.numeric)]


def _joined(remarks: Sequence[str], _: Translator) -> str:
    return _.pgettext("list separator", "; ").join(remarks)


def _represented(minutes: Minutes, columns: _Columns, _: Translator) -> list[Block]:
    represented = minutes.with_presence(Presence.REPRESENTED)
    if not represented:
        return [_none(_)]
    rows = tuple(
        (
            str(m.name),
            *columns.weight(m),
            str(m.proxy_holder or ""),
            _proxy_given(minutes, m, columns.language),
        )
        for m in represented
    )
    header = (
        _.pgettext("column", "Member"),
        *columns.header,
        _("Represented by (proxy given to)"),
        _.pgettext("column", "Proxy"),
    )
    widths = columns.widths((9, 2, 9, 6), (9, 9, 6))
    return [Table(header, rows, widths, numeric=columns.numeric)]


def _proxy_given(minutes: Minutes, member: MemberAttendance, language: str) -> str:
    """When the proxy was given: in writing (the reply to the convocation), or in session."""
    _ = translator(language)
    given_at = member.proxy_given_at
    if given_at is None:
        return ""
    if member.proxy_in_session:
        time = session_time(given_at, minutes.opened_at, minutes.zone, language)
        return _("proxy given during the session at {time}").format(time=time)
    return _("proxy given in writing on {moment}").format(
        moment=moment(given_at, language, minutes.zone)
    )


def _advisory(minutes: Minutes, _: Translator) -> list[Block]:
    if not minutes.advisory:
        return [_none(_)]
    items = tuple(
        _("{name} — {where}").format(name=_advisory_name(a, _), where=_where(a.by_video, _))
        for a in minutes.advisory
    )
    note = _("They attend the session without taking part in the votes.")
    return [Items(items), Paragraph(note, note=True)]


def _advisory_name(advisory: AdvisoryAttendance, _: Translator) -> str:
    """``Directions académiques au numérique éducatif (DANE), in the person of Paul Martin``."""
    if advisory.sitter is None:
        return str(advisory.name)
    return _("{participant}, in the person of {person}").format(
        participant=advisory.name, person=advisory.sitter.name
    )


def _movement(movement: Movement, _: Translator) -> str:
    if movement.arrived:
        return _("arrival {where}").format(where=_where(movement.by_video, _))
    return _.pgettext("movement", "departure")


def _proxy_change(change: ProxyChange, _: Translator) -> str:
    if change.holder is None:
        return _("proxy revoked")
    return _("proxy given to {holder}").format(holder=change.holder)


def _movements(minutes: Minutes, language: str) -> Block:
    _ = translator(language)
    if not minutes.movements and not minutes.proxy_changes:
        return Paragraph(_("No movement after the opening of the session."))
    timed = [(m.at, str(m.name), _movement(m, _)) for m in minutes.movements]
    timed.extend((c.at, str(c.giver), _proxy_change(c, _)) for c in minutes.proxy_changes)
    # A departure and the proxy given on leaving share a time: the departure comes first.
    timed.sort(key=lambda row: row[0])
    rows = tuple(
        (session_time(at, minutes.opened_at, minutes.zone, language), name, what)
        for at, name, what in timed
    )
    header = (
        _.pgettext("column", "Time"),
        _.pgettext("column", "Participant"),
        _.pgettext("column", "Movement"),
    )
    return Table(header, rows, (2, 9, 4))
