"""Everything tests share, in one module (test modules never import each other).

- the bundled dataset, loaded once per process (:func:`bundled_dataset`), and a copy of the bundle with a
  hostile project name (:func:`hostile_bundle`): the shipped data carries no test rows;
- builders of import files and the bad-input corpus (``CASES``) used by several suites;
- real-browser support: a Streamlit server on a free port and headless Chromium that may only talk to
  loopback (used by the ``browser`` fixtures in ``conftest.py`` and by ``benchmarks/``).

Readiness is waited on through real signals (the health endpoint, the app's "running" indicator
disappearing, elements present), never fixed sleeps.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Polygon, box

from geo.ingest import imports
from geo.ingest.imports import COLUMN_LABELS
from geo.ingest.validate import Problem
from geo.storage.store import BUNDLED_DATA_DIR, BundledStore, Dataset
from geo.text import i18n

APP = str(Path(__file__).resolve().parent.parent / "app.py")
XSS = "<img src=x onerror=alert(1)>"
XSS_ID = "TD-XSS"
#: The password of every test account (long enough for the policy; never a shipped value).
PASSWORD = "test-Passw0rd-long"


def add_account(store, login: str = "admin1", role: str = "admin", communes: tuple[str, ...] = (), *,
                display_name: str = "", by=None):
    """An account in ``store`` (by the console unless ``by`` names an admin); returns its UserRecord."""
    from geo.storage.accounts import console_actor

    return store.add_user(login, PASSWORD, role, display_name=display_name, communes=communes,
                          by=console_actor() if by is None else by)


# --- data -----------------------------------------------------------------------------------------
@functools.cache
def bundled_dataset() -> Dataset:
    """The bundled dataset, loaded on first use and then shared (read-only) by the whole process."""
    return BundledStore().load()


def hostile_bundle(dest: Path) -> Path:
    """A copy of the bundled data folder plus one proposal-stage project ``TD-XSS`` in Thị trấn Tam Đường
    (03390, content area 10, 200 million VND ODA need) whose names are an HTML payload: shown as text
    it proves escaping, executed it would create an <img> and run its onerror script."""
    d = dest / "data"
    shutil.copytree(BUNDLED_DATA_DIR, d, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    p = pd.read_csv(d / "projects.csv", dtype=str, keep_default_na=False)
    row = {**{c: "" for c in p.columns}, "project_id": XSS_ID, "name_vi": XSS, "name_en": XSS,
           "description": "Hàng kiểm thử: tên chứa HTML phải hiển thị như văn bản", "commune_code": "03390",
           "content_area": "10", "status": "proposal", "start_year": "2026", "end_year": "2026",
           "lead_agency": "Phòng Văn hóa và Thông tin", "quality": "illustrative"}
    pd.concat([p, pd.DataFrame([row])]).to_csv(d / "projects.csv", index=False)
    f = pd.read_csv(d / "project_funding.csv", dtype=str, keep_default_na=False)
    line = {"project_id": XSS_ID, "source": "oda_grant", "need": "200000000", "committed": "0", "disbursed": "0"}
    pd.concat([f, pd.DataFrame([line])]).to_csv(d / "project_funding.csv", index=False)
    return d


# --- project import files -------------------------------------------------------------------------
VI = [COLUMN_LABELS[c].vi for c in imports.IMPORT_COLUMNS]
EN = [COLUMN_LABELS[c].en for c in imports.IMPORT_COLUMNS]


def row(pid="IM-1", name="Nước sạch bản Nà Bỏ", commune="Bản Bo", source="ngo", need="1.000.000",
        committed="0", disbursed="0", **kw) -> dict:
    base = {"project_id": pid, "name_vi": name, "name_en": "", "description": "", "commune_code": commune,
            "content_area": "1", "status": "proposal", "start_year": "2024", "end_year": "2025", "lead_agency": "",
            "donor": "", "lon": "", "lat": "", "quality": "official", "unit_version": "", "description_en": "", "dac_sectors": "", "iati_identifier": "",
            "source": source,
            "need": need, "committed": committed, "disbursed": disbursed}
    base.update(kw)
    return base


def csv_text(rows: list[dict], headers: list[str] = VI, sep: str = ",") -> str:
    def q(v):
        v = str(v)
        return '"' + v.replace('"', '""') + '"' if sep in v or '"' in v else v
    lines = [sep.join(q(h) for h in headers)]
    lines += [sep.join(q(r[c]) for c in imports.IMPORT_COLUMNS) for r in rows]
    return "\n".join(lines) + "\n"


# --- the bad-input corpus (test_bad_inputs, test_bilingual_errors) ------------------------------
BAN_BO = "03424"  # GSO code of Bản Bo (data/units.csv); a literal so collection reads no data
PROV = ["--source", "Sở TN&MT Lai Châu", "--licence", "nội bộ", "--date", "2025-06-30", "--quality", "official"]


# --- file builders ----------------------------------------------------------------------------------
def _csv(*rows: dict, **kw) -> bytes:
    return csv_text(list(rows), **kw).encode("utf-8")


def _geojson(gdf: gpd.GeoDataFrame) -> bytes:
    return gdf.to_json().encode()


def _metric_communes() -> gpd.GeoDataFrame:
    return bundled_dataset().communes[["code", "name", "geometry"]].to_crs("EPSG:9205")


def _shp_zip(gdf: gpd.GeoDataFrame, tmp: Path, keep=(".shp", ".shx", ".dbf", ".prj"), crs_name=None) -> bytes:
    d = tmp / "shp"
    d.mkdir(exist_ok=True)
    gdf.to_file(d / "layer.shp")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for ext in keep:
            if (d / f"layer{ext}").exists():
                zf.write(d / f"layer{ext}", f"layer{ext}")
    return buf.getvalue()


def _poly(code_name: str = "Bản Bo") -> Polygon:
    c = bundled_dataset().communes.set_index("name").loc[code_name, "geometry"].representative_point()
    return box(c.x - 0.005, c.y - 0.005, c.x + 0.005, c.y + 0.005)


def _bowtie() -> Polygon:
    c = _poly().centroid
    d = 0.01
    return Polygon([(c.x - d, c.y - d), (c.x + d, c.y + d), (c.x + d, c.y - d), (c.x - d, c.y + d)])


def _zones(geoms, **cols) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(cols, geometry=list(geoms), crs="EPSG:4326")


def _two_layer_gpkg(tmp: Path) -> bytes:
    path = tmp / "two.gpkg"
    _zones([_poly()], crop=["tea"]).to_file(path, layer="a")
    _zones([_poly()], crop=["tea"]).to_file(path, layer="b")
    return path.read_bytes()


def _nan_gpkg(tmp: Path) -> bytes:
    path = tmp / "nan.gpkg"
    p = _poly()
    x0, y0, x1, y1 = p.bounds
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        bad = Polygon([(x0, y0), (np.nan, y0), (x1, y1), (x0, y1)])
    _zones([p, bad], crop=["tea", "banana"]).to_file(path)
    return path.read_bytes()


# --- the corpus: (id, command, filename, builder, expected text in the error, extra CLI args) ---------
P = "import-projects"
CASES = [
    ("unknown-commune", P, "p.csv", lambda t: _csv(row(commune="Hà Nội")), "row 2, column 'Xã, thị trấn'", []),
    ("negative-amount", P, "p.csv", lambda t: _csv(row(need="-5")), "amount -5 is negative", []),
    ("text-amount", P, "p.csv", lambda t: _csv(row(need="1 tỷ")), "'1 tỷ' is not a whole number", []),
    ("over-commit-unconfirmed", P, "p.csv", lambda t: _csv(row(need="10", committed="20")), "allow-overcommit", []),
    ("disbursed-above-committed", P, "p.csv", lambda t: _csv(row(committed="5", disbursed="9")),
     "disbursed exceeds committed", []),
    ("bad-status", P, "p.csv", lambda t: _csv(row(status="done-ish")), "column 'Trạng thái'", []),
    ("content-area-11", P, "p.csv", lambda t: _csv(row(content_area="11")), "'11' is not a valid content area", []),
    ("year-1999", P, "p.csv", lambda t: _csv(row(start_year="1999")), "year '1999' outside", []),
    ("end-before-start", P, "p.csv", lambda t: _csv(row(start_year="2025", end_year="2023")),
     "end year before start year", []),
    ("missing-id-column", P, "p.csv", lambda t: b"name_vi,commune_code\nA,03424\n", "missing column 'Mã dự án'", []),
    ("empty-required-name", P, "p.csv", lambda t: _csv(row(name="")), "row 2, column 'Tên dự án (tiếng Việt)'", []),
    ("source-twice", P, "p.csv", lambda t: _csv(row(), row()), "listed twice", []),
    ("rows-disagree", P, "p.csv", lambda t: _csv(row(), row(source="state_budget", commune="Nà Tăm")),
     "differs from row 2", []),
    ("oversized", P, "big.csv", lambda t: b"a" * (20 * 2**20 + 1), "the limit is 20 MB", []),
    ("pdf", P, "p.pdf", lambda t: b"%PDF-1.4", "unsupported file type '.pdf'", []),
    ("old-xls", P, "p.xls", lambda t: b"\xd0\xcf\x11\xe0", "not supported", []),
    ("corrupt-xlsx", P, "p.xlsx", lambda t: b"PK\x03\x04 not really excel", "not a readable Excel file", []),
    ("unknown-encoding", P, "p.csv", lambda t: b"project_id\n\x81\x8d\x8e\n", "encoding", []),
    ("template-example-row", P, "p.csv", lambda t: _csv(row(pid="VD-001")), "template's example row", []),
    ("header-only", P, "p.csv", lambda t: csv_text([]).encode(), "no data rows", []),
    ("empty-file", P, "p.csv", lambda t: b"", "no header row", []),
    ("point-outside-district", P, "p.csv", lambda t: _csv(row(lon="105.8", lat="21.0")), "outside Lai Châu province", []),
    ("point-outside-district-in-province", P, "p.csv", lambda t: _csv(row(lon="103.0", lat="22.3")), "outside Tam Đường", []),
    ("bad-source", P, "p.csv", lambda t: _csv(row(source="lottery")), "'lottery' is not a valid funding source", []),
    # --- layers ---
    ("corrupt-zip", "communes", "b.zip", lambda t: b"PK\x03\x04garbage", "not a valid zip", []),
    ("zip-without-shp", "communes", "b.zip",
     lambda t: (lambda b: (zipfile.ZipFile(b, "w").writestr("readme.txt", "hi"), b.getvalue())[1])(io.BytesIO()),
     "no .shp", []),
    ("zip-without-dbf", "communes", "b.zip", lambda t: _shp_zip(_metric_communes(), t, keep=(".shp", ".shx", ".prj")),
     "missing .dbf", []),
    ("no-prj-vn2000-metres", "communes", "b.zip",
     lambda t: _shp_zip(_metric_communes(), t, keep=(".shp", ".shx", ".dbf")), "look like VN-2000 metres", []),
    ("no-prj-degrees", "communes", "b.zip",
     lambda t: _shp_zip(bundled_dataset().communes[["code", "geometry"]], t, keep=(".shp", ".shx", ".dbf")), "has no CRS", []),
    ("geojson-in-metres", "communes", "b.geojson",
     lambda t: json.dumps(json.loads(_metric_communes().to_json()) | {"crs": None}).encode(), "look like metres", []),
    ("wrong-crs-given", "communes", "b.zip",
     lambda t: _shp_zip(_metric_communes(), t, keep=(".shp", ".shx", ".dbf")), "wrong CRS?",
     ["--crs", "EPSG:3405"]),
    ("bow-tie", "crops", "z.geojson", lambda t: _geojson(_zones([_bowtie()], crop=["tea"])),
     "row 1, column 'geometry': invalid polygon", []),
    ("empty-geometry", "crops", "z.geojson",
     lambda t: json.dumps({"type": "FeatureCollection", "features": [
         json.loads(_geojson(_zones([_poly()], crop=["tea"])))["features"][0],
         {"type": "Feature", "properties": {"crop": "tea"}, "geometry": None}]}).encode(),
     "row 2, column 'geometry': empty or missing geometry", []),
    ("nan-geometry", "crops", "z.gpkg", _nan_gpkg, "row 2, column 'geometry': coordinates are not numbers", []),
    ("mixed-geometry", "crops", "z.geojson",
     lambda t: _geojson(_zones([_poly(), _poly().centroid], crop=["tea", "tea"])), "mixed geometry types", []),
    ("line-for-polygon", "risk", "z.geojson",
     lambda t: _geojson(_zones([LineString(_poly().exterior.coords)], risk_level=["high"])),
     "LineString where a polygon is needed", []),
    ("duplicate-commune-codes", "communes", "b.geojson",
     lambda t: _geojson(_zones([_poly(), _poly("Nà Tăm")], code=[BAN_BO, BAN_BO])),
     f"duplicate code {BAN_BO}", []),
    ("unknown-commune-boundary", "communes", "b.geojson",
     lambda t: _geojson(_zones([_poly()], ten_xa=["Hà Nội"])), "row 1, column 'ten_xa': no commune of Tam Đường matches this feature", []),
    ("unknown-crop", "crops", "z.geojson", lambda t: _geojson(_zones([_poly()], crop=["coffee"])),
     "'coffee' is not one of", []),
    ("missing-crop-field", "crops", "z.geojson", lambda t: _geojson(_zones([_poly()], kind=["tea"])),
     "missing field 'crop'", []),
    ("duplicate-zone-ids", "risk", "z.geojson",
     lambda t: _geojson(_zones([_poly(), _poly("Nà Tăm")], zone_id=["R1", "R1"], risk_level=["high", "cao"])),
     "duplicate id 'R1'", []),
    ("unknown-project-location", "project-locations", "p.geojson",
     lambda t: _geojson(_zones([_poly().centroid], project_id=["XX-999"])), "unknown project 'XX-999'", []),
    ("not-gis", "crops", "z.geojson", lambda t: b"<html>oops</html>", "cannot be read", []),
    ("bare-shp", "crops", "z.shp", lambda t: b"\x00\x00\x27\x0a", "zip the .shp", []),
    ("dwg", "crops", "z.dwg", lambda t: b"AC1027", "unsupported file type '.dwg'", []),
    ("gpkg-two-layers", "crops", "z.gpkg", _two_layer_gpkg, "several layers", []),
    ("missing-provenance", "crops", "z.geojson", lambda t: _geojson(_zones([_poly()], crop=["tea"])),
     "column 'source': required", ["--no-prov"]),
]


# --- checks shared by suites -------------------------------------------------------------------
def assert_bilingual(problems: list[Problem]) -> None:
    """Keyed, translated, and the location (row, column) survives in both languages."""
    assert problems
    for p in problems:
        assert p.key in i18n.CATALOG, p
        vi, en = p.text("vi"), p.text("en")
        assert vi != en and p.sentence("vi") != p.sentence("en"), p
        assert vi.startswith(f"tệp {p.file}") and en.startswith(p.file), (vi, en)
        if p.row is not None:
            assert f"dòng {p.row}" in vi and f"row {p.row}" in en, (vi, en)
        if p.column:
            assert f"cột '{p.column}'" in vi and f"column '{p.column}'" in en, (vi, en)
        assert str(p) == en  # logs stay English, as before


def styler_colors(page: str) -> dict[str, dict[str, str]]:
    """Feature id → fillColor from each GeoJSON styler in rendered map JavaScript, per layer variable."""
    out: dict[str, dict[str, str]] = {}
    for name, body in re.findall(r"function (geo_json_\w+)_styler\(feature\) \{(.*?)\n\s*\}\n", page, flags=re.S):
        colors: dict[str, str] = {}
        for ids, style in re.findall(r"((?:case \"[^\"]+\": )+)\s*return (\{.*?\});", body, flags=re.S):
            for fid in re.findall(r'case "([^"]+)"', ids):
                colors[fid] = json.loads(style)["fillColor"]
        default = re.search(r"default:\s*return (\{.*?\});", body, flags=re.S)
        out[name] = {"default": json.loads(default.group(1))["fillColor"], **colors}
    return out


def html_tables(at) -> list[pd.DataFrame]:
    """The ``geo.output.html_table`` tables a page drew (``st.html``), as text frames, in page order.

    Cells are read as the browser shows them (entities decoded); a row header column becomes the index.
    """
    import lxml.html

    out = []
    for block in at.get("html"):
        if "td-table" not in block.proto.body:
            continue
        for table in lxml.html.fromstring(block.proto.body).xpath('//table[contains(@class, "td-table")]'):
            head = [th.text_content() for th in table.xpath("./thead/tr/th")]
            rows = [[c.text_content() for c in tr.xpath("./th|./td")] for tr in table.xpath("./tbody/tr")]
            frame = pd.DataFrame(rows, columns=head, dtype=object)
            if table.xpath("./tbody/tr/th[@scope='row']"):
                frame = frame.set_index(head[0])
            out.append(frame)
    return out


# --- real browser ------------------------------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def require_browser() -> None:
    """Skip without Chromium locally; fail in CI (ATLAS_REQUIRE_BROWSER=1)."""
    if Path(CHROMIUM).exists() and shutil.which(CHROMIUM):
        return
    if os.environ.get("ATLAS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install it (apt-get install chromium)")
    pytest.skip(f"Chromium not found at {CHROMIUM}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = log.read_text(errors="replace") if log and log.exists() else ""
            raise RuntimeError(f"streamlit exited with {proc.returncode}: {output}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"streamlit not healthy at {url} after {timeout}s")


@contextmanager
def streamlit_process(env: dict[str, str] | None = None, script: str = "app.py", log: Path | None = None,
                      timeout: float = 90) -> Iterator[tuple[str, int]]:
    """Start ``streamlit run`` on a free loopback port; yield (base URL, pid); stop it on exit.

    Output goes to ``log`` (a temp file by default), never to an unread pipe that could fill up
    and stall the server.
    """
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / script),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        log = log or Path(tmp) / "server.log"
        with open(log, "w") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})},
                                    stdout=out, stderr=subprocess.STDOUT, text=True)
            url = f"http://127.0.0.1:{port}"
            try:
                wait_healthy(url, proc, timeout, log)
                yield url, proc.pid
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()


@contextmanager
def streamlit_server(env: dict[str, str] | None = None, script: str = "app.py") -> Iterator[str]:
    """Start ``streamlit run`` on a free loopback port; yield its base URL."""
    with streamlit_process(env, script) as (url, _pid):
        yield url


def is_loopback(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "chrome", "chrome-extension"):
        return True
    return (parsed.hostname or "") in LOOPBACK


class OfflineBrowser:
    """A Chromium page whose non-loopback requests are aborted and recorded in ``blocked``."""

    def __init__(self, browser, viewport: tuple[int, int] = (1400, 1000)):
        self.browser = browser
        self.context = self.browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)

    def _route(self, route) -> None:
        if is_loopback(route.request.url):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()  # the browser belongs to the module (tests/conftest.py ``chromium``)


def wait_app_idle(page, timeout: float = 60_000, settle_ms: int = 400) -> None:
    """Wait until Streamlit has rendered and finished running the script.

    "Finished" must hold for ``settle_ms``: a script may rerun itself right after a
    run ends (app.py does once per server start), which a single check would miss.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        """(settle) => {
            const app = document.querySelector('[data-testid="stApp"]');
            const idle = app && app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-testid="stSkeleton"]')
                && !document.querySelector('[data-testid="stStatusWidget"]');
            if (!idle) { window.__atlasIdleSince = undefined; return false; }
            window.__atlasIdleSince = window.__atlasIdleSince || performance.now();
            return performance.now() - window.__atlasIdleSince >= settle;
        }""",
        arg=settle_ms,
        timeout=timeout,
        polling=100,
    )


