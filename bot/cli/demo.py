"""``scrutin demo``: a whole weighted ballot played offline, no token.

Apart from ``scrutin run``: the offline bot and the harness it drives are not loaded by the
real bot.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.demo import run_demo


def demo(args: argparse.Namespace) -> int:
    database = run_demo(Path(args.dir))
    print(f"\nLa base de données de la démonstration est dans {database}.")
    return 0
