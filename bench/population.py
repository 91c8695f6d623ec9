"""A groupement of many communes, as large as the bench or a test needs, and its people.

One commune per member, one vote each, a voting committee; each commune has its titulaire
bound to the bot (Telegram user id ``USER_BASE + index``). The configuration is written as a
TOML file and read by the real loader, so what runs is what a real deployment would run.
"""

from __future__ import annotations

from pathlib import Path

from config.loader import load_config_dir
from config.models import Governance
from meetings.roster import Role
from meetings.services import Services
from voting.db import Clock

GROUPEMENT = "communes"
INSTANCE = "comite"
COORDINATOR_ID = 900_000_001
COORDINATOR = f"tg:{COORDINATOR_ID}"
USER_BASE = 100_000
GROUP_CHAT = -1_000_000_000_777

_HEAD = """[groupement]
id = "communes"
name = "Convention ENT école des communes"
coordinator = "c00000"
timezone = "Europe/Paris"
locale = "fr_FR"
coordinator_telegram_ids = []

[[weight_tables]]
id = "voix"
series = "voix"
name = "une voix par commune"
effective_from = 2020-01-01
source = "bench"
declared_total = "{total}"

[weight_tables.weights]
{weights}

[[instances]]
id = "comite"
kind = "COGOUV"
name = "Comité de pilotage"
voting = true
weight_series = "voix"
ballot_kind = "public"
allow_vote_change = true
notice_clear_days = 5
urgent_notice_clear_days = 1
recurrence = "none"
reminder_days_before = [7, 1]

[instances.rules]
tie = "chair"
max_proxies_per_holder = 1

[instances.rules.quorum]
basis = "members_and_weight"
fraction = "1/2"
comparison = "at_least"
counts = "present_or_represented"

[instances.rules.majority]
base = "expressed"
fraction = "1/2"
comparison = "more_than"
double = false
"""

_MEMBER = """
[[members]]
id = "{id}"
name = "Commune n° {number}"
article = "la"
kind = "commune"
"""


def member_id(index: int) -> str:
    return f"c{index:05d}"


def user_id(index: int) -> int:
    return USER_BASE + index


def write_communes(directory: Path, count: int) -> Governance:
    """A configuration directory with one groupement of ``count`` communes, loaded."""
    directory.mkdir(parents=True, exist_ok=True)
    weights = "\n".join(f'{member_id(i)} = "1"' for i in range(count))
    text = _HEAD.format(total=count, weights=weights)
    text += "".join(_MEMBER.format(id=member_id(i), number=i + 1) for i in range(count))
    (directory / "communes.toml").write_text(text, encoding="utf-8")
    return load_config_dir(directory)


async def seat_everyone(services: Services, count: int) -> None:
    """The coordinator, and each commune's titulaire bound to the bot, as invitations do."""
    await services.roster.add_coordinator(GROUPEMENT, COORDINATOR, "Coordination", "bench")
    for index in range(count):
        invitation = await services.roster.invite(
            GROUPEMENT, member_id(index), Role.TITULAIRE, COORDINATOR
        )
        person = f"tg:{user_id(index)}"
        await services.roster.accept(invitation.token, person, f"Maire {index + 1}", "fr")


async def open_services(
    directory: Path, count: int, clock: Clock, database: Path | str | None = None
) -> Services:
    """Services for ``count`` seated communes on ``database`` (a URL), by default a file
    database with the project's PRAGMAs."""
    governance = write_communes(directory / "config", count)
    services = await Services.open(
        governance, database or directory / "scrutin.db", clock, documents=directory / "docs"
    )
    await seat_everyone(services, count)
    return services
