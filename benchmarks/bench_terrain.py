"""Slope classes and hillshade of a 5,000 × 5,000 DEM (issue 19): seconds and peak memory (target < 30 s, < 2 GB).

Method: a synthetic float32 GeoTIFF (UTM 48N, 10 m cells, hills of several wavelengths, ~100 MB) is written
block by block to a temporary folder; then a fresh Python process runs :func:`geo.ingest.dem.screen_dem` on it
with 200 events and ``hillshade_out`` (one windowed pass: slope classes, frequency ratio and a hillshade
GeoTIFF written block by block). Reported: wall seconds of that pass and the child's peak RSS (``ru_maxrss``),
which includes the interpreter with numpy and rasterio loaded. ``--quick``: 1,000 × 1,000.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

_CHILD = r"""
import json, resource, sys, time
import numpy as np
from geo.ingest import dem
path, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = np.random.default_rng(1)
from rasterio.warp import transform
xs = 478_000 + rng.random(200) * n * 10.0
ys = 2_478_000 - rng.random(200) * n * 10.0
lon, lat = transform("EPSG:32648", "EPSG:4326", xs.tolist(), ys.tolist())
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
s = dem.screen_dem(path, (lon, lat), out)
dt = time.perf_counter() - t0
print(json.dumps({"s": dt, "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "base_kib": base,
                  "auc": s.auc, "cells": int(s.area_cells.sum())}))
"""


def write_dem(path: Path, n: int) -> None:
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    transform = from_origin(478_000, 2_478_000, 10.0, 10.0)
    x = np.arange(n) * 10.0
    with rasterio.open(path, "w", driver="GTiff", height=n, width=n, count=1, dtype="float32", crs="EPSG:32648",
                       transform=transform, tiled=True, blockxsize=256, blockysize=256) as f:
        for r0 in range(0, n, 500):
            y = (np.arange(r0, min(r0 + 500, n)) * 10.0)[:, None]
            z = (800 + 600 * np.sin(x / 3000.0) * np.cos(y / 2500.0) + 80 * np.sin(x / 310.0 + y / 270.0))
            f.write(z.astype("float32"), 1, window=Window(0, r0, n, z.shape[0]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_terrain")
    ap.add_argument("--quick", action="store_true")
    args, _ = ap.parse_known_args(argv)
    n = 1000 if args.quick else 5000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dem.tif"
        write_dem(path, n)
        out = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(Path(tmp) / "shade.tif"), str(n)],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        size = path.stat().st_size / 2**20
    print("| DEM | file MB | slope + classes + FR + hillshade s | peak RSS MiB | RSS before the pass MiB | AUC |")
    print("|---|---|---|---|---|---|")
    print(f"| {n} × {n} | {size:.0f} | {r['s']:.1f} | {r['peak_kib'] / 1024:.0f} | {r['base_kib'] / 1024:.0f} "
          f"| {r['auc']:.2f} |")
    ok = r["s"] < 30 and r["peak_kib"] < 2 * 1024 * 1024
    print("target (< 30 s, < 2 GB):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
