"""What ties the items of one groupement file together: references, totals, duplicates.

Each item has already passed its own validation (:mod:`config.sections`); these checks
look across items and return every inconsistency, one :class:`Problem` each, so that the
author of a file fixes all of them in one go.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from config.sections import (
    NO_VALUE,
    AdvisoryParticipant,
    GroupementHeader,
    Instance,
    Member,
    MembersConsultation,
    WeightTable,
    format_decimal,
)

__all__ = ["Problem", "check_groupement", "show_value"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a configuration, located by a dotted path such as
    ``weight_tables[ent-2017].weights.bas-rhn``."""

    path: str
    message: str
    value: object = NO_VALUE

    @property
    def has_value(self) -> bool:
        return self.value is not NO_VALUE

    def describe(self, source: str | None = None) -> str:
        where = f"{source}: " if source else ""
        shown = f" (value: {show_value(self.value)})" if self.has_value else ""
        return f"{where}{self.path}: {self.message}{shown}"


def show_value(value: object) -> str:
    """A value as the author wrote it in TOML, as near as can be told."""
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, date):
        return value.isoformat()
    return repr(value)


def check_groupement(
    header: GroupementHeader | None,
    members: Sequence[Member],
    weight_tables: Sequence[WeightTable],
    instances: Sequence[Instance],
    advisory: Sequence[AdvisoryParticipant],
    *,
    unvalidated: Mapping[str, Sequence[str]] | None = None,
    consultation: MembersConsultation | None = None,
) -> list[Problem]:
    """Every inconsistency between the items of one groupement, one problem each.

    ``unvalidated`` gives, per section name (and ``"series"``), the ids of items that
    exist in the file but failed their own validation: they still count as known, so a
    mistake in one member is not echoed by every table that names it.
    """
    pending: Mapping[str, Sequence[str]] = unvalidated or {}
    member_ids = {m.id for m in members} | set(pending.get("members", ()))
    series = {t.series for t in weight_tables} | set(pending.get("series", ()))
    instance_ids = {i.id for i in instances} | set(pending.get("instances", ()))
    return [
        *_duplicate_ids(members, weight_tables, instances, advisory, pending),
        *_coordinator_problems(header, member_ids),
        *_member_problems(members, member_ids),
        *_weight_table_problems(weight_tables, member_ids),
        *_instance_problems(instances, series),
        *_advisory_problems(advisory, instance_ids),
        *_consultation_problems(consultation, header, weight_tables, instance_ids, series),
    ]


