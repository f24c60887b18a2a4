"""`python -m bot.nlp build`: generate var/nlu/ (see bot.nlp.build)."""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.nlp")
    parser.add_argument("command", choices=["build"])
    parser.parse_args(argv)
    from bot.nlp.build import OUTPUT_DIR, build

    counts = build()
    print(f"✓ NLU data generated into {OUTPUT_DIR}: "
          + ", ".join(f"{intent} {n}" for intent, n in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
