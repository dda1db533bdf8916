"""``python -m benchmarks [--quick] [--dry-run] [--only NAME ...]``: run every ``bench_*`` module here.

Each module's ``main(argv)`` gets the remaining arguments (``--quick`` included). ``--dry-run`` only
imports every module and lists it (a test runs it, so the harness cannot rot); ``--only`` picks modules
by name (``--only payload click``).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    dry = "--dry-run" in argv
    only: list[str] = []
    if "--only" in argv:
        i = argv.index("--only")
        j = next((k for k in range(i + 1, len(argv)) if argv[k].startswith("--")), len(argv))
        only, argv = argv[i + 1:j], argv[:i] + argv[j:]
    argv = [a for a in argv if a != "--dry-run"]
    names = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_"))
    if only:
        names = [n for n in names if any(o in n for o in only)]
    status = 0
    if not dry:
        from benchmarks import _common

        print(_common.machine())
    for name in names:
        mod = importlib.import_module(f"benchmarks.{name}")
        if dry:
            print(f"{name}: {(mod.__doc__ or '').strip().splitlines()[0]}")
            continue
        print(f"\n== benchmarks.{name}", flush=True)
        t0 = time.perf_counter()
        # bench_render predates the shared flags and parses its own arguments strictly.
        status |= mod.main([a for a in argv if a == "--quick"] if name == "bench_render" else argv)
        print(f"(benchmarks.{name}: {time.perf_counter() - t0:.1f} s)", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
