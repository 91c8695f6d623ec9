"""The session store on a real SQLite file: the chair designated, the ballots of the opening
and the proxies given or revoked during the session survive a restart, in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from config.models import Governance
from meetings.meeting import RulingSubject, SessionRuling
from meetings.services import Services
from tests.clock import FakeClock

OPENED = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)


async def test_what_the_session_adds_is_kept_across_a_restart(
    database: Path | str, tmp_path: Path, governance: Governance
) -> None:
    path = database
    clock = FakeClock(OPENED)
    services = await Services.open(governance, path, clock, documents=tmp_path)
    sessions = services.sessions
    assert await sessions.chair_designation(1) is None
    await sessions.designate_chair(1, "cea", "Paul Martin", designated_by="tg:1001")
    clock.now = OPENED + timedelta(minutes=5)
    await sessions.designate_chair(1, "moselle", "Anne Roth", designated_by="tg:1001", ballot_id=4)
    await sessions.record_ruling(1, SessionRuling(3, RulingSubject.URGENCY))
    await sessions.record_ruling(1, SessionRuling(4, RulingSubject.CHAIR, "moselle", "Anne Roth"))
    await sessions.record_proxy(1, "aube", "cea", recorded_by="tg:aube")
    clock.now = OPENED + timedelta(minutes=20)
    await sessions.record_proxy(1, "aube", None, recorded_by="tg:1001")
    await services.close()

    reopened = await Services.open(governance, path, clock, documents=tmp_path)
    sessions = reopened.sessions
    latest = await sessions.chair_designation(1)
    assert latest is not None
    assert (latest.member_id, latest.person_name, latest.ballot_id) == ("moselle", "Anne Roth", 4)
    assert latest.at == OPENED + timedelta(minutes=5)
    assert [r.subject for r in await sessions.rulings(1)] == [
        RulingSubject.URGENCY,
        RulingSubject.CHAIR,
    ]
    assert await sessions.ruling_of(4) == SessionRuling(
        4, RulingSubject.CHAIR, "moselle", "Anne Roth"
    )
    assert await sessions.ruling_of(5) is None
    changes = await sessions.session_proxies(1)
    assert [(c.giver, c.holder, c.at) for c in changes] == [
        ("aube", "cea", OPENED + timedelta(minutes=5)),
        ("aube", None, OPENED + timedelta(minutes=20)),
    ]
    assert await sessions.session_proxies(2) == []
    await reopened.close()
