"""Minutes after the session, through the bot: /planifier proposes the approval of the
previous minutes, /secretaire and /signer sign them, the final minutes reach every
representative (and a notice the group) once, and /extrait gives a deliberation's extract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.harness import OfflineHarness, button_data
from meetings.actions.actor import identify
from meetings.actions.ballot_open import open_ballot
from meetings.actions.reply import reply
from meetings.meeting import MeetingState, ReplyKind
from meetings.wording.typography import plain
from tests.acting import coordinator
from tests.clock import FakeClock
from tests.conftest import COORDINATOR, COORDINATOR_ID, GROUP_CHAT, GROUPEMENT, representative
from tests.test_bot_meetings import LINK, PLACE, press_last
from tests.test_bot_minutes import documents, held_meeting

PRESENT = ("region-grand-est", "cea", "moselle", "ardennes", "aube")
DAY = "mardi 15 décembre 2026"


def last_text(harness: OfflineHarness, chat_id: int) -> str:
    return plain(harness.last_message_to(chat_id)["text"])


async def closed_session(harness: OfflineHarness, clock: FakeClock) -> tuple[int, int]:
    """The COGOUV of 15 December, its budget adopted (ballot 1) and its session closed."""
    meeting_id = await held_meeting(harness, clock)
    services = harness.services
    actor = await coordinator(services)
    ballot = await open_ballot(services, actor, GROUPEMENT, "cogouv", "Approuver le budget")
    for member in PRESENT:
        await services.ballots.cast(ballot.ballot.id, member, "for", cast_by="tests")
    clock.advance(timedelta(minutes=30))
    await harness.say(COORDINATOR, f"/clore {ballot.ballot.id}")
    await harness.say(COORDINATOR, "/lever")
    assert (await services.meetings.get(meeting_id)).state is MeetingState.CLOSED
    return meeting_id, ballot.ballot.id


async def plan_next(harness: OfflineHarness, keep: bool) -> str:
    """/planifier for 5 January: the text that proposes item 1; kept, or dropped."""
    await harness.say(COORDINATOR, "/planifier")
    await press_last(harness, COORDINATOR, "Comité de gouvernance")
    await harness.say(COORDINATOR, "05/01/2027 14:00")
    await harness.say(COORDINATOR, PLACE)
    await harness.say(COORDINATOR, LINK)
    proposal = last_text(harness, COORDINATOR_ID)
    if not keep:
        await press_last(harness, COORDINATOR, "Retirer le point 1")
        assert last_text(harness, COORDINATOR_ID) == "Point retiré. Point suivant, ou « Terminé »."
    await harness.say(COORDINATOR, "Questions diverses")
    await press_last(harness, COORDINATOR, "Terminé")
    await press_last(harness, COORDINATOR, "Région Grand Est")
    await harness.say(COORDINATOR, "Jean Muller")
    await harness.say(COORDINATOR, "Claire Weber")
    await press_last(harness, COORDINATOR, "Planifier la réunion")
    return proposal


async def test_planning_proposes_approving_the_previous_minutes(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    minutes_of, _ballot = await closed_session(harness, clock)

    proposal = await plan_next(harness, keep=True)

    assert (
        f"Le point 1 est proposé : Approbation du procès-verbal de la séance du {DAY} — "
        f"vote : Approuver le procès-verbal de la séance du {DAY}."
    ) in proposal
    planned = (await harness.services.meetings.find())[-1]
    assert [item.approves for item in planned.plan.agenda] == [minutes_of, None]
    await harness.say(COORDINATOR, f"/annuler_reunion {planned.id}")
    # Dropped, the item is not on the agenda; proposed again to the next meeting planned.
    await plan_next(harness, keep=False)
    dropped = (await harness.services.meetings.find())[-1]
    assert [item.title for item in dropped.plan.agenda] == ["Questions diverses"]


async def test_the_chair_and_the_secretary_sign_and_the_final_minutes_go_out_once(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    minutes_of, _ballot = await closed_session(harness, clock)
    region = representative("region-grand-est")
    aube = representative("aube")

    await harness.say(aube, f"/signer {minutes_of}")
    assert "signé par la personne qui a présidé la séance et par son secrétaire" in last_text(
        harness, aube["id"]
    )
    await harness.say(COORDINATOR, f"/signer {minutes_of}", chat_id=GROUP_CHAT)
    assert "conversation privée" in last_text(harness, GROUP_CHAT)
    await harness.say(COORDINATOR, f"/secretaire {minutes_of}")
    assert "Vous êtes enregistré comme secrétaire de la séance du" in last_text(
        harness, COORDINATOR_ID
    )
    for person in (COORDINATOR, region):
        await harness.say(person, f"/signer {minutes_of}")
        message = harness.last_message_to(person["id"])
        await harness.press(
            person,
            message,
            button_data(message, f"Je signe le procès-verbal de la séance du {DAY}"),
        )
    assert "en tant que président de séance" in last_text(harness, region["id"])
    signatures = await harness.services.minutes.signatures(minutes_of)
    assert [s.person_id for s in signatures] == [f"tg:{region['id']}", f"tg:{COORDINATOR_ID}"]

    # Approved at the next meeting: the final minutes go to every representative.
    await approve(harness, clock, minutes_of)
    sent = [
        d
        for d in documents(harness.request.calls)
        if d["document"]["filename"] == "pv-reunion-1.pdf"
    ]
    assert {d["chat_id"] for d in sent} == {representative(m)["id"] for m in PRESENT}
    assert "approuvé et signé" in last_text(harness, GROUP_CHAT)
    assert "envoyé à 5 représentants des membres sur 5" in last_text(harness, GROUP_CHAT)
    before = len(harness.request.calls)
    # Signing again changes and sends nothing.
    await harness.say(region, f"/signer {minutes_of}")
    message = harness.last_message_to(region["id"])
    await harness.press(
        region, message, button_data(message, f"Je signe le procès-verbal de la séance du {DAY}")
    )
    assert "porte déjà votre signature" in last_text(harness, region["id"])
    assert not [c for c in harness.request.calls[before:] if c.method == "sendDocument"]


async def approve(harness: OfflineHarness, clock: FakeClock, minutes_of: int) -> None:
    """The COGOUV of 5 January adopts the approval of the minutes of 15 December."""
    services = harness.services
    await plan_next(harness, keep=True)
    planned = (await services.meetings.find())[-1]
    clock.now = datetime(2026, 12, 20, 9, tzinfo=UTC)
    await harness.say(COORDINATOR, f"/convoquer {planned.id}")
    for member in PRESENT:
        person = await identify(services, f"tg:{representative(member)['id']}", member, "fr")
        await reply(services, person, planned.id, member, ReplyKind.PRESENT)
    clock.now = datetime(2027, 1, 5, 13, tzinfo=UTC)
    await harness.say(COORDINATOR, f"/ouvrir {planned.id}")
    actor = await coordinator(services)
    motion = planned.plan.agenda[0].motion
    assert motion is not None
    opened = await open_ballot(services, actor, GROUPEMENT, "cogouv", motion)
    for member in PRESENT:
        await services.ballots.cast(opened.ballot.id, member, "for", cast_by="tests")
    clock.advance(timedelta(minutes=10))
    await harness.say(COORDINATOR, f"/clore {opened.ballot.id}")
    assert await services.minutes.approval(minutes_of) is not None


async def test_extrait_gives_the_extract_in_private(
    harness: OfflineHarness, clock: FakeClock
) -> None:
    _minutes_of, ballot_id = await closed_session(harness, clock)
    aube = representative("aube")

    calls = await harness.say(aube, f"/extrait {ballot_id}")

    (extract,) = documents(calls)
    assert extract["chat_id"] == aube["id"]
    assert extract["document"]["filename"] == "extrait-COGOUV-2026-01.pdf"
    assert plain(extract["caption"]) == (
        "Extrait du registre des délibérations : délibération n° COGOUV-2026-01."
    )
    await harness.say(aube, "/extrait 42")
    assert last_text(harness, aube["id"]).startswith(
        "Le scrutin n° 42 n'a pris aucune délibération"
    )
    await harness.say(aube, "/extrait")
    assert last_text(harness, aube["id"]) == "Utilisation : /extrait NUMÉRO_DE_SCRUTIN"


async def test_pv_says_where_the_minutes_stand(harness: OfflineHarness, clock: FakeClock) -> None:
    minutes_of, _ballot = await closed_session(harness, clock)
    aube = representative("aube")

    async def caption() -> str:
        calls = await harness.say(aube, f"/pv {minutes_of}")
        (sent,) = documents(calls)
        return plain(sent["caption"])

    async def sign(person: dict[str, object]) -> None:
        await harness.say(person, f"/signer {minutes_of}")
        message = harness.last_message_to(int(str(person["id"])))
        label = f"Je signe le procès-verbal de la séance du {DAY}"
        await harness.press(person, message, button_data(message, label))

    assert await caption() == (
        "Procès-verbal de la réunion n° 1, projet jusqu'à son approbation par la prochaine "
        "séance de l'instance."
    )
    await approve(harness, clock, minutes_of)
    assert await caption() == (
        "Procès-verbal de la réunion n° 1, approuvé ; le président et le secrétaire de séance "
        "doivent encore le signer."
    )
    await harness.say(COORDINATOR, f"/secretaire {minutes_of}")
    await sign(COORDINATOR)
    assert await caption() == (
        "Procès-verbal de la réunion n° 1, approuvé ; le président de séance doit encore le signer."
    )
    await sign(representative("region-grand-est"))
    assert await caption() == "Procès-verbal de la réunion n° 1, approuvé et signé."