def browser_sign_in(page, base_url: str, login: str = "admin1", password: str = PASSWORD) -> None:
    """Sign in through the Vietnamese sign-in page of a running app, as a person would (the session then lives
    in this browser tab: move on by clicking the navigation, a new page load is a new, signed-out session)."""
    page.goto(base_url + "/signin")
    wait_app_idle(page)
    page.get_by_label("Tên đăng nhập", exact=True).fill(login)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Đã đăng nhập").first.wait_for()
    wait_app_idle(page)


# --- the shared-server deployment (deploy/serve, issue 20) ----------------------------------------------
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: Leaflet is loaded, the communes are drawn and streamlit-folium has bound its click handlers.
MAP_READY = """() => !!window.map && document.querySelectorAll('path.td-commune').length > 0
    && Object.values(window.map._layers).some(l => l.feature && l.listens && l.listens('click'))"""
SERVE = ROOT / "deploy" / "serve"


def require_nginx() -> str:
    """nginx's path; skip without it locally, fail in CI (ATLAS_REQUIRE_NGINX=1)."""
    from geo.cli.serve import nginx_binary

    found = nginx_binary()
    if found:
        return found
    if os.environ.get("ATLAS_REQUIRE_NGINX") == "1":
        pytest.fail("nginx not found; CI must install it (apt-get install nginx)")
    pytest.skip("nginx not installed (apt-get install nginx): the deployment tests need a real nginx")


