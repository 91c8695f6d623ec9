"""``scrutin verify``: an exported ballot checked from the file alone, offline."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import fail
from meetings.wording.i18n import translator
from voting.audit import receipt_position, verify_export
from voting.codec import TallyInputError, read_tally_json
from voting.ledger import normalized_receipt

EXIT_MISMATCH = 1
"""The file was read, and something in it does not match."""


def verify(args: argparse.Namespace) -> int:
    _ = translator(args.lang)
    path = Path(args.file)
    try:
        # As scrutin tally reads it: never a float, and no unusable number or depth.
        data = read_tally_json(path.read_text(encoding="utf-8"))
    except OSError as error:
        return fail(f"{path}: cannot read: {error.strerror}")
    except UnicodeDecodeError as error:
        return fail(f"{path}: not valid UTF-8: {error}")
    except TallyInputError as error:
        return fail(f"{path}: {error}")
    if args.receipt is not None:
        if normalized_receipt(args.receipt) is None:
            return fail(
                f"--receipt {args.receipt[:40]!r}: expected a code like 1A2B-3C4D-5E6F-7A8B"
            )
        position = receipt_position(data, args.receipt)
        if position is None:
            print(_("The receipt {code} is not in this chain.").format(code=args.receipt))
            return EXIT_MISMATCH
        print(
            _("The receipt {code} is entry {position} of the chain.").format(
                code=args.receipt, position=position
            )
        )
        return 0
    problems = verify_export(data)
    if not problems:
        print(_("verified"))
        return 0
    print(_("not verified:"))
    for problem in problems:
        print(f"- {problem}")
    return EXIT_MISMATCH
