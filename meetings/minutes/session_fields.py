"""The first section of the minutes: where and when the session was held, how it was
convened (the notice worked out from the dates on record), who chaired it and how the votes
were weighted."""

from __future__ import annotations

from datetime import datetime

from meetings.minutes.labels import instance_label, session_time, weighting
from meetings.minutes.model import Minutes
from meetings.schedule import clear_days_between
from meetings.wording.formats import clear_days, clock, day, moment
from meetings.wording.i18n import translator

Field = tuple[str, str]


def session_fields(minutes: Minutes, language: str) -> list[Field]:
    _ = translator(language)
    zone = minutes.zone
    fields = [
        (_.pgettext("field", "Groupement"), minutes.groupement_name),
        (
            _.pgettext("field", "Instance"),
            instance_label(minutes.instance_name, minutes.instance_kind, language),
        ),
        (_.pgettext("field", "Date"), day(minutes.starts_at, language, zone)),
        (_.pgettext("field", "Time"), clock(minutes.starts_at, language, zone)),
        (_.pgettext("field", "Place"), minutes.place or _("meeting held by video conference")),
    ]
    if minutes.video_link:
        fields.append((_("Video conference"), minutes.video_link))
    fields.extend(convocation_fields(minutes, language))

    def at(when: datetime) -> str:
        return session_time(when, minutes.opened_at, zone, language)

    fields.append((_("Opening of the session"), at(minutes.opened_at)))
    closed = _("session in progress") if minutes.closed_at is None else at(minutes.closed_at)
    fields.append((_("Closing of the session"), closed))
    fields.append((_("Chair of the session"), _chair(minutes, language) or _("not appointed")))
    fields.append((_("Secretary of the session"), minutes.secretary or _("not appointed")))
    if minutes.voting and minutes.weight_table_id is not None:
        weights = weighting(
            minutes.total,
            minutes.weight_table_id,
            minutes.weight_table_from,
            language,
            minutes.weight_table_name,
        )
        fields.append((_("Weighting of the votes"), weights))
    return fields


def _chair(minutes: Minutes, language: str) -> str | None:
    """``Marie Dupont (Région Grand Est)``: the person who signs, and the member it sits for."""
    _ = translator(language)
    chair = minutes.chair
    if chair.person and chair.member:
        return _("{person} ({member})").format(person=chair.person, member=chair.member)
    return chair.person or (None if chair.member is None else str(chair.member))


def chair_text(minutes: Minutes, language: str) -> str:
    """The chair as it signs the minutes (empty where none was appointed)."""
    return _chair(minutes, language) or ""


def convocation_fields(minutes: Minutes, language: str) -> list[Field]:
    _ = translator(language)
    which = _("Second convocation") if minutes.second_convocation else _("First convocation")
    label = _.pgettext("field", "Convocation")
    fields = [(label, _convocation(minutes, which, language))]
    if minutes.urgent:
        reason = (minutes.urgency_reason or _("not stated")).strip()
        fields.append(
            (
                _("Reason for the urgency"),
                _("{reason} (stated at the opening of the session).").format(reason=reason),
            )
        )
    if minutes.second_convocation:
        if minutes.first_meeting_at is not None:
            first = moment(minutes.first_meeting_at, language, minutes.zone)
            earlier = _("the meeting of {moment}").format(moment=first)
        else:
            earlier = _("the first meeting")
        text = _(
            "The quorum not having been reached at {earlier}, the instance, convened again "
            "with the same agenda, deliberates validly without any quorum condition."
        )
        fields.append((_.pgettext("field", "Quorum"), text.format(earlier=earlier)))
    return fields


def _convocation(minutes: Minutes, which: str, language: str) -> str:
    _ = translator(language)
    if minutes.convened_at is None:
        return _("{which}: no convocation is on record.").format(which=which)
    zone = minutes.zone
    # The notice is worked out from the dates on record, not assumed from the state.
    clear = clear_days_between(minutes.convened_at, minutes.starts_at, zone)
    if minutes.urgent:
        text = _(
            "{which}, sent on {moment}, {clear} before the session: urgent "
            "(shortened notice; ordinary notice of {notice})."
        )
    elif clear >= minutes.notice_days:
        text = _("{which}, sent on {moment}, {clear} before the session: notice of {notice} met.")
    else:
        text = _(
            "{which}, sent on {moment}, {clear} before the session: notice of {notice} not met."
        )
    return text.format(
        which=which,
        moment=moment(minutes.convened_at, language, zone),
        clear=clear_days(clear, language),
        notice=clear_days(minutes.notice_days, language),
    )
