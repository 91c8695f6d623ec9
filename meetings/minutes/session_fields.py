"""The first section of the minutes: where and when the session was held, how it was
convened (the notice worked out from the dates on record), who chaired it and how the votes
were weighted."""

from __future__ import annotations

from datetime import datetime

from meetings.meeting import DeliveryFailure
from meetings.minutes.labels import instance_label, session_time, weighting
from meetings.minutes.model import Minutes, UrgencyRuled
from meetings.schedule import clear_days_between
from meetings.wording.formats import clear_days, clock, day, moment
from meetings.wording.i18n import Translator, translator
from meetings.wording.messages.documents import document_label

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
    fields.append((_("Chair of the session"), _acting_chair(minutes, language)))
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


def _acting_chair(minutes: Minutes, language: str) -> str:
    """The chair, and how it was designated where the planned chair's member was absent."""
    _ = translator(language)
    chair = _chair(minutes, language)
    designated = minutes.chair.designated
    if chair is None:
        return _("not appointed")
    if designated is None:
        return chair
    time = session_time(designated.at, minutes.opened_at, minutes.zone, language)
    absent = designated.in_absence_of
    # The instance votes on its chair in session; the coordinator designates before /ouvrir
    # (the session does not open without a chair), often in the same minute.
    if designated.by_ballot is None and designated.at <= minutes.opened_at:
        text = _(
            "{chair} (designated before the opening of the session, on {moment}, by the "
            "coordinator, in the absence of {absent})"
        )
        when = moment(designated.at, language, minutes.zone)
        return text.format(chair=chair, moment=when, absent=absent)
    if designated.by_ballot is None:
        text = _(
            "{chair} (designated in session at {time} by the coordinator, "
            "in the absence of {absent})"
        )
    else:
        text = _(
            "{chair} (designated in session at {time} by a vote of the instance, ballot no. "
            "{ballot}, in the absence of {absent})"
        )
    return text.format(chair=chair, time=time, absent=absent, ballot=designated.by_ballot)


def chair_text(minutes: Minutes, language: str) -> str:
    """The chair as it signs the minutes (empty where none was appointed)."""
    return _chair(minutes, language) or ""


def convocation_fields(minutes: Minutes, language: str) -> list[Field]:
    _ = translator(language)
    which = _("Second convocation") if minutes.second_convocation else _("First convocation")
    label = _.pgettext("field", "Convocation")
    fields = [(label, _convocation(minutes, which, language))]
    if minutes.urgent:
        fields.extend(_urgency_fields(minutes, language))
    if minutes.earlier_convocations:
        fields.append((_.pgettext("field", "Earlier dates"), _earlier_dates(minutes, language)))
    if minutes.late_convened:
        fields.append((_("Convocation delivered late"), late_convened_text(minutes, language)))
    if minutes.undelivered:
        fields.append((_("Convocation not delivered"), _undelivered(minutes, language)))
    if minutes.documents:
        fields.append((_.pgettext("field", "Documents"), documents_text(minutes, language)))
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


def _urgency_fields(minutes: Minutes, language: str) -> list[Field]:
    """The reason for the urgency, and the instance's ruling on it where a vote was held: the
    votes void for want of quorum, then the ruling."""
    _ = translator(language)
    reason = (minutes.urgency_reason or _("not stated")).strip()
    ruling = minutes.urgency_ruling
    if ruling is None:
        return [(_("Reason for the urgency"), _("{reason}.").format(reason=reason))]
    stated = _("{reason} (stated at the opening of the session).").format(reason=reason)
    parts = [
        _("vote on the urgency without quorum (ballot no. {ballot})").format(ballot=ballot)
        for ballot in ruling.without_quorum
    ]
    if ruling.ballot_id is None:
        parts[-1] += "."
    else:
        parts.append(_ruling(ruling, _))
    text = parts[0]
    for later in parts[1:]:
        text = _("{earlier}; {later}").format(earlier=text, later=later)
    return [(_("Reason for the urgency"), stated), (_("Ruling on the urgency"), text)]


def _ruling(ruling: UrgencyRuled, _: Translator) -> str:
    if ruling.recognised is None:
        text = _("vote on the urgency in progress (ballot no. {ballot}).")
    elif ruling.recognised:
        text = _(
            "urgency recognised by the instance at the opening of the session "
            "(ballot no. {ballot})."
        )
    else:
        text = _(
            "urgency not recognised by the instance at the opening of the session "
            "(ballot no. {ballot}): no other question is deliberated."
        )
    return text.format(ballot=ruling.ballot_id)


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
    elif clear >= minutes.notice_days and minutes.late_convened:
        # Met for those that sending reached, not for the members a later re-sending reached.
        text = _(
            "{which}, sent on {moment}, {clear} before the session: notice of {notice} met "
            "for the members reached by this sending."
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


def _earlier_dates(minutes: Minutes, language: str) -> str:
    """``Séance initialement convoquée pour le … (convocation du …), puis pour le …``."""
    _ = translator(language)
    zone = minutes.zone
    dates = [
        _("{moment} (convocation of {sent})").format(
            moment=moment(convocation.starts_at, language, zone),
            sent=day(convocation.sent_at, language, zone),
        )
        for convocation in minutes.earlier_convocations
    ]
    first, *later = dates
    text = _("Session first convened for {dates}").format(dates=first)
    for then in later:
        text += _(", then for {dates}").format(dates=then)
    return text + "."


def _undelivered(minutes: Minutes, language: str) -> str:
    """``Moselle (représentant injoignable par le bot), Dane (aucun représentant enregistré)``."""
    _ = translator(language)
    reasons = {
        DeliveryFailure.UNREACHABLE: _("its representative could not be reached by the bot"),
        DeliveryFailure.NO_REPRESENTATIVE: _("no representative registered"),
    }
    return (
        ", ".join(
            _("{member} ({reason})").format(member=item.member, reason=reasons[item.failure])
            for item in minutes.undelivered
        )
        + "."
    )


def late_convened_text(minutes: Minutes, language: str) -> str:
    """``Département de la Meuse, le lundi 21 décembre 2026 à 18 h 00 (aucun jour franc avant
    la séance)``: the members first reached after the last day to convene."""
    _ = translator(language)
    entries = []
    for item in minutes.late_convened:
        if item.clear_days > 0:
            notice = _("{clear} before the session").format(
                clear=clear_days(item.clear_days, language)
            )
        else:
            notice = _("no clear day before the session")
        entries.append(
            _("{member}, on {moment} ({notice})").format(
                member=item.member,
                moment=moment(item.delivered_at, language, minutes.zone),
                notice=notice,
            )
        )
    return _.pgettext("between the clauses of a list", "; ").join(entries) + "."


def documents_text(minutes: Minutes, language: str) -> str:
    """Each document and when it was sent, as recorded: ``budget.csv (1,2 Ko), envoyé avec la
    convocation le …``; ``rapport.pdf (…), envoyé en complément le …``."""
    _ = translator(language)
    entries = []
    for sent in minutes.documents:
        label = document_label(sent.document, language)
        if sent.first_sent_at is None:
            entries.append(_("{label}, not sent").format(label=label))
            continue
        when = moment(sent.first_sent_at, language, minutes.zone)
        if sent.complement:
            text = _("{label}, sent as an additional document on {moment}")
        else:
            text = _("{label}, sent with the convocation on {moment}")
        entries.append(text.format(label=label, moment=when))
    listed = entries[0]
    for entry in entries[1:]:
        listed = _("{earlier}; {later}").format(earlier=listed, later=entry)
    return listed + "."
