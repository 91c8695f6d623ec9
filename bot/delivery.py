"""Messages the bot pushes on its own: ballot papers, live participation, results.

Every send is to one chat and may fail on its own (a person who blocked the
bot answers 403): a failure is logged and reported, never allowed to stop the
others or to undo what is already on disk.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from io import BytesIO

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest, TelegramError

from bot.identity import user_id_of
from bot.render import paper_keyboard, paper_text, participation_text, result_text
from bot.services import Services
from meetings.charts import ballot_chart
from meetings.reminders import ballot_subject
from meetings.wording.explain import explain
from meetings.wording.i18n import choose_language, translator
from voting.ballot import Ballot
from voting.tally import TallyResult

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1024
"""Telegram's limit for a photo's caption."""


@dataclass
class DeliveryReport:
    sent: int = 0
    unreachable: list[tuple[str, str]] = field(default_factory=list)
    """(person id, member id) pairs whose paper could not be delivered."""


async def language_of(services: Services, person_id: str) -> str:
    person = await services.roster.person(person_id)
    if person is None:
        return choose_language(None, None)
    return choose_language(person.language, person.client_language)


def groupement_language(services: Services, ballot: Ballot) -> str:
    """Group chats are shared: they read the groupement's own language."""
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    return choose_language(groupement.groupement.locale, None)


async def _send(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    try:
        return await bot.send_message(chat_id, text, reply_markup=markup)
    except TelegramError as error:
        log.warning("could not write to chat %s: %s", chat_id, error)
        return None


async def deliver_papers(
    bot: Bot,
    services: Services,
    ballot: Ballot,
    only_person: str | None = None,
    only_members: frozenset[str] | None = None,
) -> DeliveryReport:
    """Send each entitled person one paper per member it votes for."""
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    votes = await services.ballots.effective_votes(ballot.id)
    report = DeliveryReport()
    for paper in await services.desk.papers(ballot):
        if only_person is not None and paper.person_id != only_person:
            continue
        if only_members is not None and paper.member_id not in only_members:
            continue
        chat_id = user_id_of(paper.person_id)
        language = await language_of(services, paper.person_id)
        _ = translator(language)
        text = paper_text(
            ballot, groupement, paper.member_id, paper.proxy_of is not None, language, _
        )
        markup = paper_keyboard(ballot, paper.member_id, language, votes.get(paper.member_id))
        message = None if chat_id is None else await _send(bot, chat_id, text, markup)
        if message is None:
            report.unreachable.append((paper.person_id, paper.member_id))
            continue
        report.sent += 1
        await services.chats.remember_post(
            ballot.id, message.chat_id, message.message_id, "paper", paper.member_id
        )
    return report


async def post_participation(bot: Bot, services: Services, ballot: Ballot) -> None:
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    participation = await services.desk.participation(ballot)
    language = groupement_language(services, ballot)
    text = participation_text(ballot, groupement, participation, language, translator(language))
    for chat in await services.chats.groups_for(
        ballot.draft.groupement_id, ballot.draft.instance_id
    ):
        message = await _send(bot, chat.chat_id, text)
        if message is not None:
            await services.chats.remember_post(
                ballot.id, message.chat_id, message.message_id, "participation", None
            )


async def refresh_participation(bot: Bot, services: Services, ballot: Ballot) -> None:
    """Edit the group's participation message after a vote (figures only, never totals)."""
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    participation = await services.desk.participation(ballot)
    language = groupement_language(services, ballot)
    text = participation_text(ballot, groupement, participation, language, translator(language))
    for post in await services.chats.posts(ballot.id, "participation"):
        try:
            await bot.edit_message_text(text, chat_id=post.chat_id, message_id=post.message_id)
        except BadRequest as error:
            # Two votes of equal weight leave the figures unchanged; Telegram says so.
            if "not modified" not in str(error).lower():
                log.warning("could not update participation in %s: %s", post.chat_id, error)
        except TelegramError as error:
            log.warning("could not update participation in %s: %s", post.chat_id, error)


async def announce_result(bot: Bot, services: Services, ballot: Ballot) -> None:
    """Post the stored result to the groups and to every person who voted; retire the papers.

    Every copy is rendered from the result kept on disk, so all readers see the same figures.
    """
    assert ballot.result is not None
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    votes = await services.ballots.effective_votes(ballot.id)
    group_language = groupement_language(services, ballot)
    group_text = result_text(
        ballot, groupement, ballot.result, votes, group_language, translator(group_language)
    )
    groups = await services.chats.groups_for(ballot.draft.groupement_id, ballot.draft.instance_id)
    chart_chats = [chat.chat_id for chat in groups]
    if not chart_chats and ballot.draft.created_by:
        # No group follows the instance: the coordinator who opened the ballot gets the chart.
        creator = user_id_of(ballot.draft.created_by)
        chart_chats = [creator] if creator is not None else []
    chart = await result_chart(services, ballot, votes, group_language) if chart_chats else None
    caption = explain(ballot.result, group_language)[:CAPTION_LIMIT]
    for chat in groups:
        await _send(bot, chat.chat_id, group_text)
    for chart_chat in chart_chats:
        assert chart is not None
        try:
            await bot.send_photo(
                chart_chat,
                InputFile(BytesIO(chart), filename=f"scrutin-{ballot.id}.png"),
                caption=caption,
            )
        except TelegramError as error:
            log.warning("chart not posted in %s: %s", chart_chat, error)
    voters = dict.fromkeys(vote.cast_by for vote in await services.ballots.history(ballot.id))
    for person_id in voters:
        chat_id = user_id_of(person_id)
        if chat_id is None:
            continue
        language = await language_of(services, person_id)
        text = result_text(ballot, groupement, ballot.result, votes, language, translator(language))
        await _send(bot, chat_id, text)
    for post in await services.chats.posts(ballot.id, "paper"):
        try:
            await bot.edit_message_reply_markup(chat_id=post.chat_id, message_id=post.message_id)
        except TelegramError as error:
            log.info("paper %s/%s keeps its buttons: %s", post.chat_id, post.message_id, error)


async def result_chart(
    services: Services, ballot: Ballot, votes: dict[str, str], language: str
) -> bytes:
    """The ballot's chart, drawn in a worker thread: matplotlib would block the event loop."""
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    assert ballot.electorate is not None
    names = {m: groupement.participant_name(m) for m in ballot.electorate.members}
    return await asyncio.to_thread(ballot_chart, ballot, votes, names, language)


async def close_and_announce(
    bot: Bot, services: Services, ballot_id: int
) -> tuple[Ballot, TallyResult]:
    ballot, result = await services.ballots.close(ballot_id)
    await services.reminders.drop_subject(ballot_subject(ballot.id), "ballot closed")
    await announce_result(bot, services, ballot)
    return ballot, result


async def close_due_ballots(bot: Bot, services: Services) -> list[int]:
    """Close every open ballot whose deadline has passed; return their ids."""
    closed = []
    for ballot in await services.ballots.due_for_closing():
        await close_and_announce(bot, services, ballot.id)
        closed.append(ballot.id)
    return closed
