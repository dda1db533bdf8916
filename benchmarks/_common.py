"""Shared benchmark helpers: machine description, medians, synthetic bundles, a Streamlit server with its pid."""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(tempfile.gettempdir()) / "atlas-bench"


def machine() -> str:
    """One line: date, CPUs, RAM, CPU model, load, Python."""
    model = "?"
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        mem = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal")) / 2**20
    except (OSError, StopIteration):
        mem = float("nan")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"machine: {date.today()} · nproc {os.cpu_count()} · RAM {mem:.1f} GiB · {model} · load(1 min) {load:.1f} "
            f"· {platform.system()} {platform.release()} · Python {platform.python_version()}")


def timed(fn: Callable, runs: int = 3) -> tuple[float, object]:
    """Median wall time of ``runs`` calls, and the last result."""
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def synthetic_bundle(n: int, n_projects: int, seed: int = 0) -> Path:
    """A synthetic data folder with ``n`` communes (built once, reused between runs)."""
    from geo import synthetic

    path = CACHE / f"bundle-v2-{n}-{n_projects}-{seed}"  # v2: the config carries the synthetic extent
    if (path / "atlas.toml").exists():
        return path
    tmp = path.with_name(path.name + ".tmp")
    synthetic.country(tmp, n, n_projects, seed)
    tmp.rename(path)
    return path


def seeded_data_dir(bundle: Path | None) -> Path:
    """A data folder whose store is already seeded from ``bundle`` (None = the bundled district)."""
    from geo.ingest.atlas_toml import load_config
    from geo.storage.gpkg_store import GpkgStore, store_file
    from geo.storage.store import BUNDLED_DATA_DIR

    seed = bundle or BUNDLED_DATA_DIR
    d = CACHE / f"data-{seed.name}"
    d.mkdir(parents=True, exist_ok=True)
    store = GpkgStore(d / store_file(load_config(seed)), seed_dir=seed)
    store.version()  # seeds on first use
    return d


def bundle_env(bundle: Path | None) -> dict[str, str]:
    env = {"ATLAS_DATA_DIR": str(seeded_data_dir(bundle))}
    if bundle is not None:
        env["ATLAS_BUNDLE_DIR"] = str(bundle)
    return env


@contextmanager
def streamlit(env: dict[str, str], script: str = "app.py") -> Iterator[tuple[str, int]]:
    """``streamlit run <script>`` (the app by default) on a free loopback port; yields (url, pid). Stopped on exit."""
    from tests.helpers import streamlit_process

    CACHE.mkdir(parents=True, exist_ok=True)
    # The last server's output stays in the cache folder, to diagnose errors.
    log = CACHE / ("server.log" if script == "app.py" else f"server-{Path(script).stem}.log")
    with streamlit_process(env, script=script, log=log, timeout=120) as (url, pid):
        yield url, pid


def vm_status(pid: int) -> dict[str, int]:
    """VmHWM / VmRSS of a process in KiB (Linux /proc)."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmHWM", "VmRSS")):
            k, v = line.split(":", 1)
            out[k] = int(v.split()[0])
    return out


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"
