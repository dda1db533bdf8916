"""A writer killed in the middle of an import leaves the store openable with all earlier data.

The store's test hook (ATLAS_PAUSE_IN_WRITE) makes the writer stop inside its open transaction, after it
has written everything but before COMMIT, and announce it with a file; then we SIGKILL it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal

from tests.helpers import csv_text, row

ROOT = Path(__file__).resolve().parent.parent


def _big_csv(path: Path, n: int = 3000) -> Path:
    path.write_text(csv_text([row(pid=f"BIG-{i:05d}", need=str(1000 + i)) for i in range(n)]), encoding="utf-8")
    return path


def _boundaries(path: Path, ds) -> Path:
    ds.communes[["code", "geometry"]].to_file(path, driver="GeoJSON")
    return path


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("what", ["projects", "layer"])
def test_killed_import_leaves_earlier_data_intact(what, tmp_path, store, atlas_data_dir):
    # Earlier data the district entered: a committed edit before the import.
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, donor="Đã lưu trước"), rec.funding, rec.revision, "Lan")
    before = store.load()
    version = store.version()
    flag = tmp_path / "in-transaction"
    if what == "projects":
        args = ["import-projects", str(_big_csv(tmp_path / "big.csv")), "--yes"]
    else:
        args = ["import-layer", "communes", str(_boundaries(tmp_path / "b.geojson", before)), "--source", "S",
                "--licence", "L", "--date", "2025-01-01", "--quality", "official"]
    env = {**os.environ, "ATLAS_DATA_DIR": str(atlas_data_dir), "ATLAS_PAUSE_IN_WRITE": str(flag)}
    proc = subprocess.Popen([sys.executable, "-m", "geo", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():  # the writer is inside its transaction once the flag exists
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "writer never reached its transaction"
            time.sleep(0.02)
        if what == "projects":  # big enough to spill: the uncommitted pages are really on disk (WAL)
            assert Path(str(store.path) + "-wal").stat().st_size > 0
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    con = sqlite3.connect(store.path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    after = store.load()
    assert store.version() == version
    assert_frame_equal(after.projects, before.projects)
    assert_frame_equal(after.funding, before.funding)
    assert after.communes.geometry.equals(before.communes.geometry)
    assert after.provenance == before.provenance
    assert store.get_project("TD-001").project["donor"] == "Đã lưu trước"
    # And the store still takes writes (no stale lock).
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, donor="sau"), rec.funding, rec.revision, "Lan")