def free_port_run(n: int) -> int:
    """A free loopback port P with P+1 … P+n free too (deploy/serve's app processes)."""
    for _ in range(50):
        p = free_port()
        if p + n < 65536 and all(_port_free(p + i) for i in range(1, n + 1)):
            return p
    raise RuntimeError(f"no run of {n + 1} free ports")


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def http_get(url: str, headers: dict[str, str] | None = None):
    """(status, headers, raw body) of a GET; certificates are not checked (self-signed in tests)."""
    import ssl

    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=30, context=ssl._create_unverified_context()) as r:
        return r.status, r.headers, r.read()


@dataclass
class Deployment:
    url: str
    port: int
    app_ports: list[int]
    proc: subprocess.Popen
    log: Path


@contextmanager
def deployment(env: dict[str, str] | None = None, processes: int = 2, tls: bool = False,
               timeout: float = 180) -> Iterator[Deployment]:
    """``deploy/serve`` on free loopback ports (nginx + ``processes`` app processes), ready; stopped on exit."""
    require_nginx()
    port = free_port_run(processes)
    cmd = [sys.executable, str(SERVE), "--port", str(port), "--processes", str(processes), *(["--tls"] if tls else [])]
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "serve.log"
        with open(log, "w") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out,
                                    stderr=subprocess.STDOUT, text=True)
            url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + timeout
                while "running at" not in log.read_text(errors="replace"):
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"deploy/serve did not start: {log.read_text(errors='replace')}")
                    time.sleep(0.3)
                yield Deployment(url, port, [port + i for i in range(1, processes + 1)], proc, log)
            finally:
                if proc.poll() is None:
                    proc.terminate()
                    try:
                        proc.wait(timeout=40)
                    except subprocess.TimeoutExpired:
                        proc.kill()


