"""Ballot papers, the group's live participation, results with their chart, cancellations."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Mapping, Sequence

from meetings.buttons import NextRoundButton
from meetings.chats import BallotPost
from meetings.delivery.audience import DeliveryReport, group_language, language_of
from meetings.delivery.fanout import fan_out
from meetings.delivery.results import Publication, ResultBook, post_to_groups, send_to_voters
from meetings.disclosure import outcome_only
from meetings.live_edits import Render, Versioned
from meetings.notifier import Address, Attachment, Button, Group, Message, Posted, Private
from meetings.papers import BallotPaper, Participation, papers, participation
from meetings.services import Services
from meetings.wording.formats import name_of
from meetings.wording.messages.ballots import (
    already_voted,
    cancelled_text,
    paper,
    participation_text,
)
from meetings.wording.messages.elections import (
    ages_request,
    next_round_button,
    next_round_offer,
)
from meetings.wording.messages.results import chart_caption
from voting.ballot import Ballot, BallotState
from voting.election import next_round

log = logging.getLogger(__name__)


async def deliver_papers(
    services: Services,
    ballot: Ballot,
    only_person: str | None = None,
    only_members: frozenset[str] | None = None,
    *,
    only_pairs: frozenset[tuple[str, str]] | None = None,
) -> DeliveryReport:
    """Send each entitled person one paper per member it votes for (its choice marked).

    ``only_person``, ``only_members``, ``only_pairs`` (person id, member id): just those papers.

    The papers go out together; the posts to edit later are written in one transaction.
    """
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    latest = {vote.member_id: vote for vote in await services.ballots.history(ballot.id)}
    report = DeliveryReport()
    letters: list[tuple[BallotPaper, Message]] = []
    for sheet in await papers(services.roster, ballot):
        if only_person is not None and sheet.person_id != only_person:
            continue
        if only_members is not None and sheet.member_id not in only_members:
            continue
        if only_pairs is not None and (sheet.person_id, sheet.member_id) not in only_pairs:
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
        letters.append((sheet, message))

    async def send(letter: tuple[BallotPaper, Message]) -> Posted | None:
        return await services.notifier.send(Private(letter[0].person_id), letter[1])

    letters = _in_waves(letters)
    kept: list[tuple[int, int, str | None]] = []
    for (sheet, _message), posted in zip(letters, await fan_out(letters, send), strict=True):
        if posted is None:
            report.unreachable.append((sheet.person_id, sheet.member_id))
            continue
        report.sent += 1
        kept.append((posted.chat_id, posted.message_id, sheet.member_id))
    await services.chats.remember_posts(ballot.id, "paper", kept)
    return report


def _in_waves(letters: list[tuple[BallotPaper, Message]]) -> list[tuple[BallotPaper, Message]]:
    """Each person's first paper, then each one's second (a proxy), and so on: a second paper
    right behind the first would break Telegram's one message a second in a private chat."""
    seen: Counter[str] = Counter()
    ranked: list[tuple[int, tuple[BallotPaper, Message]]] = []
    for letter in letters:
        ranked.append((seen[letter[0].person_id], letter))
        seen[letter[0].person_id] += 1
    return [letter for _rank, letter in sorted(ranked, key=lambda pair: pair[0])]


async def _participation(services: Services, ballot: Ballot) -> Versioned:
    """The participation message as the figures stand, with their version."""
    groupement = services.governance.groupement(ballot.draft.groupement_id)
    votes = await services.ballots.effective_votes(ballot.id)
    counted = participation(ballot, votes)
    text = participation_text(ballot, groupement, counted, group_language(groupement))
    return Versioned(Message(text), figures_version(ballot, counted))


def figures_version(ballot: Ballot, counted: Participation) -> int:
    """A number that grows with what the participation message shows, for the replicas to
    agree on which figures are newer: the members that voted (a member never stops having
    voted while the ballot is open, so their number names the set), and above any count of
    an open ballot, its end (read before the votes, so it never claims more than they show)."""
    return 2 * counted.voted.heads + (0 if ballot.state is BallotState.OPEN else 1)


async def post_participation(services: Services, ballot: Ballot) -> None:
    """The group's live participation message, remembered so that each vote edits it."""
    figures = await _participation(services, ballot)
    groups = await services.chats.groups_for(ballot.draft.groupement_id, ballot.draft.instance_id)
    sent = await fan_out(
        groups, lambda chat: services.notifier.send(Group(chat.chat_id), figures.message)
    )
    kept = [(posted.chat_id, posted.message_id, None) for posted in sent if posted is not None]
    await services.chats.remember_posts(ballot.id, "participation", kept)
    await services.chats.posted_showing([(c, m) for c, m, _none in kept], figures.version)


