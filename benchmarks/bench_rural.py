"""Rural link (issue 20): the map over a throttled line: the naive app, Streamlit direct, and the deployment (nginx).

Headless Chromium with Chrome DevTools network emulation: 1 Mbit/s down, 256 kbit/s up, 300 ms latency (the
link of a commune office). The same data (the bundled 13 communes) is served four ways in the same run:

- **naive**: ``benchmarks/naive_app.py``, the textbook streamlit-folium app (the baseline of the ratios);
- **direct**: ``streamlit run app.py`` on its own (bundles uncompressed, as Streamlit sends them);
- **nginx**: ``deploy/serve`` (nginx in front: gzip, precompressed bundles, immutable cache), over HTTP/1.1;
- **nginx+TLS**: the same with ``--tls`` (self-signed), where Chromium speaks HTTP/2 to nginx.

Per target, one fresh browser profile (empty cache): the first visit until the 13 polygons are drawn and
click-ready, the first click on a commune until its panel heading shows, then a repeat visit in the same
profile. Bytes are what the network layer reports: HTTP bytes as received (``encodedDataLength``: compressed,
headers included) plus websocket frame payloads (as delivered to the page; Streamlit negotiates
permessage-deflate, so the wire may carry less; DevTools throttling delays HTTP, not necessarily websocket
frames). The browser may only reach loopback (a dead proxy for everything else, not request interception,
which would switch the HTTP cache off). Printed: the figures of each target and its ratio to direct, measured in the same run.

``python -m benchmarks.bench_rural [--runs N] [--inventory]`` (``--inventory``: every response of the first visit
and first click by size, to find what a page pulls in) (skipped with ``--quick``: it takes minutes).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import shutil
import statistics
import time
from pathlib import Path

from benchmarks._common import CACHE, ROOT, bundle_env, human, machine, streamlit, synthetic_bundle

DOWN_BPS = 1_000_000 / 8
UP_BPS = 256_000 / 8
LATENCY_MS = 300
COMMUNE = "Thị trấn Tam Đường"  # the first polygon by GSO code (03390)
OFFLINE_ARGS = ["--proxy-server=127.0.0.1:9", "--proxy-bypass-list=127.0.0.1;localhost"]


class Meter:
    """Bytes received by one page, from DevTools network events."""

    def __init__(self, cdp) -> None:
        self.http = 0
        self.ws = 0
        self.requests = 0
        self.remote: list[str] = []
        self.urls: dict[str, str] = {}
        self.protocols: set[str] = set()
        self.items: list[tuple[str, int]] = []  # (url, bytes) of each finished HTTP response, in order
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)

    def _response(self, e) -> None:
        self.protocols.add(e["response"].get("protocol", "?"))

    def _finished(self, e) -> None:
        self.http += int(e.get("encodedDataLength", 0))
        self.requests += 1
        self.items.append((self.urls.get(e["requestId"], "?"), int(e.get("encodedDataLength", 0))))

    def _frame(self, e) -> None:
        r = e["response"]
        data = r.get("payloadData", "")
        self.ws += len(base64.b64decode(data)) if r.get("opcode") == 2 else len(data.encode())

    def _sent(self, e) -> None:
        url = e["request"]["url"]
        self.urls[e["requestId"]] = url
        from tests.helpers import is_loopback

        if not is_loopback(url):
            self.remote.append(url)

    def where(self, start: int, top: int = 6) -> str:
        """The kinds of HTTP response received since item ``start``, largest first: 'js 1.2 MB (40)'."""
        kinds: dict[str, list[int]] = {}
        for url, n in self.items[start:]:
            path = url.split("?")[0]
            kind = ("component" if "/component/" in path else "bundle js" if path.endswith(".js")
                    else "bundle css" if path.endswith(".css") else "font" if path.endswith((".woff2", ".ttf"))
                    else "page/api")
            kinds.setdefault(kind, []).append(n)
        parts = sorted(kinds.items(), key=lambda kv: -sum(kv[1]))[:top]
        return ", ".join(f"{k} {human(sum(v))} ({len(v)})" for k, v in parts)

    def total(self) -> int:
        return self.http + self.ws


#: Ready on a vector-tile map (10,000 communes): its commune tiles are drawn (there are no commune paths).
TILES_READY = """() => !!window.map && !!window.atlasCommunes
    && document.querySelectorAll('.leaflet-atlasCommunes-pane .leaflet-tile-loaded').length > 0"""


#: Seconds a first map may take before the target is reported as given up (the naive app at 10,000 communes
#: sends a 100 MB document: about 15 minutes at 1 Mbit/s).
GIVE_UP_S = 300


def _visit(page, url: str) -> None:
    from tests.helpers import MAP_FRAME, MAP_READY

    page.goto(url, timeout=GIVE_UP_S * 1000)
    page.wait_for_selector(MAP_FRAME, timeout=GIVE_UP_S * 1000)
    deadline = time.monotonic() + GIVE_UP_S
    while not any("streamlit_folium" in f.url for f in page.frames):
        if time.monotonic() > deadline:
            raise TimeoutError("no map frame")
        page.wait_for_timeout(50)
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    frame.wait_for_function(f"() => ({MAP_READY})() || ({TILES_READY})()", timeout=GIVE_UP_S * 1000, polling=50)


def _click_centre(page, communes) -> str:
    """Click the middle of the map; the name of the commune there (the heading to wait for)."""
    import shapely

    from tests.helpers import MAP_FRAME

    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    lat, lng, w, h = frame.evaluate("() => { const c = window.map.getCenter(), s = window.map.getSize();"
                                    " return [c.lat, c.lng, s.x, s.y]; }")
    hit = communes[communes.contains(shapely.Point(lng, lat))]
    page.locator(MAP_FRAME).evaluate("f => f.scrollIntoView({block: 'center'})")
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.click(box["x"] + w / 2, box["y"] + h / 2)
    return str(hit["name"].iloc[0])


def measure(pw, url: str, communes=None) -> dict:
    """First visit, first click and repeat visit of ``url`` in one fresh, throttled browser profile.

    The bundled district: the click is on the first commune polygon (Thị trấn Tam Đường). Synthetic
    ``communes`` (a GeoDataFrame): on the map's centre, since a tile map has no polygons to pick."""
    from tests.helpers import CHROMIUM, CHROMIUM_ARGS, MAP_FRAME, wait_app_idle

    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + OFFLINE_ARGS)
    try:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, ignore_https_errors=True)
        page = ctx.new_page()
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": LATENCY_MS,
                                                       "downloadThroughput": DOWN_BPS, "uploadThroughput": UP_BPS})
        m = Meter(cdp)
        out: dict = {}
        t0 = time.perf_counter()
        _visit(page, url)
        out["first_s"], out["first_b"], out["first_http"] = time.perf_counter() - t0, m.total(), m.http
        out["first_ws"], out["first_where"] = m.ws, m.where(0)
        # The click waits for the page's script run to end: a map redrawn by a later run (the naive app redraws
        # it on every run) would lose a click made on the one being replaced.
        wait_app_idle(page, timeout=300_000)
        b0, t0, i0, w0 = m.total(), time.perf_counter(), len(m.items), m.ws
        if communes is None:
            page.frame_locator(MAP_FRAME).locator("path.td-commune").nth(0).click(force=True)
            name = COMMUNE
        else:
            name = _click_centre(page, communes)
        page.get_by_role("heading", name=name).wait_for(timeout=300_000)
        out["click_s"], out["click_b"] = time.perf_counter() - t0, m.total() - b0
        out["click_where"] = f"{m.where(i0)}; websocket {human(m.ws - w0)}"
        out["inventory"] = {"first visit": (m.items[:i0], w0), "first click": (m.items[i0:], m.ws - w0)}
        b0, t0, i0, w0 = m.total(), time.perf_counter(), len(m.items), m.ws
        _visit(page, url)
        out["repeat_s"], out["repeat_b"] = time.perf_counter() - t0, m.total() - b0
        out["repeat_where"] = f"{m.where(i0)}; websocket {human(m.ws - w0)}"
        out["remote"] = list(m.remote)
        out["protocols"] = sorted(m.protocols)
        ctx.close()
        return out
    finally:
        browser.close()