def node_cookies(dep: Deployment) -> dict[str, str]:
    """For each app process behind nginx, a value of the sticky cookie ``atlas_node`` that nginx sends there."""
    found: dict[str, str] = {}
    for i in range(200):
        value = f"test{i:04d}"
        _, headers, _ = http_get(dep.url + "/_stcore/health", {"Cookie": f"atlas_node={value}"})
        found.setdefault(headers["X-Atlas-Process"], value)
        if len(found) == len(dep.app_ports):
            break
    return found


def district_bounds() -> tuple[float, float, float, float]:
    """The bundled district's lon/lat bounds (what a basemap must cover)."""
    w, s, e, n = bundled_dataset().communes.total_bounds
    return float(w), float(s), float(e), float(n)


def assert_basemap_refused(path: Path, key: str, lang: str, provenance) -> None:
    """``prepare_basemap`` refuses ``path`` with ``key``, naming the file, in ``lang`` (nothing comes back to store)."""
    import pytest

    from geo.ingest.basemap import prepare_basemap
    from geo.ingest.validate import DataError
    from geo.model import schema

    with pytest.raises(DataError) as err:
        prepare_basemap(path, district_bounds(), provenance)
    problem = err.value.problems[0]
    assert problem.key == key and problem.file == path.name
    text = err.value.text(lang)
    params = {k: (v(lang) if isinstance(v, schema.Label) else v) for k, v in problem.params}
    assert path.name in text and i18n.t(key, lang, **params) in text


