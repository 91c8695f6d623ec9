"""Publication: ``/clore`` until the result and its chart are posted, at 10, 100, 500 members,
against a bare matplotlib bar chart of the same totals; the consultation's record as a PDF,
against bare fpdf2 writing the same text.

Each repeat opens a new ballot and every commune votes through its paper (untimed); only
the ``/clore`` is timed, until the chart has been sent (it may come after the text).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
from fpdf import FPDF
from matplotlib import pyplot

from bench.measure import Compared, alternate
from bench.population import (
    COORDINATOR,
    COORDINATOR_ID,
    GROUPEMENT,
    INSTANCE,
    open_services,
    user_id,
)
from bot.harness import OfflineHarness, vote_buttons
from bot.offline import UpdateFactory
from meetings.actions.actor import identify
from meetings.actions.ballot_open import open_ballot
from meetings.actions.documents import source
from meetings.minutes.markdown import render_markdown
from meetings.minutes.pdf import font_directory, render_pdf
from meetings.services import Services
from voting.db import utc_now

PATIENCE = 120.0


def bare_chart(totals: dict[str, int]) -> bytes:
    figure, axes = pyplot.subplots(figsize=(8, 4.5))
    axes.bar(list(totals), list(totals.values()))
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    pyplot.close(figure)
    return buffer.getvalue()


def bare_pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(font_directory() / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    pdf.multi_cell(0, 5, text)
    return bytes(pdf.output())


class Publication:
    def __init__(self, services: Services, harness: OfflineHarness, members: int) -> None:
        self.services = services
        self.harness = harness
        self.members = members
        self.totals: dict[str, int] = {}
        self.last_ballot = 0

    async def _voted_ballot(self) -> int:
        actor = await identify(self.services, COORDINATOR, "Coordination", "fr")
        opened = await open_ballot(
            self.services,
            actor,
            GROUPEMENT,
            INSTANCE,
            f"Approuver la délibération n° {self.last_ballot + 1} ?",
            deadline=utc_now() + timedelta(days=3),
        )
        chosen: Counter[str] = Counter()
        for index in range(self.members):
            paper = self.harness.papers_to(user_id(index))[-1]
            label, data = vote_buttons(paper)[index % 3]
            chosen[label] += 1
            person = UpdateFactory.user(user_id(index), f"Maire {index + 1}")
            await self.harness.press(person, paper, data)
        self.totals = dict(chosen)
        self.last_ballot = opened.ballot.id
        return opened.ballot.id

    async def close(self) -> float:
        """Seconds from ``/clore`` to the chart sent (a new ballot, voted, each time)."""
        number = await self._voted_ballot()
        request = self.harness.request
        before = len(request.calls)
        start = time.perf_counter()
        await self.harness.say(
            UpdateFactory.user(COORDINATOR_ID, "Coordination"), f"/clore {number}"
        )
        while not any(c.method == "sendPhoto" for c in request.calls[before:]):
            if time.perf_counter() - start > PATIENCE:
                break
            await asyncio.sleep(0.005)
        return time.perf_counter() - start


async def publication(directory: Path, members: int, repeats: int) -> tuple[Compared, Compared]:
    """(``/clore`` against a bare chart, the record's PDF against bare fpdf2)."""
    services = await open_services(directory, members, utc_now)
    try:
        async with OfflineHarness(services, utc_now) as harness:
            publishing = Publication(services, harness, members)

            async def chart() -> float:
                start = time.perf_counter()
                bare_chart(publishing.totals or {"Pour": members})
                return time.perf_counter() - start

            closing = await alternate(chart, publishing.close, repeats=repeats)
            record: Any = await source(services, publishing.last_ballot, ballot=True)
            now = utc_now()
            text = render_markdown(record, now)

            async def bare() -> float:
                start = time.perf_counter()
                bare_pdf(text)
                return time.perf_counter() - start

            async def project() -> float:
                start = time.perf_counter()
                render_pdf(record, now)
                return time.perf_counter() - start

            pdf = await alternate(bare, project, repeats=repeats)
    finally:
        await services.close()
    return closing, pdf