async def refresh_participation(services: Services, ballot: Ballot) -> None:
    """After a vote: the group's participation message is stale (figures only, never totals).

    It returns at once: :attr:`Services.live` edits each group's message at the pace that
    group's limit allows, with the figures of the moment the edit is sent.
    """
    for post in await services.chats.posts(ballot.id, "participation"):
        services.live.stale(
            Posted(post.chat_id, post.message_id), participation_render(services, ballot)
        )


def participation_render(services: Services, ballot: Ballot) -> Render:
    """How :attr:`Services.live` renders the ballot's participation when its edit leaves."""

    async def render() -> Versioned:
        # Read anew: another replica may have closed the ballot meanwhile.
        return await _participation(services, await services.ballots.get(ballot.id))

    return render


async def refresh_open_participations(services: Services) -> int:
    """At start: every open ballot's participation brought up to date (a stop drops the
    edits still waiting). The count of open ballots."""
    open_ballots = await services.ballots.find(state=BallotState.OPEN)
    for ballot in open_ballots:
        await refresh_participation(services, ballot)
    return len(open_ballots)


async def result_chart(
    services: Services, ballot: Ballot, votes: Mapping[str, str], language: str
) -> bytes:
    """The ballot's chart, drawn once (:attr:`Services.charts`) in a worker thread: matplotlib
    would block the event loop."""
    # Imported here, the one place a result chart is drawn, so that matplotlib loads when the
    # first chart is drawn, not when the bot starts (issue #11: start-up time and memory).
    from meetings.charts.ballot import ballot_chart

    groupement = services.governance.groupement(ballot.draft.groupement_id)
    assert ballot.electorate is not None
    names = {member: name_of(groupement, member) for member in ballot.electorate.members}
    hidden = outcome_only(groupement, ballot)
    draw = services.charts.ballot(ballot_chart)
    return await asyncio.to_thread(draw, ballot, votes, names, language, hidden)


async def announce_result(
    services: Services, ballot: Ballot, voters: Sequence[str] | None = None
) -> Publication:
    """Post the stored result to the groups and to every person who voted; retire the papers.

    Every copy is written from the result kept on disk, so all readers see the same figures,
    and each language once. The groups get the text first, then the chart once it is drawn
    (in a worker thread meanwhile). ``voters``: the persons who voted, as :func:`voters_of`
    read them before a secret ballot's close forgot all but the one whose vote counts for
    each member. Returns who got the result and who did not.
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
    drawing = asyncio.ensure_future(result_chart(services, ballot, votes, language))
    book = ResultBook(ballot, groupement, votes)
    publication = Publication()
    await post_to_groups(services, groups, book.words(language), publication)
    try:
        chart = Attachment(
            f"scrutin-{ballot.id}.png", await drawing, chart_caption(ballot, groupement, language)
        )
    except Exception:
        # The result is already on disk and in words: a chart that fails to draw stops nothing.
        log.exception("ballot %s: the result chart could not be drawn", ballot.id)
        publication.chart_failed = bool(chart_to)
    else:
        sent = await fan_out(chart_to, lambda address: services.notifier.photo(address, chart))
        publication.chart_failed = bool(chart_to) and not any(sent)
    readers = voters if voters is not None else await voters_of(services, ballot)
    await send_to_voters(services, book, readers, publication)
    await _retire_papers(services, ballot)
    await _election_follow_up(services, ballot)
    return publication


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
    text = cancelled_text(ballot, groupement, group_language(groupement))
    await fan_out(groups, lambda chat: services.notifier.send(Group(chat.chat_id), Message(text)))
    holders = dict.fromkeys(sheet.person_id for sheet in await papers(services.roster, ballot))
    letters = [
        (person_id, cancelled_text(ballot, groupement, await language_of(services, person_id)))
        for person_id in holders
    ]
    await fan_out(
        letters, lambda letter: services.notifier.send(Private(letter[0]), Message(letter[1]))
    )
    await _retire_papers(services, ballot)


async def voters_of(services: Services, ballot: Ballot) -> list[str]:
    """Every person who cast a vote, once, in the order they first voted."""
    return list(dict.fromkeys(vote.cast_by for vote in await services.ballots.history(ballot.id)))


async def _retire_papers(services: Services, ballot: Ballot) -> None:
    async def retire(post: BallotPost) -> None:
        if not await services.notifier.remove_buttons(Posted(post.chat_id, post.message_id)):
            log.info("paper %s/%s keeps its buttons", post.chat_id, post.message_id)

    await fan_out(await services.chats.posts(ballot.id, "paper"), retire)
