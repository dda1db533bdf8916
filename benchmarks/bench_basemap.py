"""Raster PMTiles basemap import (issue 19) against raster MBTiles of the very same tiles, and a 2 GB PMTiles.

Method: noisy 256 px PNG tiles (4 px blocks of random colour: PNG cannot squeeze them to nothing) over Tam
Đường and its margin at zooms 10–13 (~150 tiles, the level the picture needs is 13) are written twice to a
temporary folder, as PMTiles with protomaps' ``pmtiles`` writer and as MBTiles (SQLite, TMS rows). Then, in the
same run, alternating, each file goes through :func:`geo.ingest.basemap.prepare_basemap`:

- **baseline**: the MBTiles, which GDAL's MBTiles driver reads (it picks the zoom from the resolution);
- **pmtiles**: the PMTiles, read by byte ranges and mosaicked by :mod:`geo.ingest.pmtiles_raster`, then the
  same warp.

Reported: median wall and CPU seconds of ``runs`` imports each and the ratio pmtiles / baseline. Then a fresh
process imports the PMTiles moved ~2 GB into a sparse file (the tile data after a hole, as in a national
archive) and reports its seconds and its peak RSS (``ru_maxrss``) above its RSS just before the import
(``VmRSS``, with numpy, rasterio and Pillow loaded): reading the file whole would add 2 GB. ``--quick``: one run each.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks._common import ROOT, machine

HALF = 20037508.342789244
#: Tam Đường plus the import's margin, rounded outwards (degrees).
WINDOW = (103.38, 22.14, 103.81, 22.52)
ZOOMS = range(10, 14)

_CHILD = r"""
import json, resource, sys, time
from geo.ingest.basemap import prepare_basemap
from geo.model.basemap import PROVENANCE_EXAMPLE
district = tuple(float(v) for v in sys.argv[2:6])
base = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS"))  # KiB, now
t0 = time.perf_counter()
b = prepare_basemap(sys.argv[1], district, PROVENANCE_EXAMPLE)
dt = time.perf_counter() - t0
print(json.dumps({"s": dt, "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "base_kib": base,
                  "size": [b.width, b.height]}))
"""


def _tiles(seed: int = 19) -> dict[tuple[int, int, int], bytes]:
    from PIL import Image

    rng = np.random.default_rng(seed)
    out = {}
    for z in ZOOMS:
        size = 2 * HALF / 2**z
        x0, y0 = _merc(WINDOW[0], WINDOW[3])
        x1, y1 = _merc(WINDOW[2], WINDOW[1])
        for x in range(math.floor((x0 + HALF) / size), math.floor((x1 + HALF) / size) + 1):
            for y in range(math.floor((HALF - y0) / size), math.floor((HALF - y1) / size) + 1):
                blocks = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
                buf = io.BytesIO()
                Image.fromarray(blocks.repeat(4, 0).repeat(4, 1), "RGB").save(buf, format="PNG")
                out[(z, x, y)] = buf.getvalue()
    return out


def _merc(lon: float, lat: float) -> tuple[float, float]:
    return HALF * lon / 180, HALF / math.pi * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def write_pmtiles(path: Path, tiles: dict) -> None:
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import write

    with write(str(path)) as w:
        for (z, x, y), data in sorted(tiles.items(), key=lambda kv: zxy_to_tileid(*kv[0])):
            w.write_tile(zxy_to_tileid(z, x, y), data)
        west, south, east, north = WINDOW
        w.finalize({"tile_type": TileType.PNG, "tile_compression": Compression.NONE,
                    "min_lon_e7": round(west * 1e7), "min_lat_e7": round(south * 1e7),
                    "max_lon_e7": round(east * 1e7), "max_lat_e7": round(north * 1e7)}, {"name": "bench"})


def write_mbtiles(path: Path, tiles: dict) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    con.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
    con.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
    meta = {"name": "bench", "format": "png", "bounds": ",".join(map(str, WINDOW)), "minzoom": str(ZOOMS[0]),
            "maxzoom": str(ZOOMS[-1]), "type": "baselayer", "version": "1.1"}
    con.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    con.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                    [(z, x, 2**z - 1 - y, data) for (z, x, y), data in tiles.items()])  # TMS: row 0 at the bottom
    con.commit()
    con.close()


def sparse_copy(src: Path, dest: Path, size: int) -> None:
    """``src`` with a hole before its tile data, so the tiles sit at the end of a ``size``-byte file."""
    from pmtiles.tile import deserialize_header

    raw = src.read_bytes()
    start = deserialize_header(raw[:127])["tile_data_offset"]
    hole = size - len(raw)
    with dest.open("wb") as fh:
        fh.write(raw[:56] + (start + hole).to_bytes(8, "little") + raw[64:start])
        fh.seek(start + hole)
        fh.write(raw[start:])


def _time(path: Path, district: tuple[float, float, float, float]) -> tuple[float, float]:
    from geo.ingest.basemap import prepare_basemap
    from geo.model.basemap import PROVENANCE_EXAMPLE

    w0, c0 = time.perf_counter(), time.process_time()
    prepare_basemap(path, district, PROVENANCE_EXAMPLE)
    return time.perf_counter() - w0, time.process_time() - c0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_basemap")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=5)
    args, _ = ap.parse_known_args(argv)
    runs = 1 if args.quick else args.runs
    from geo.storage.store import BundledStore

    district = tuple(float(v) for v in BundledStore().load().communes.total_bounds)
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        tiles = _tiles()
        pm, mb = Path(tmp) / "t.pmtiles", Path(tmp) / "t.mbtiles"
        write_pmtiles(pm, tiles)
        write_mbtiles(mb, tiles)
        _time(pm, district), _time(mb, district)  # warm: imports, GDAL drivers, page cache
        got: dict[str, list[tuple[float, float]]] = {"mbtiles": [], "pmtiles": []}
        for _ in range(runs):
            got["mbtiles"].append(_time(mb, district))
            got["pmtiles"].append(_time(pm, district))
        med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in got.items()}
        print(f"{len(tiles)} tiles at zooms {ZOOMS[0]}–{ZOOMS[-1]}, PMTiles {pm.stat().st_size / 2**20:.1f} MB, "
              f"MBTiles {mb.stat().st_size / 2**20:.1f} MB, {runs} runs each")
        print("| file | wall s (median) | CPU s (median) |")
        print("|---|---|---|")
        for k in ("mbtiles", "pmtiles"):
            print(f"| {k} | {med[k][0]:.2f} | {med[k][1]:.2f} |")
        print(f"ratio pmtiles / mbtiles: wall {med['pmtiles'][0] / med['mbtiles'][0]:.2f}×, "
              f"CPU {med['pmtiles'][1] / med['mbtiles'][1]:.2f}×")
        big = Path(tmp) / "big.pmtiles"
        sparse_copy(pm, big, 2 * 1024**3 - 4096)
        out = subprocess.run([sys.executable, "-c", _CHILD, str(big), *map(str, district)], capture_output=True,
                             text=True, check=True, cwd=ROOT)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"sparse {big.stat().st_size / 2**30:.2f} GiB PMTiles in a fresh process: {r['s']:.2f} s, peak RSS "
              f"{r['peak_kib'] / 1024:.0f} MiB ({(r['peak_kib'] - r['base_kib']) / 1024:.0f} MiB above the "
              f"{r['base_kib'] / 1024:.0f} MiB before the import), picture {r['size'][0]} × {r['size'][1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
