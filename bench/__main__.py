"""``python -m bench``: every benchmark in one run, one Markdown table, ``bench/results.json``.

Every figure is a ratio to a baseline measured in the same run (alternating chunks, warm-up,
median of repeats, see :mod:`bench.measure`), so a table from a loaded machine still says
something. ``--quick`` runs everything with small numbers, for the test that keeps the bench
from rotting; its figures mean nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.fanout import convocation
from bench.publication import publication
from bench.startup import startup
from bench.tally import growth
from bench.votes import Burst, burst
from tests.postgres_server import PostgresServer

RESULTS = Path(__file__).with_name("results.json")
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}
"""A server that keeps what it commits, as SQLite's file does: the tests' server does not."""


@dataclass(frozen=True)
class Sizes:
    voters: int
    burst_rounds: int
    fan_out: int
    publication: tuple[int, ...]
    tally: tuple[int, ...]
    repeats: int


FULL = Sizes(500, 3, 300, (10, 100, 500), (10, 100, 1_000, 10_000), 5)
QUICK = Sizes(12, 1, 12, (4, 8), (10, 100), 1)


@dataclass(frozen=True)
class Row:
    measure: str
    project: str
    baseline: str
    ratio: float | None
    goal: str
    met: bool | None


def _verdict(met: bool | None) -> str:
    return "—" if met is None else ("yes" if met else "**no**")


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| Measure | Project | Baseline | Ratio | Goal | Met |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = "—" if row.ratio is None else f"{row.ratio:.2f}"
        lines.append(
            f"| {row.measure} | {row.project} | {row.baseline} | {ratio} | {row.goal} "
            f"| {_verdict(row.met)} |"
        )
    return "\n".join(lines)


def machine() -> dict[str, object]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = [ln for ln in cpuinfo.read_text().splitlines() if ln.startswith("model name")]
        model = found[0].split(":", 1)[1].strip() if found else ""
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "cpu": model or platform.processor(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def _rate(bursts: Sequence[Burst], inserts: Sequence[float]) -> tuple[float, float]:
    """The median burst's votes/s and the median baseline's inserts/s."""
    rates = sorted(b.acked / b.seconds for b in bursts if b.seconds > 0)
    return rates[len(rates) // 2], sorted(inserts)[len(inserts) // 2]


async def _votes_on_postgres(directory: Path, sizes: Sizes) -> Row:
    with PostgresServer(settings=DURABLE) as server:
        url = server.create_database("bench")
        bursts, inserts = await burst(directory, sizes.voters, sizes.burst_rounds, url)
    rate, bare = _rate(bursts, inserts)
    return Row(
        f"Vote burst on PostgreSQL {server.server_version // 10000}, {sizes.voters} presses in "
        "1 s: votes/s",
        f"{rate:.0f}/s",
        f"{bare:.0f} inserts/s",
        rate / bare,
        "≥ 0.5",
        rate / bare >= 0.5,
    )


async def _votes(directory: Path, sizes: Sizes) -> list[Row]:
    bursts, inserts = await burst(directory / "votes", sizes.voters, sizes.burst_rounds)
    rate, bare = _rate(bursts, inserts)
    middle = sorted(bursts, key=lambda b: b.ack_p99)[len(bursts) // 2]
    n = sizes.voters
    return [
        Row(
            f"Vote burst, {n} presses in 1 s: votes/s",
            f"{rate:.0f}/s",
            f"{bare:.0f} inserts/s",
            rate / bare,
            "≥ 0.5",
            rate / bare >= 0.5,
        ),
        Row(
            "Vote ack p50 / p99",
            f"{middle.ack_p50 * 1000:.0f} / {middle.ack_p99 * 1000:.0f} ms"
            + ("" if middle.acked == n else f" ({n - middle.acked} not acked in time)"),
            "—",
            None,
            "p99 < 50 ms",
            middle.ack_p99 < 0.05 and middle.acked == n,
        ),
        Row(
            "Group sees the final figures",
            f"{middle.group_settled:.1f} s after the last press",
            f"{middle.group_edits} edits",
            None,
            "within its limit (20/min), no 429",
            middle.refused == 0 and middle.acked == n,
        ),
    ]


async def _fan_out(directory: Path, sizes: Sizes) -> list[Row]:
    runs = [await convocation(directory / f"fanout{i}", sizes.fan_out) for i in range(3)]
    run = sorted(runs, key=lambda r: r.seconds)[1]
    rate = run.ideal / run.seconds
    return [
        Row(
            f"Convocation to {run.people} people, 50 ms RTT",
            f"{run.seconds:.1f} s",
            f"ideal {run.ideal:.1f} s",
            rate,
            "≥ 0.9 of the ideal rate",
            rate >= 0.9,
        ),
        Row(
            "… 429s / requests per person",
            f"{run.refused} / {run.requests / run.people:.1f}",
            "0 / 1",
            None,
            "0 / 1",
            run.refused == 0 and run.requests == run.people,
        ),
    ]


async def _publication(directory: Path, sizes: Sizes) -> list[Row]:
    rows: list[Row] = []
    times: dict[int, float] = {}
    for members in sizes.publication:
        closing, pdf = await publication(directory / f"pub{members}", members, sizes.repeats)
        times[members] = closing.project
        first = members == sizes.publication[0]
        rows.append(
            Row(
                f"/clore at {members} members, to chart posted",
                f"{closing.project * 1000:.0f} ms",
                f"bare chart {closing.baseline * 1000:.0f} ms",
                closing.ratio,
                "≤ 2" if first else "linear",
                closing.ratio <= 2 if first else None,
            )
        )
        rows.append(
            Row(
                f"Record PDF at {members} members",
                f"{pdf.project * 1000:.0f} ms",
                f"bare fpdf2 {pdf.baseline * 1000:.0f} ms",
                pdf.ratio,
                "—",
                None,
            )
        )
    small, large = sizes.publication[0], sizes.publication[-1]
    growth_ratio = (times[large] / large) / (times[small] / small)
    rows.append(
        Row(
            f"/clore growth {small} → {large} members, per member",
            "—",
            "—",
            growth_ratio,
            "≤ 1 (linear or better)",
            growth_ratio <= 1.0,
        )
    )
    return rows


async def _tally(sizes: Sizes) -> list[Row]:
    rows = []
    for members in sizes.tally:
        compared = await growth(members, sizes.repeats)
        rows.append(
            Row(
                f"Tally of {members} members",
                f"{compared.project * 1e6:.0f} µs",
                f"sum of weights {compared.baseline * 1e6:.0f} µs",
                compared.ratio,
                "flat ratio (linear)",
                None,
            )
        )
    return rows


async def _startup(directory: Path, sizes: Sizes) -> list[Row]:
    ready, rss = await startup(directory / "startup", max(1, sizes.repeats // 2))
    return [
        Row(
            "`scrutin run` ready",
            f"{ready.project:.2f} s",
            f"bare PTB {ready.baseline:.2f} s",
            ready.ratio,
            "≤ 1.5",
            ready.ratio <= 1.5,
        ),
        Row(
            "`scrutin run` idle RSS",
            f"{rss.project / 1024:.0f} MB",
            f"bare PTB {rss.baseline / 1024:.0f} MB",
            rss.ratio,
            "≤ 1.5",
            rss.ratio <= 1.5,
        ),
    ]


async def run(sizes: Sizes) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="scrutin-bench-") as name:
        directory = Path(name)
        rows = await _votes(directory, sizes)
        rows.append(await _votes_on_postgres(directory / "postgres", sizes))
        rows += await _fan_out(directory, sizes)
        rows += await _publication(directory, sizes)
        rows += await _tally(sizes)
        rows += await _startup(directory, sizes)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small numbers, to check it runs")
    parser.add_argument("--output", type=Path, default=None, help=f"default: {RESULTS}")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    started = datetime.now(UTC)
    host = machine()
    rows = asyncio.run(run(sizes))
    report = {
        "date": started.isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "machine": host,
        "sizes": asdict(sizes),
        "rows": [asdict(row) for row in rows],
    }
    output = args.output or RESULTS
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"Run {report['date']} on {host['cpu']} ({host['cpus']} CPUs, {host['platform']}, "
        f"Python {host['python']}, load {host['load_average']})\n"
    )
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
