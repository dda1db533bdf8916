"""Print-map renderer vs the usual alternative: a headless-Chromium screenshot of the equivalent folium map.

Same content (13 commune polygons in the same class colours, name and value labels, title, legend) and the
same pixel size (A4 landscape at ``--dpi``, default 150). Both sides start from the same precomputed
indicator table; timings are medians over ``--runs`` runs in this one process.

* matplotlib: :func:`geo.output.maps.render.render_map` + :func:`geo.output.maps.render.save_map` to PNG in memory.
* browser: build the folium map, save it as HTML, load it in an already-running headless Chromium
  (``/usr/bin/chromium``, offline flags of ``tests/helpers.py``), wait for the 13 polygons, screenshot to PNG.
  The browser launch is timed separately (once) and *not* included, which favours the browser.

Offline: folium's default scripts point at CDNs. Leaflet is taken from the npm package instead
(``npm pack leaflet@1.9.4`` into a temp dir, reused between runs; or ``$LEAFLET_DIST`` pointing at a
``dist/`` folder), folium's ``default_js``/``default_css`` are set to those ``file://`` paths only, and every
non-``file:`` request is aborted (and counted; the run fails if any is attempted).

**Deck case** (issue 17): build a 10-opportunity pitch pack for JICA (every workflow step, so ten projects
fit), draw its maps at ``--dpi`` (each once), lay out the deck and its ten one-pagers, and render the deck to PDF
with LibreOffice (``soffice --headless``, as a user opening it would); reported in seconds per slide, target
≤ 1 s per slide. ``--deck`` runs only this case.

Run: ``python -m benchmarks.bench_render [--quick] [--dpi 300] [--runs 9] [--deck]``.
"""

from __future__ import annotations

import argparse
import html
import io
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from geo.analysis.classify import classify
from geo.analysis.indicators import INDICATORS, commune_indicators, with_geometry
from geo.output.maps import render
from geo.storage.store import default_store

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
LEAFLET_VERSION = "1.9.4"


def leaflet_dist() -> Path:
    """A local ``dist/`` of the leaflet npm package (``npm pack`` once into a temp dir)."""
    if os.environ.get("LEAFLET_DIST"):
        return Path(os.environ["LEAFLET_DIST"])
    for vendored in (ROOT / "static" / "leaflet", ROOT / "node_modules" / "leaflet" / "dist"):
        if (vendored / "leaflet.js").exists():
            return vendored
    cache = Path(tempfile.gettempdir()) / "atlas-bench-leaflet"
    dist = cache / "package" / "dist"
    if not (dist / "leaflet.js").exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", f"leaflet@{LEAFLET_VERSION}"], cwd=cache, check=True, capture_output=True)
        subprocess.run(["tar", "xzf", f"leaflet-{LEAFLET_VERSION}.tgz"], cwd=cache, check=True)
    return dist


def folium_html(ds, table, key: str, lang: str, width: int, height: int, dist: Path) -> str:
    """The equivalent folium page: same polygons, colours, labels, title and legend."""
    import folium

    communes = with_geometry(ds, table)  # EPSG:4326 for Leaflet
    c = classify(communes[key].to_numpy(dtype="float64"), "quantiles", palette=render.palette_for(key))
    colors = {code: c.color_of(v) for code, v in zip(communes["code"], communes[key].to_numpy(dtype="float64"))}
    m = folium.Map(tiles=None, width=width, height=height, zoom_control=False, attribution_control=False)
    m.default_js = [("leaflet", (dist / "leaflet.js").as_uri())]
    m.default_css = [("leaflet_css", (dist / "leaflet.css").as_uri())]
    folium.GeoJson(
        communes[["code", "name", "geometry"]].to_json(),
        style_function=lambda f: {"fillColor": colors[f["properties"]["code"]], "color": "#555555",
                                  "weight": 1, "fillOpacity": 1},
    ).add_to(m)
    for _, row in communes.iterrows():
        p = row.geometry.representative_point()
        label = (f"<div style='font:11px DejaVu Sans;text-align:center;white-space:nowrap;"
                 f"transform:translate(-50%,-50%);text-shadow:0 0 3px #fff'>{html.escape(row['name'])}<br>"
                 f"<small>{html.escape(render.format_value(key, row[key], lang))}</small></div>")
        folium.Marker([p.y, p.x], icon=folium.DivIcon(html=label, icon_size=(0, 0))).add_to(m)
    title, labels = render.legend_labels(c, key, lang)
    rows = "".join(f"<div><span style='display:inline-block;width:18px;height:12px;background:{col};"
                   f"border:1px solid #555;margin-right:6px'></span>{html.escape(lb)}</div>"
                   for col, lb in zip(c.colors, labels))
    overlay = (f"<div style='position:fixed;top:12px;left:16px;z-index:1000;font:bold 24px DejaVu Sans'>"
               f"{html.escape(INDICATORS[key].label(lang))}</div>"
               f"<div style='position:fixed;top:60px;right:16px;z-index:1000;background:#fff;padding:8px;"
               f"font:12px DejaVu Sans'><b>{html.escape(title)}</b>{rows}</div>"
               f"<div style='position:fixed;bottom:8px;left:16px;z-index:1000;font:9px DejaVu Sans'>"
               f"{html.escape(' · '.join(ds.provenance_lines(lang, ('communes', 'projects', 'funding'))))}</div>")
    m.get_root().html.add_child(folium.Element(overlay))
    b = communes.total_bounds
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    return m.get_root().render()