def tiny_basemap(source: str = "SRTM 1 arc-second (NASA/USGS)"):
    """A 4 × 3 pixel relief basemap over the district with its provenance (stores keep it whole)."""
    import io

    from PIL import Image

    from geo.model import schema
    from geo.model.basemap import BASEMAP_LAYER, BASEMAP_TITLE, Basemap

    out = io.BytesIO()
    Image.new("RGBA", (4, 3), (120, 120, 120, 255)).save(out, format="WEBP")
    prov = schema.Provenance(layer=BASEMAP_LAYER, title=BASEMAP_TITLE, source=source, licence="Public domain",
                             date="2014-09-23", quality=schema.Quality.APPROXIMATE, method="Hillshade")
    return Basemap(out.getvalue(), (103.38, 22.14, 103.80, 22.52), "relief", 4, 3, prov)


def share_link(at) -> str | None:
    """The link in an AppTest page's read-only sidebar share field (an HTML textarea; its text is escaped)."""
    import html
    import re

    links = [html.unescape(m.group(1)) for h in at.sidebar.get("html")
             if 'data-testid="atlas-share-link"' in h.proto.body
             for m in [re.search(r">([^<]*)</textarea>", h.proto.body)] if m]
    return links[0] if links else None


# --- one language per screen: phrases of the other language's catalogue, raw keys ---------------------------
#: Placeholders of a catalogue template (``{x}``; argparse's ``%(x)s``, ``%s``, ``%r``) and markdown marks.
_PLACEHOLDER = re.compile(r"\{[^}]*\}|%\([^)]*\)[sr]|%[sr]|\*\*|[*_`#>\[\]()]")
_EDGES = " .,:;·—–-'\""
# A fragment this long is a phrase of one language wherever it appears in the text (a substring check). A shorter
# one (a word such as "Lưu" or "Save") is a hit only as a whole text node of the page, so a Vietnamese place name
# in an English table ("Xã Bản Bo") or an English word inside a Vietnamese name is not one.
MIN_FRAGMENT = 12
# Numbers and signs around a short word are not language ("12 projects" is the node of "{n} projects").
_NODE_EDGES = re.compile(r"^[\s\d.,:;·—–\-'\"()%/+×=≥≤<>|₫$]+|[\s\d.,:;·—–\-'\"()%/+×=≥≤<>|₫$]+$")
#: Short fragments of one language's catalogue that may rightly stand alone on the other language's screens.
SHARED_WORDS: dict[str, str] = {
    "English": "the language switch names each language in its own words (geo.text.i18n.LANGS)",
}