def _inventory(name: str, inventory: dict) -> None:
    """Every HTTP response of a first visit and a first click, largest first (``--inventory``)."""
    for phase, (items, ws) in inventory.items():
        print(f"\n{name}, {phase}: {len(items)} responses, {human(sum(n for _, n in items))} HTTP + "
              f"{human(ws)} websocket")
        for url, n in sorted(items, key=lambda kv: -kv[1]):
            path = url.split("?")[0]
            print(f"  {human(n):>9}  {path.split('/', 3)[-1] if '://' in path else path}")


def _naive_script() -> Path:
    """A copy of ``naive_app.py`` beside a link to the app's ``static/`` (Streamlit serves the ``static``
    folder next to the main script; the naive app needs the vendored Leaflet from there)."""
    d = CACHE / "naive"
    d.mkdir(parents=True, exist_ok=True)
    link = d / "static"
    if link.is_symlink() and link.resolve() != (ROOT / "static").resolve():  # left by another checkout
        link.unlink()
    if not link.exists():
        link.symlink_to(ROOT / "static", target_is_directory=True)
    shutil.copyfile(ROOT / "benchmarks" / "naive_app.py", d / "naive_app.py")
    return d / "naive_app.py"


def _med(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_rural")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=1, help="fresh profiles per target (median reported)")
    ap.add_argument("--processes", type=int, default=2, help="app processes behind nginx")
    ap.add_argument("--communes", type=int, default=0,
                    help="synthetic communes instead of the bundled 13 (10000: the vector-tile map)")
    ap.add_argument("--targets", default="naive,direct,nginx,nginx+TLS",
                    help="comma-separated subset of naive,direct,nginx,nginx+TLS (naive is the baseline)")
    ap.add_argument("--inventory", action="store_true",
                    help="list every response of each target's last first visit and first click, by size")
    args, _ = ap.parse_known_args(argv)
    if args.quick:
        print("skipped in --quick (two servers and a throttled browser for several minutes)")
        return 0
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from tests.helpers import CHROMIUM, deployment

    print(machine())
    print(f"link: {DOWN_BPS * 8 / 1e6:g} Mbit/s down, {UP_BPS * 8 / 1e3:g} kbit/s up, {LATENCY_MS} ms latency; "
          f"{args.runs} fresh profile(s) per target, medians")
    communes = None
    bundle = None
    if args.communes:
        import geopandas as gpd

        bundle = synthetic_bundle(args.communes, 100)
        communes = gpd.read_file(bundle / "communes.geojson").to_crs(4326)
        print(f"data: {args.communes:,} synthetic communes ({bundle.name})")
    env = bundle_env(bundle)
    wanted = [t for t in args.targets.split(",") if t]
    # the naive copy lives outside the repository: it imports this checkout's geo, not an installed one
    naive_env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    results: dict[str, list[dict]] = {t: [] for t in wanted}
    gave_up: set[str] = set()
    with contextlib.ExitStack() as stack:
        urls: dict[str, str] = {}
        if "naive" in wanted:
            urls["naive"] = stack.enter_context(streamlit(naive_env, script=str(_naive_script())))[0]
        if "direct" in wanted:
            urls["direct"] = stack.enter_context(streamlit(env))[0]
        if "nginx" in wanted:
            urls["nginx"] = stack.enter_context(deployment(env=env, processes=args.processes)).url
        if "nginx+TLS" in wanted:
            urls["nginx+TLS"] = stack.enter_context(deployment(env=env, processes=args.processes, tls=True)).url
        pw = stack.enter_context(sync_playwright())
        for url in urls.values():  # one unthrottled visit each: the servers' first script run is done
            b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=OFFLINE_ARGS)
            try:
                _visit(b.new_context(ignore_https_errors=True).new_page(), url)
            finally:
                b.close()
        for _ in range(args.runs):  # alternate, so a change in machine load hits every target alike
            for name, url in urls.items():
                try:
                    results[name].append(measure(pw, url, communes))
                except (TimeoutError, PlaywrightTimeout):
                    gave_up.add(name)
    for name in gave_up:
        print(f"{name}: no map within {GIVE_UP_S} s on this link (given up; left out of the table and ratios)")
        results.pop(name, None)
    print("| target | first map s | first map bytes (HTTP) | first click s | click bytes | repeat visit s "
          "| repeat bytes |")
    print("|---|---|---|---|---|---|---|")
    for name, rows in results.items():
        print(f"| {name} | {_med(rows, 'first_s'):.1f} | {human(_med(rows, 'first_b'))} "
              f"({human(_med(rows, 'first_http'))}) | {_med(rows, 'click_s'):.1f} | {human(_med(rows, 'click_b'))} "
              f"| {_med(rows, 'repeat_s'):.1f} | {human(_med(rows, 'repeat_b'))} |")
    for base, names in (("naive", ("direct", "nginx", "nginx+TLS")), ("direct", ("nginx", "nginx+TLS"))):
        if base not in results:
            continue
        d = results[base]
        for name in (n for n in names if n in results):
            n = results[name]
            print(f"| {name} / {base} | " + " | ".join(
                f"{_med(n, k) / _med(d, k):.2f}×" for k in ("first_s", "first_b", "click_s", "click_b", "repeat_s",
                                                            "repeat_b")) + " |")
    for name, rows in results.items():
        r = rows[-1]
        print(f"protocols ({name}): {', '.join(r['protocols'])}")
        print(f"where the bytes go ({name}, last run): first visit: {r['first_where']}; websocket "
              f"{human(r['first_ws'])} · first click: {r['click_where']} · repeat: {r['repeat_where']}")
    if args.inventory:
        for name, rows in results.items():
            _inventory(name, rows[-1]["inventory"])
    remote = [u for rows in results.values() for r in rows for u in r["remote"]]
    print(f"remote requests attempted: {len(remote)}")
    print("targets (issue 20, through the deployment): first map ≤ 8 s (10,000 communes: ≤ 15 s), first click ≤ 1.5 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