def _suggest(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


# --- duplicates ---------------------------------------------------------------------


def _duplicate_ids(
    members: Sequence[Member],
    weight_tables: Sequence[WeightTable],
    instances: Sequence[Instance],
    advisory: Sequence[AdvisoryParticipant],
    pending: Mapping[str, Sequence[str]],
) -> Iterator[Problem]:
    sections: tuple[tuple[str, str, Iterable[str]], ...] = (
        ("members", "member", (m.id for m in members)),
        ("weight_tables", "weight table", (t.id for t in weight_tables)),
        ("instances", "instance", (i.id for i in instances)),
        ("advisory", "advisory participant", (a.id for a in advisory)),
    )
    for section, noun, ids in sections:
        counts = Counter([*ids, *pending.get(section, ())])
        for item_id, count in counts.items():
            if count > 1:
                yield Problem(
                    f"{section}[{item_id}].id", f"duplicate {noun} id, used {count} times", item_id
                )


# --- coordinator and members ----------------------------------------------------------


def _coordinator_problems(
    header: GroupementHeader | None, member_ids: set[str]
) -> Iterator[Problem]:
    if header is not None and header.coordinator not in member_ids:
        yield Problem(
            "groupement.coordinator",
            "the coordinator is not a member" + _suggest(header.coordinator, member_ids),
            header.coordinator,
        )


def _member_problems(members: Sequence[Member], member_ids: set[str]) -> Iterator[Problem]:
    by_id = {m.id: m for m in members}
    for member in members:
        where = f"members[{member.id}]"
        if member.joined is not None and member.left is not None and member.left <= member.joined:
            yield Problem(
                f"{where}.left",
                f"left {member.left.isoformat()} is not after joined {member.joined.isoformat()}",
                member.left,
            )
        succession = _succession_problem(member, member_ids, by_id)
        if succession is not None:
            yield Problem(f"{where}.succeeded_by", succession, member.succeeded_by)


def _succession_problem(
    member: Member, member_ids: set[str], by_id: Mapping[str, Member]
) -> str | None:
    """What is wrong with ``member.succeeded_by``, if anything."""
    successor = member.succeeded_by
    if successor is None:
        return None
    if successor == member.id:
        return "a member cannot succeed itself"
    if successor not in member_ids:
        return "unknown member" + _suggest(successor, member_ids)
    if member.left is None:
        return "a successor only takes over after the member leaves; set 'left' too"
    if _succession_loops(member.id, by_id):
        return "the chain of successors loops back"
    return None


def _succession_loops(start: str, by_id: Mapping[str, Member]) -> bool:
    seen = {start}
    current = by_id.get(start)
    while current is not None and current.succeeded_by is not None:
        if current.succeeded_by in seen:
            return True
        seen.add(current.succeeded_by)
        current = by_id.get(current.succeeded_by)
    return False


# --- weight tables --------------------------------------------------------------------


def _weight_table_problems(
    weight_tables: Sequence[WeightTable], member_ids: set[str]
) -> Iterator[Problem]:
    first_on: dict[tuple[str, date], str] = {}
    for table in weight_tables:
        where = f"weight_tables[{table.id}]"
        written = "shares" if table.from_shares else "weights"
        for member_id in table.weights:
            if member_id not in member_ids:
                yield Problem(
                    f"{where}.{written}.{member_id}",
                    "unknown member" + _suggest(member_id, member_ids),
                    member_id,
                )
        if table.declared_total is not None and table.declared_total != table.total:
            yield Problem(
                f"{where}.declared_total",
                f"declared_total {format_decimal(table.declared_total)} disagrees with "
                f"the sum of the weights, {format_decimal(table.total)}",
                table.declared_total,
            )
        key = (table.series, table.effective_from)
        if key in first_on:
            yield Problem(
                f"{where}.effective_from",
                f"weight table {first_on[key]!r} of series {table.series!r} already takes "
                "effect on that date",
                table.effective_from,
            )
        else:
            first_on[key] = table.id


# --- instances and advisory participants ----------------------------------------------


def _instance_problems(instances: Sequence[Instance], series: set[str]) -> Iterator[Problem]:
    for instance in instances:
        where = f"instances[{instance.id}]"
        if instance.voting:
            yield from _voting_instance_problems(instance, where, series)
        elif instance.chair_designation == "vote":
            yield Problem(
                f"{where}.chair_designation",
                "an instance that does not vote cannot designate its chair by a vote",
                instance.chair_designation,
            )
        if instance.urgent_notice_clear_days > instance.notice_clear_days:
            yield Problem(
                f"{where}.urgent_notice_clear_days",
                f"an urgent notice cannot be longer than the normal one "
                f"({instance.notice_clear_days} clear days)",
                instance.urgent_notice_clear_days,
            )


def _voting_instance_problems(
    instance: Instance, where: str, series: set[str]
) -> Iterator[Problem]:
    if instance.weight_series is None:
        yield Problem(f"{where}.weight_series", "a voting instance needs a weight_series")
    elif instance.weight_series not in series:
        yield Problem(
            f"{where}.weight_series",
            "no weight table has this series" + _suggest(instance.weight_series, series),
            instance.weight_series,
        )
    if instance.rules is None:
        yield Problem(f"{where}.rules", "a voting instance needs rules (quorum, majority, tie)")


def _advisory_problems(
    advisory: Sequence[AdvisoryParticipant], instance_ids: set[str]
) -> Iterator[Problem]:
    for participant in advisory:
        for position, instance_id in enumerate(participant.instances):
            if instance_id not in instance_ids:
                yield Problem(
                    f"advisory[{participant.id}].instances[{position}]",
                    "unknown instance" + _suggest(instance_id, instance_ids),
                    instance_id,
                )


# --- the consultation of all the members ------------------------------------------------------


def _consultation_problems(
    consultation: MembersConsultation | None,
    header: GroupementHeader | None,
    weight_tables: Sequence[WeightTable],
    instance_ids: set[str],
    series: set[str],
) -> Iterator[Problem]:
    if consultation is None:
        return
    if consultation.id in instance_ids:
        yield Problem(
            "consultation.id",
            "an instance already has this id; give the consultation of the members another one",
            consultation.id,
        )
    wanted = consultation.weight_series
    if wanted is not None and wanted not in series:
        yield Problem(
            "consultation.weight_series",
            "no weight table has this series" + _suggest(wanted, series),
            wanted,
        )
    if header is None or consultation.coordinator_votes or wanted is None:
        return
    for table in weight_tables:
        if table.series == wanted and header.coordinator in table.weights:
            yield Problem(
                f"weight_tables[{table.id}].weights.{header.coordinator}",
                "the coordinator is not consulted (consultation.coordinator_votes = false) "
                "and cannot carry a weight in the consultations' series",
                header.coordinator,
            )
