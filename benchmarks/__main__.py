"""``python -m benchmarks [--quick]``: run every ``bench_*`` module in this folder."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
    status = 0
    for name in names:
        print(f"== benchmarks.{name}")
        status |= importlib.import_module(f"benchmarks.{name}").main(argv)
    return status


if __name__ == "__main__":
    sys.exit(main())
