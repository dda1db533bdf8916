"""Hostile payloads and checks shared by the bad-input tests (a test module never imports another).

``IMAGE`` / ``TAG`` / ``LINK``: Markdown and HTML that must show as text; ``SOURCE`` / ``LICENCE``: provenance as a
hostile user could type it (with line breaks and spreadsheet formulas); :func:`plant` stores them on the communes;
:func:`vrt_csv`: an OGR VRT that would show a server file through the CSV driver; :func:`fingerprint`: a store
file's bytes (checkpointed first), to show nothing changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from geo.ingest.layer_import import preview_layer
from geo.storage.layer_commit import commit_layer

#: A small polygon inside the district, the geometry a disguised VRT would hand back.
INSIDE = "POLYGON((103.6 22.3,103.61 22.3,103.61 22.31,103.6 22.3))"
IMAGE = "![x](http://evil.example/x.png)"
TAG = "<img src=x onerror=alert(1)>"
LINK = "[click](http://evil.example/)"
SOURCE = f"Sở TN&MT {IMAGE} {TAG}\n=HYPERLINK(\"http://evil.example/\",\"ok\")"
LICENCE = f"{LINK}\r\n@SUM(1+1)*cmd|' /C calc'!A0"
# What the Markdown source must hold instead (md_text's escapes), so the browser shows the characters.
IMAGE_ESCAPED = r"\!\[x\]\(http\://evil.example/x.png\)"
TAG_ESCAPED = r"\<img src=x onerror=alert\(1\)\>"
LINK_ESCAPED = r"\[click\]\(http\://evil.example/\)"


def plant(store) -> None:
    """Official commune boundaries imported with a hostile source and licence, as a user could type them."""
    ds = store.load()
    data = ds.communes[["code", "geometry"]].to_json().encode()
    li = preview_layer("communes", data, "ranh_gioi.geojson", ds)
    assert li.ok, li.problems
    commit_layer(store, li, ds, SOURCE, LICENCE, "2025-06-30", "official", "", "tester")
    assert store.load().provenance["communes"].source.startswith("Sở TN&MT ![x]")


def fingerprint(store) -> tuple[str, int]:
    store.checkpoint()
    wal = Path(str(store.path) + "-wal")
    return hashlib.sha256(store.path.read_bytes()).hexdigest(), (wal.stat().st_size if wal.exists() else 0)


def vrt_csv(secret: Path, url: str) -> bytes:
    return (f'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>CSV:{secret}</SrcDataSource>'
            f'<SrcSQL dialect="sqlite">SELECT name, \'{INSIDE}\' AS wkt FROM secret</SrcSQL>'
            '<GeometryType>wkbPolygon</GeometryType><LayerSRS>EPSG:4326</LayerSRS>'
            '<GeometryField encoding="WKT" field="wkt"/></OGRVRTLayer></OGRVRTDataSource>').encode()
