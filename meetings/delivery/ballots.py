"""Ballot papers, the group's live participation, results with their chart, cancellations."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence

from meetings.buttons import NextRoundButton
from meetings.delivery.audience import DeliveryReport, group_language, language_of
from meetings.disclosure import outcome_only
from meetings.notifier import Address, Attachment, Button, Group, Message, Posted, Private
from meetings.papers import papers, participation
from meetings.services import Services
from meetings.wording.formats import name_of
from meetings.wording.messages.ballots import (
    already_voted,
    cancelled_text,
    chart_caption,
    paper,
    participation_text,
    result_text,
)
from meetings.wording.messages.elections import (
    ages_request,
    next_round_button,
    next_round_offer,
)
from voting.ballot import Ballot
from voting.election import next_round

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1024
"""Telegram's limit for a photo's caption."""


async def deliver_papers(
    services: Services,
    ballot: Ballot,
    only_person: str | None = None,
    only_members: frozenset[str] | None = None,
) -> DeliveryReport:
    """Send each entitled person one paper per member it votes for (its choice marked)."""
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    latest = {vote.member_id: vote for vote in await services.ballots.history(ballot.id)}
    report = DeliveryReport()
    for sheet in await papers(services.roster, ballot):
        if only_person is not None and sheet.person_id != only_person:
            continue
        if only_members is not None and sheet.member_id not in only_members:
            continue
        report.covered.add(sheet.member_id)
        language = await language_of(services, sheet.person_id)
        vote = latest.get(sheet.member_id)
        # In a secret ballot a member's other representative learns that it voted, not how.
        hidden = vote is not None and ballot.secret and vote.cast_by != sheet.person_id
        message = paper(
            ballot,
            groupement,
            sheet.member_id,
            sheet.proxy_of is not None,
            language,
            None if vote is None or hidden else vote.option,
        )
        if hidden:
            note = already_voted(ballot, groupement, sheet.member_id, language)
            message = Message(f"{message.text}\n\n{note}", message.keyboard)
        posted = await services.notifier.send(Private(sheet.person_id), message)
        if posted is None:
            report.unreachable.append((sheet.person_id, sheet.member_id))
            continue
        report.sent += 1
        await services.chats.remember_post(
            ballot.id, posted.chat_id, posted.message_id, "paper", sheet.member_id
        )
    return report


async def _participation(services: Services, ballot: Ballot) -> str:
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    votes = await services.ballots.effective_votes(ballot.id)
    counted = participation(ballot, votes)
    return participation_text(ballot, groupement, counted, group_language(groupement))


async def post_participation(services: Services, ballot: Ballot) -> None:
    """The group's live participation message, remembered so that each vote edits it."""
    text = await _participation(services, ballot)
    groups = await services.chats.groups_for(ballot.draft.groupement_id, ballot.draft.instance_id)
    for chat in groups:
        posted = await services.notifier.send(Group(chat.chat_id), Message(text))
        if posted is not None:
            await services.chats.remember_post(
                ballot.id, posted.chat_id, posted.message_id, "participation", None
            )


async def refresh_participation(services: Services, ballot: Ballot) -> None:
    """Edit the group's participation message after a vote (figures only, never totals)."""
    text = await _participation(services, ballot)
    for post in await services.chats.posts(ballot.id, "participation"):
        await services.notifier.edit(Posted(post.chat_id, post.message_id), Message(text))


async def result_chart(
    services: Services, ballot: Ballot, votes: Mapping[str, str], language: str
) -> bytes:
    """The ballot's chart, drawn in a worker thread: matplotlib would block the event loop."""
    # Imported here, the one place a result chart is drawn, so that matplotlib loads when the
    # first chart is drawn, not when the bot starts (issue #11: start-up time and memory).
    from meetings.charts.ballot import ballot_chart

    groupement = services.governance.groupement(ballot.draft.groupement_id)
    assert ballot.electorate is not None
    names = {member: name_of(groupement, member) for member in ballot.electorate.members}
    hidden = outcome_only(groupement, ballot)
    return await asyncio.to_thread(ballot_chart, ballot, votes, names, language, hidden)


