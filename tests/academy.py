"""A groupement at the scale of an academy's communes (seed 004: the ENT école convention of
the Créteil academy), built in memory: the shipped configurations have ten members at most.

Three départements and ``size - 3`` communes of one voice each; one assembly that votes by
public ballot. Every member gets a representative of its own, seated through an invitation
as in real life, with the Telegram user id ``FIRST_USER + index``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from config.models import Governance, Groupement
from meetings.actions.actor import Actor, identify
from meetings.roster import Role
from meetings.services import Services

GROUPEMENT = "ent-ecole-creteil"
INSTANCE = "ag"
COORDINATOR_USER = 1001
COORDINATOR_PERSON = f"tg:{COORDINATOR_USER}"
FIRST_USER = 10_000

DEPARTEMENTS = (
    ("val-de-marne", "Département du Val-de-Marne", "le", "20"),
    ("seine-saint-denis", "Département de la Seine-Saint-Denis", "la", "20"),
    ("seine-et-marne", "Département de Seine-et-Marne", "le", "20"),
)
TOWNS = (
    "Commune de Saint-Maur-des-Fossés",
    "Commune de Champigny-sur-Marne",
    "Commune de Vitry-sur-Seine",
    "Commune d'Aubervilliers",
    "Commune de Noisy-le-Grand",
    "Commune de Villeneuve-Saint-Georges",
    "Commune de Fontenay-sous-Bois",
    "Commune du Perreux-sur-Marne",
    "Commune de Pontault-Combault",
    "Commune de Chelles",
    "Commune de Montreuil",
    "Commune de Saint-Denis",
    "Commune de Bussy-Saint-Georges",
    "Commune de Dammarie-les-Lys",
    "Commune d'Ozoir-la-Ferrière",
)


RULES: dict[str, Any] = {
    "tie": "rejected",
    "max_proxies_per_holder": 1,
    "quorum": {
        "basis": "members",
        "fraction": "1/2",
        "comparison": "at_least",
        "counts": "present_or_represented",
    },
    "majority": {
        "base": "expressed",
        "fraction": "1/2",
        "comparison": "more_than",
        "double": False,
    },
}


def member_ids(size: int) -> list[str]:
    communes = [f"commune-{index:03}" for index in range(1, size - len(DEPARTEMENTS) + 1)]
    return [member for member, *_ in DEPARTEMENTS] + communes


def _commune(index: int) -> dict[str, Any]:
    town = TOWNS[(index - 1) % len(TOWNS)]
    rank = (index - 1) // len(TOWNS)
    # Real communes have distinct names: a number tells apart the ones this list repeats.
    name = town if rank == 0 else f"{town} {rank + 1}"
    return {"id": f"commune-{index:03}", "name": name, "article": "la", "kind": "commune"}


def academy_groupement(size: int) -> Groupement:
    """``size`` members (at least four), of which the first three are départements."""
    return Groupement.model_validate(academy_data(size))


def academy_data(size: int) -> dict[str, Any]:
    """The groupement of :func:`academy_groupement`, as its TOML file would read."""
    members: list[dict[str, Any]] = [
        {"id": member, "name": name, "article": article, "kind": "departement"}
        for member, name, article, _ in DEPARTEMENTS
    ]
    members += [_commune(index) for index in range(1, size - len(DEPARTEMENTS) + 1)]
    weights = {member: weight for member, _, _, weight in DEPARTEMENTS}
    weights.update({member["id"]: "1" for member in members[len(DEPARTEMENTS) :]})
    return {
        "groupement": {
            "id": GROUPEMENT,
            "name": "Groupement de commandes ENT école de l'académie de Créteil",
            "coordinator": "val-de-marne",
            "timezone": "Europe/Paris",
            "locale": "fr_FR",
            "coordinator_telegram_ids": [],
        },
        "members": members,
        "weight_tables": [
            {
                "id": "creteil-2025",
                "series": "voix",
                "name": "tableau des voix de la convention",
                "effective_from": date(2025, 1, 1),
                "source": "built by the tests at the scale of seed 004",
                "weights": weights,
            }
        ],
        "instances": [
            {
                "id": INSTANCE,
                "kind": "AG",
                "name": "Assemblée des membres",
                "voting": True,
                "weight_series": "voix",
                "ballot_kind": "public",
                "recurrence": "none",
                "notice_clear_days": 5,
                "urgent_notice_clear_days": 1,
                "reminder_days_before": [7, 1],
                "rules": RULES,
            }
        ],
    }


def academy_toml(size: int) -> str:
    """The file ``scrutin run`` reads from its configuration directory."""
    lines: list[str] = []
    for key, value in academy_data(size).items():
        if isinstance(value, dict):
            lines += [f"[{key}]", *(f"{k} = {_toml(v)}" for k, v in value.items())]
        else:
            for item in value:
                lines += [f"[[{key}]]", *(f"{k} = {_toml(v)}" for k, v in item.items())]
    return "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, date)):
        return value.isoformat() if isinstance(value, date) else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    return json.dumps(value, ensure_ascii=False)


def academy_governance(size: int) -> Governance:
    return Governance(groupements={GROUPEMENT: academy_groupement(size)})


def user_of(index: int) -> dict[str, Any]:
    """The Telegram user of the representative of the ``index``-th member."""
    return {
        "id": FIRST_USER + index,
        "is_bot": False,
        "first_name": f"Élu{index}",
        "last_name": "Test",
        "language_code": "fr",
    }


async def seat_everyone(services: Services, size: int) -> dict[str, str]:
    """A representative for each member, and the coordinator; member id -> person id."""
    await services.roster.add_coordinator(GROUPEMENT, COORDINATOR_PERSON, "Claire Test", "tests")
    people: dict[str, str] = {}
    for index, member in enumerate(member_ids(size)):
        person = f"tg:{FIRST_USER + index}"
        invitation = await services.roster.invite(
            GROUPEMENT, member, Role.TITULAIRE, COORDINATOR_PERSON
        )
        await services.roster.accept(invitation.token, person, f"Élu{index} Test", "fr")
        people[member] = person
    return people


async def academy_coordinator(services: Services) -> Actor:
    return await identify(services, COORDINATOR_PERSON, "Claire Test", "fr")
