"""Acting as people in tests below the Telegram adapter: who asks, and a notifier that records
what would have been sent instead of sending it."""

from __future__ import annotations

from dataclasses import dataclass, field

from meetings.actions.actor import Actor, identify
from meetings.notifier import Address, Attachment, Delivered, Message, Posted, Private
from meetings.roster import Role
from meetings.services import Services

GROUPEMENT = "ent-grand-est"
COORDINATOR_PERSON = "tg:1001"


@dataclass
class Sent:
    to: Address
    text: str | None = None
    attachment: Attachment | None = None
    photo: bool = False


@dataclass
class RecordingNotifier:
    """A :class:`~meetings.notifier.Notifier` that records every message and reaches everyone,
    except the people listed in ``unreachable``."""

    sent: list[Sent] = field(default_factory=list)
    edits: list[tuple[Posted, Message | None]] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)
    _next_id: int = 0

    def _reaches(self, to: Address) -> bool:
        return not (isinstance(to, Private) and to.person_id in self.unreachable)

    async def send(self, to: Address, message: Message) -> Posted | None:
        if not self._reaches(to):
            return None
        self.sent.append(Sent(to, message.text))
        self._next_id += 1
        return Posted(hash(to) % 1_000_000, self._next_id)

    async def edit(self, posted: Posted, message: Message) -> bool:
        self.edits.append((posted, message))
        return True

    async def remove_buttons(self, posted: Posted) -> bool:
        self.edits.append((posted, None))
        return True

    async def document(self, to: Address, attachment: Attachment) -> bool:
        if not self._reaches(to):
            return False
        # A caption is read as the message it is (a convocation rides on its .ics).
        self.sent.append(Sent(to, attachment.caption, attachment=attachment))
        return True

    async def photo(self, to: Address, attachment: Attachment) -> bool:
        self.sent.append(Sent(to, attachment=attachment, photo=True))
        return True

    async def file(
        self, to: Address, attachment: Attachment, file_id: str | None
    ) -> Delivered | None:
        if not self._reaches(to):
            return None
        self.sent.append(Sent(to, attachment.caption, attachment=attachment))
        self._next_id += 1
        return Delivered(Posted(hash(to) % 1_000_000, self._next_id), file_id or "recorded")

    def texts_to(self, person_id: str) -> list[str]:
        return [s.text for s in self.sent if s.to == Private(person_id) and s.text is not None]


async def coordinator(services: Services) -> Actor:
    return await identify(services, COORDINATOR_PERSON, "Claire Test", "fr")


async def seated(
    services: Services, member: str, person_id: str | None = None, role: Role = Role.TITULAIRE
) -> Actor:
    """The representative of ``member``, bound through an invitation as in real life."""
    person = person_id or f"tg:{member}"
    invitation = await services.roster.invite(GROUPEMENT, member, role, COORDINATOR_PERSON)
    await services.roster.accept(invitation.token, person, member.title(), "fr")
    return await identify(services, person, member.title(), "fr")