async def announce_result(
    services: Services, ballot: Ballot, voters: Sequence[str] | None = None
) -> None:
    """Post the stored result to the groups and to every person who voted; retire the papers.

    Every copy is written from the result kept on disk, so all readers see the same figures.
    ``voters``: the persons who voted, as :func:`voters_of` read them before a secret ballot's
    close forgot all but the one whose vote counts for each member.
    """
    assert ballot.result is not None
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    votes = await services.ballots.effective_votes(ballot.id)
    language = group_language(groupement)
    groups = await services.chats.groups_for(ballot.draft.groupement_id, ballot.draft.instance_id)
    chart_to: list[Address] = [Group(chat.chat_id) for chat in groups]
    if not chart_to and ballot.draft.created_by:
        # No group follows the instance: the coordinator who opened the ballot gets the chart.
        chart_to = [Private(ballot.draft.created_by)]
    text = result_text(ballot, groupement, votes, language)
    for chat in groups:
        await services.notifier.send(Group(chat.chat_id), Message(text))
    if chart_to:
        chart = Attachment(
            f"scrutin-{ballot.id}.png",
            await result_chart(services, ballot, votes, language),
            chart_caption(ballot, groupement, language)[:CAPTION_LIMIT],
        )
        for address in chart_to:
            await services.notifier.photo(address, chart)
    for person_id in voters if voters is not None else await voters_of(services, ballot):
        reader = await language_of(services, person_id)
        await services.notifier.send(
            Private(person_id), Message(result_text(ballot, groupement, votes, reader))
        )
    await _retire_papers(services, ballot)
    await _election_follow_up(services, ballot)


async def _election_follow_up(services: Services, ballot: Ballot) -> None:
    """After a round that elected nobody, offer the next one to the coordinator who opened it;
    after a tie at the third round, ask for the tied candidates' birth dates."""
    result, coordinator = ballot.result, ballot.draft.created_by
    if result is None or coordinator is None or not result.is_election:
        return
    language = await language_of(services, coordinator)
    following = next_round(result)
    if result.awaiting_ages:
        message = Message(ages_request(ballot, language))
    elif following is not None:
        button = Button(next_round_button(following, language), NextRoundButton(ballot.id).encode())
        message = Message(next_round_offer(ballot, following, language), ((button,),))
    else:
        return
    await services.notifier.send(Private(coordinator), message)


async def announce_cancellation(services: Services, ballot: Ballot) -> None:
    """Tell the groups and everyone who had a paper that the ballot is void; retire the papers."""
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    groups = await services.chats.groups_for(ballot.draft.groupement_id, ballot.draft.instance_id)
    for chat in groups:
        text = cancelled_text(ballot, groupement, group_language(groupement))
        await services.notifier.send(Group(chat.chat_id), Message(text))
    holders = dict.fromkeys(sheet.person_id for sheet in await papers(services.roster, ballot))
    for person_id in holders:
        reader = await language_of(services, person_id)
        text = cancelled_text(ballot, groupement, reader)
        await services.notifier.send(Private(person_id), Message(text))
    await _retire_papers(services, ballot)


async def voters_of(services: Services, ballot: Ballot) -> list[str]:
    """Every person who cast a vote, once, in the order they first voted."""
    return list(dict.fromkeys(vote.cast_by for vote in await services.ballots.history(ballot.id)))


async def _retire_papers(services: Services, ballot: Ballot) -> None:
    for post in await services.chats.posts(ballot.id, "paper"):
        if not await services.notifier.remove_buttons(Posted(post.chat_id, post.message_id)):
            log.info("paper %s/%s keeps its buttons", post.chat_id, post.message_id)
