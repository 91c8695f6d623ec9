"""A closed ballot's result to its readers: each language written once, and a record of who
got it, so that the coordinator is told what actually failed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from config.models import Groupement
from meetings.chats import ChatBinding
from meetings.delivery.audience import language_of
from meetings.delivery.fanout import fan_out
from meetings.notifier import Address, Group, Message, Private
from meetings.services import Services
from meetings.wording.messages.results import ResultWords, result_words
from voting.ballot import Ballot


@dataclass
class Publication:
    """Who got a ballot's result, and who did not."""

    groups: list[ChatBinding] = field(default_factory=list)
    """The groups that got the whole result."""
    failed_groups: list[ChatBinding] = field(default_factory=list)
    """The groups that refused it, or part of it."""
    reached: list[str] = field(default_factory=list)
    """The voters (person ids) who got it in private."""
    unreached: list[str] = field(default_factory=list)
    chart_failed: bool = False
    """The chart could not be drawn or was refused everywhere it was sent."""

    @property
    def complete(self) -> bool:
        return not (self.failed_groups or self.unreached or self.chart_failed)


class ResultBook:
    """The result's words in each language, written the first time a reader of it asks."""

    def __init__(self, ballot: Ballot, groupement: Groupement, votes: Mapping[str, str]) -> None:
        self.ballot, self.groupement, self.votes = ballot, groupement, votes
        self._words: dict[str, ResultWords] = {}

    def words(self, language: str) -> ResultWords:
        if language not in self._words:
            self._words[language] = result_words(self.ballot, self.groupement, self.votes, language)
        return self._words[language]


async def send_all(services: Services, to: Address, texts: Sequence[str]) -> bool:
    """Each text in order; True if every one was delivered (the rest go on regardless)."""
    delivered = True
    for text in texts:
        delivered = await services.notifier.send(to, Message(text)) is not None and delivered
    return delivered


async def post_to_groups(
    services: Services, groups: Sequence[ChatBinding], words: ResultWords, publication: Publication
) -> None:
    """The result then its roll call, to each group (the groups at once, each in order)."""
    posted = await fan_out(
        groups, lambda chat: send_all(services, Group(chat.chat_id), words.messages)
    )
    for chat, delivered in zip(groups, posted, strict=True):
        (publication.groups if delivered else publication.failed_groups).append(chat)


async def send_to_voters(
    services: Services, book: ResultBook, voters: Sequence[str], publication: Publication
) -> None:
    """Each voter gets the result in private, in its own language, without a long roll call;
    the letters are written first, then sent together."""
    letters = [(p, book.words(await language_of(services, p)).brief) for p in voters]
    posted = await fan_out(
        letters, lambda letter: services.notifier.send(Private(letter[0]), Message(letter[1]))
    )
    for person_id, sent in zip(voters, posted, strict=True):
        (publication.reached if sent is not None else publication.unreached).append(person_id)