def fragments(text: str) -> list[str]:
    """The literal pieces of a catalogue template, between placeholders and markdown marks, with two letters or more."""
    pieces = (f.strip(_EDGES) for f in _PLACEHOLDER.split(text))
    return [f for f in pieces if len(re.findall(r"[^\W\d_]", f)) >= 2]


def _in(fragment: str, text: str) -> bool:
    """Whether ``fragment`` is a whole-word part of ``text`` (an underscore separates: ``very_high``, as markdown
    marks split fragments there too)."""
    return re.search(rf"(?<![^\W_]){re.escape(fragment)}(?![^\W_])", text) is not None


@functools.cache
def foreign_fragments(lang: str) -> tuple[frozenset[str], frozenset[str]]:
    """Phrases that exist only in the other language's catalogue: (long ones, short ones).

    A piece that is also a whole word of some string of ``lang`` (a shared term such as "ODA" or a place name such
    as "Tam Đường"), or of a string identical in both languages, is not foreign.
    """
    mine = [pair[0 if lang == "vi" else 1] for pair in i18n.CATALOG.values()]
    long, short = set(), set()
    for vi, en in i18n.CATALOG.values():
        if vi == en:
            continue
        for frag in fragments(en if lang == "vi" else vi):
            if frag in SHARED_WORDS or any(frag in m and _in(frag, m) for m in mine):  # substring first: fast
                continue
            (long if len(frag) >= MIN_FRAGMENT else short).add(frag)
    return frozenset(long), frozenset(short)


def node_text(node: str) -> str:
    """A text node as a short fragment would stand in it: numbers and signs at its edges taken off."""
    return _NODE_EDGES.sub("", node)


def key_leaks(text: str) -> list[str]:
    """Catalogue keys written out instead of their text."""
    return [k for k in i18n.CATALOG if "." in k and re.search(rf"(?<![\w.]){re.escape(k)}(?![\w.])", text)]
