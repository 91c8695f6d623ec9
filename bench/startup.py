"""Start-up: ``scrutin run`` against a bare PTB polling bot, both as processes pointed at the
same local fake Bot API (:mod:`tests.botapi`): seconds until the first ``getUpdates`` (the bot
is ready), and the resident memory a second later, idle."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.measure import Compared, alternate
from tests.botapi import (
    TOKEN,
    FakeBotApi,
    child_environment,
    scrutin_command,
    serving_fake_api,
)

PATIENCE = 30.0
IDLE = 1.0

BARE_BOT = """
from telegram.ext import ApplicationBuilder, CommandHandler

async def start(update, context):
    await update.message.reply_text("ok")

root = {root!r}
application = (
    ApplicationBuilder().token({token!r}).base_url(root + "/bot").base_file_url(root + "/file/bot")
    .build()
)
application.add_handler(CommandHandler("start", start))
application.run_polling()
"""


def _resident_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _run(command: list[str], environment: dict[str, str], api: FakeBotApi) -> tuple[float, int]:
    """(seconds until ready, idle resident kB) of one process, stopped afterwards."""
    before = len(api.calls_to("getUpdates"))
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while len(api.calls_to("getUpdates")) == before:
            if process.poll() is not None or time.perf_counter() - start > PATIENCE:
                raise RuntimeError(f"{command[-2:]} never polled (exit {process.returncode})")
            time.sleep(0.002)
        ready = time.perf_counter() - start
        time.sleep(IDLE)
        return ready, _resident_kb(process.pid)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


async def startup(directory: Path, repeats: int) -> tuple[Compared, Compared]:
    """(ready seconds, idle RSS): the bare bot as baseline, ``scrutin run`` as the project."""
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    memory: dict[str, list[float]] = {"bare": [], "project": []}
    with serving_fake_api() as api:
        environment = child_environment(directory / "scrutin.db")
        environment["SCRUTIN_API_BASE_URL"] = api.url
        bare_script = directory / "bare_bot.py"
        bare_script.write_text(BARE_BOT.format(root=api.url, token=TOKEN))

        async def bare() -> float:
            ready, resident = _run([sys.executable, str(bare_script)], environment, api)
            memory["bare"].append(resident)
            return ready

        async def project() -> float:
            ready, resident = _run([*scrutin_command(), "run"], environment, api)
            memory["project"].append(resident)
            return ready

        ready = await alternate(bare, project, repeats=repeats)
    rss = Compared(_median(memory["bare"]), _median(memory["project"]))
    return ready, rss


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else float("nan")
