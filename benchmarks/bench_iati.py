"""Streaming a ~200 MB IATI activity file (issue 16 item 5): seconds and peak extra memory, against parsing it whole.

Method: a synthetic ``iati-activities`` 2.03 file (~2 KB per activity, shaped like a big donor's publication:
titles, descriptions, sectors, two locations, budgets and transactions) is written to a temporary folder;
one activity in a hundred lies in Tam Đường (by ``GSO-`` ref, by point or by commune name), the rest elsewhere in
Viet Nam, and a tenth of the district's are in USD. Then two fresh Python processes, in the same run:

- **baseline**: ``lxml.etree.parse`` of the whole file (with the same safe parser options) and a walk over its
  activities, the obvious way to read it;
- **stream**: :func:`geo.ingest.iati.preview_iati` (iterparse, each activity cleared once read), the whole
  preview: location, content area, money records, validation of the kept projects.

Reported per process: wall and CPU seconds of the read (CPU: the shared machine's load stretches wall time),
and the peak RSS above the process's RSS just before it
(``ru_maxrss`` after − before; the interpreter, pandas and the dataset are loaded before); the ratios are stream /
baseline. ``--quick``: ~20 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks._common import machine

_BASELINE = r"""
import json, resource, sys, time
from lxml import etree
path = sys.argv[1]
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0, c0 = time.perf_counter(), time.process_time()
parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
root = etree.parse(path, parser).getroot()
n = sum(1 for a in root.iterfind("iati-activity") if a.findtext("iati-identifier"))
dt, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"s": dt, "cpu": cpu, "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base, "n": n}))
"""

_STREAM = r"""
import json, resource, sys, time
import pandas as pd
from geo.ingest.iati import preview_iati
from geo.storage.store import BundledStore
path = sys.argv[1]
ds = BundledStore().load()
money = pd.DataFrame(columns=["record_id", "project_id", "revision"])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0, c0 = time.perf_counter(), time.process_time()
pre = preview_iati(path, "synthetic.xml", ds, money, {}, {"USD": 25_000.0}, "benchmark rate")
dt, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"s": dt, "cpu": cpu, "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base, "n": pre.read,
                  "kept": len(pre.records), "money": len(pre.money), "problems": len(pre.problems)}))
"""

#: Tam Đường communes a kept activity names (GSO code, name, a point inside it).
_DISTRICT = [("03424", "Bản Bo", None), ("03427", "Nà Tăm", None), ("03412", "Bình Lư", (22.3603, 103.6407)),
             ("03415", "Nùng Nàng", (22.3388, 103.454))]
_LOREM = ("Improving livelihoods and resilience of rural households through community-led investment, "
          "training and support to local institutions in mountainous provinces. ")


def _activity(i: int, rng: random.Random) -> str:
    inside = i % 100 == 0
    currency = "USD" if inside and i % 1000 == 0 else "VND"
    if inside:
        code, name, point = _DISTRICT[(i // 100) % len(_DISTRICT)]
        how = (i // 100) % 3
        loc = (f'<location ref="GSO-{code}"><name><narrative>{name}</narrative></name></location>' if how == 0 else
               f"<location><name><narrative>Xã {name}</narrative></name></location>" if how == 1 or point is None else
               f'<location><point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>{point[0]} {point[1]}'
               "</pos></point></location>")
    else:
        lat, lon = 10 + rng.random() * 11, 104.5 + rng.random() * 2
        loc = (f'<location ref="GSO-{rng.randint(10000, 99999)}"><name><narrative>Commune {i}</narrative></name>'
               f'<point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>{lat:.4f} {lon:.4f}</pos></point>'
               "</location>")
    amounts = [rng.randint(10, 900) * (1_000 if currency == "USD" else 10_000_000) for _ in range(4)]
    return f"""<iati-activity default-currency="{currency}" last-updated-datetime="2026-11-30T00:00:00Z">
<iati-identifier>XM-BENCH-{i:07d}</iati-identifier>
<reporting-org ref="XM-BENCH" type="40"><narrative>Benchmark Fund</narrative></reporting-org>
<title><narrative>Rural livelihoods programme, phase {i}</narrative><narrative xml:lang="vi">Chương trình sinh kế {i}</narrative></title>
<description type="1"><narrative>{_LOREM * 4}</narrative></description>
<participating-org role="4" type="10"><narrative>Provincial People's Committee</narrative></participating-org>
<activity-status code="2"/>
<activity-date type="2" iso-date="2023-01-01"/><activity-date type="3" iso-date="2026-12-31"/>
<recipient-country code="VN" percentage="100"/>
{loc}<location><name><narrative>Province {i % 63}</narrative></name></location>
<sector vocabulary="1" code="31120" percentage="60"/><sector vocabulary="1" code="43040" percentage="40"/>
<budget type="1" status="2"><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/><value value-date="2024-01-01">{amounts[0]}</value></budget>
<budget type="1" status="2"><period-start iso-date="2025-01-01"/><period-end iso-date="2025-12-31"/><value value-date="2025-01-01">{amounts[1]}</value></budget>
<transaction><transaction-type code="2"/><transaction-date iso-date="2023-02-01"/><value value-date="2023-02-01">{amounts[2]}</value></transaction>
<transaction><transaction-type code="3"/><transaction-date iso-date="2024-03-01"/><value value-date="2024-03-01">{amounts[3]}</value></transaction>
</iati-activity>
"""


def write_file(path: Path, target_bytes: int) -> int:
    """A synthetic activity file of about ``target_bytes``; the number of activities."""
    rng = random.Random(1)
    n = 0
    with path.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03" xml:lang="en">\n')
        while f.tell() < target_bytes:
            f.write(_activity(n, rng))
            n += 1
        f.write("</iati-activities>\n")
    return n


def _run(code: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_iati")
    ap.add_argument("--quick", action="store_true")
    args, _ = ap.parse_known_args(argv)
    target = (20 if args.quick else 200) * 1024 * 1024
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "activities.xml"
        n = write_file(path, target)
        size = path.stat().st_size / 2**20
        base = _run(_BASELINE, path)
        stream = _run(_STREAM, path)
    assert base["n"] == stream["n"] == n, (base, stream, n)
    print(f"file: {size:.0f} MiB, {n:,} activities; the stream kept {stream['kept']:,} in the district "
          f"({stream['money']:,} money records, {stream['problems']} problems)")
    print("| read | wall s | CPU s | peak extra RSS MiB |")
    print("|---|---|---|---|")
    for label, r in (("baseline: etree.parse whole + walk", base), ("preview_iati (iterparse, cleared)", stream)):
        print(f"| {label} | {r['s']:.1f} | {r['cpu']:.1f} | {r['peak_kib'] / 1024:.0f} |")
    print(f"| stream / baseline | {stream['s'] / base['s']:.2f}× | {stream['cpu'] / base['cpu']:.2f}× | "
          f"{stream['peak_kib'] / max(base['peak_kib'], 1):.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