def time_matplotlib(ds, table, key, lang, dpi) -> tuple[float, tuple[int, int]]:
    t0 = time.perf_counter()
    fig = render.render_map(ds, key, lang=lang, table=table)
    buf = io.BytesIO()
    render.save_map(fig, buf, "png", dpi)
    elapsed = time.perf_counter() - t0
    from PIL import Image

    return elapsed, Image.open(io.BytesIO(buf.getvalue())).size


DECK_OPPORTUNITIES = 10


def time_deck(ds, lang: str, dpi: int) -> dict[str, float]:
    """Seconds for each step of building and rendering a 10-opportunity deck and its one-pagers."""
    import shutil

    from geo.ingest import donors
    from geo.output.pitch import build, deck, onepager
    from geo.output.pitch import pack as pitch

    jica = donors.by_id(donors.profiles_from_frame(donors.bundled_frame()))["jica"]
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    pack = pitch.build_pack(ds, pitch.Target("donor", donor=jica), lang=lang, top=DECK_OPPORTUNITIES, stages=())
    out["pack"] = time.perf_counter() - t0
    render_map = build.map_renderer(ds, pack.filters, lang, dpi)
    t0 = time.perf_counter()
    for spec in [pack.context_map, pack.gap_map, *[o.map for o in pack.opportunities]]:
        render_map(spec)
    out["maps"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    pptx = deck.build_deck(pack, render_map)
    out["deck"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    pdfs = [onepager.build_onepager(pack, o, render_map(o.map)) for o in pack.opportunities]
    out["onepagers"] = time.perf_counter() - t0
    out["slides"] = float(deck.slide_count(pack))
    out["opportunities"] = float(len(pack.opportunities))
    out["onepager_pages"] = float(sum(len(__import__("pypdf").PdfReader(io.BytesIO(p)).pages) for p in pdfs))
    soffice = shutil.which("soffice")
    if soffice:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "deck.pptx"
            path.write_bytes(pptx)
            t0 = time.perf_counter()
            subprocess.run([soffice, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless",
                            "--convert-to", "pdf", "--outdir", tmp, str(path)], check=True, capture_output=True)
            out["pdf"] = time.perf_counter() - t0
    return out


def deck_case(ds, lang: str, dpi: int) -> int:
    r = time_deck(ds, lang, dpi)
    build_s = r["pack"] + r["maps"] + r["deck"] + r["onepagers"]
    total = build_s + r.get("pdf", 0.0)
    per_slide = total / r["slides"]
    print(f"deck: {int(r['opportunities'])} opportunities, {int(r['slides'])} slides, {int(r['opportunities'])} "
          f"one-pagers ({int(r['onepager_pages'])} pages), maps at {dpi} dpi, {lang}")
    print(f"  pack {r['pack']:.2f} s · maps {r['maps']:.2f} s · deck layout {r['deck']:.2f} s · one-pagers "
          f"{r['onepagers']:.2f} s · LibreOffice PDF {r['pdf']:.2f} s" if "pdf" in r else "  (no soffice: PDF not timed)")
    print(f"  total {total:.2f} s = {per_slide:.2f} s per slide ({'meets' if per_slide <= 1 else 'ABOVE'} the "
          f"1 s/slide target); build only {build_s / r['slides']:.2f} s per slide")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_render", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 runs instead of --runs")
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--lang", default="en")
    ap.add_argument("--save", metavar="DIR", help="also write both PNGs there, to compare them by eye")
    ap.add_argument("--deck", action="store_true", help="only the deck case (10 opportunities, seconds per slide)")
    args = ap.parse_args(argv)
    if args.deck:
        return deck_case(default_store().load(), args.lang, args.dpi)
    runs = 3 if args.quick else args.runs
    from playwright.sync_api import sync_playwright

    from tests.helpers import CHROMIUM_ARGS

    ds = default_store().load()
    table = commune_indicators(ds)
    key = "gap"
    w_in, h_in = render.paper_size("A4", "landscape")
    scale = args.dpi / 96  # CSS pixels are 1/96 inch
    css_w, css_h = round(w_in * 96), round(h_in * 96)
    dist = leaflet_dist()
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "about:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    mpl_times, browser_times = [], []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        t0 = time.perf_counter()
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=[*CHROMIUM_ARGS, "--allow-file-access-from-files"])
        launch = time.perf_counter() - t0
        context = browser.new_context(viewport={"width": css_w, "height": css_h}, device_scale_factor=scale)
        context.route("**/*", route)
        time_matplotlib(ds, table, key, args.lang, args.dpi)  # warm caches (fonts, pyproj) on both sides
        shot_size = None
        for i in range(runs + 1):
            mpl_t, mpl_size = time_matplotlib(ds, table, key, args.lang, args.dpi)
            t0 = time.perf_counter()
            page_html = folium_html(ds, table, key, args.lang, css_w, css_h, dist)
            path = Path(tmp) / f"map{i}.html"
            path.write_text(page_html, encoding="utf-8")
            page = context.new_page()
            page.goto(path.as_uri())
            page.wait_for_function("document.querySelectorAll('path.leaflet-interactive').length >= 13")
            shot = page.screenshot(type="png")
            page.close()
            br_t = time.perf_counter() - t0
            if i == 0:
                continue  # the browser's first page warms its caches
            from PIL import Image

            shot_size = Image.open(io.BytesIO(shot)).size
            if args.save and i == 1:
                Path(args.save).mkdir(parents=True, exist_ok=True)
                (Path(args.save) / "browser.png").write_bytes(shot)
                fig = render.render_map(ds, key, lang=args.lang, table=table)
                render.save_map(fig, Path(args.save) / "matplotlib.png", "png", args.dpi)
            mpl_times.append(mpl_t)
            browser_times.append(br_t)
        browser.close()
    if blocked:
        print(f"error: the folium page tried to reach the network: {blocked[:3]}", file=sys.stderr)
        return 1
    mpl_med, br_med = statistics.median(mpl_times), statistics.median(browser_times)
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"content: '{key}' choropleth of {len(ds.communes)} communes, A4 landscape at {args.dpi} dpi; "
          f"{runs} runs each")
    print(f"matplotlib PNG {mpl_size[0]}×{mpl_size[1]}: median {mpl_med:.3f} s  "
          f"(min {min(mpl_times):.3f}, max {max(mpl_times):.3f})")
    print(f"browser    PNG {shot_size[0]}×{shot_size[1]}: median {br_med:.3f} s  "
          f"(min {min(browser_times):.3f}, max {max(browser_times):.3f}); browser launch {launch:.3f} s not included")
    ratio = br_med / mpl_med
    print(f"ratio browser/matplotlib (medians): {ratio:.2f}× ({'meets' if ratio >= 2 else 'BELOW'} the 2× target); "
          f"fastest runs: {min(browser_times) / min(mpl_times):.2f}×; "
          f"with the browser launch: {(br_med + launch) / mpl_med:.2f}×")
    return deck_case(ds, args.lang, args.dpi)


if __name__ == "__main__":
    sys.exit(main())
