"""Peak memory (RSS) of the app process serving the map page, at 13 communes and at 10k communes.

Method: ``streamlit run app.py`` (the real server) with ``ATLAS_BUNDLE_DIR`` pointing at the data folder (the
bundled district, or a synthetic 10k-commune bundle with 20k projects, through the config seam) and a store
seeded beforehand; headless Chromium (loopback only) opens the map page and waits until the communes are drawn;
then ``VmHWM`` (peak RSS) and ``VmRSS`` of the server process are read from ``/proc/<pid>/status``. Baseline in
the same run: the idle server's RSS right after start. Skipped with ``--quick`` (needs a browser).
"""

from __future__ import annotations

import argparse
import time

from benchmarks._common import bundle_env, mib, streamlit, synthetic_bundle, vm_status

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def measure(bundle, label: str) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.helpers import CHROMIUM, CHROMIUM_ARGS, OfflineBrowser, wait_app_idle

    with streamlit(bundle_env(bundle)) as (url, pid):
        idle = vm_status(pid)
        t0 = time.perf_counter()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            b = OfflineBrowser(browser)
            try:
                b.page.goto(url + "/map")
                wait_app_idle(b.page, timeout=600_000)
                b.page.locator(MAP_FRAME).wait_for(timeout=600_000)
                frame = next(f for f in b.page.frames if "streamlit_folium" in f.url)
                frame.wait_for_function("() => document.querySelectorAll('path.td-commune').length > 0",
                                        timeout=600_000)
                drawn = frame.evaluate("() => document.querySelectorAll('path.td-commune').length")
                blocked = list(b.blocked)
            finally:
                b.close()
                browser.close()
        ready = time.perf_counter() - t0
        after = vm_status(pid)
    return {"label": label, "idle": idle["VmRSS"], "hwm": after["VmHWM"], "rss": after["VmRSS"], "ready": ready,
            "drawn": drawn, "blocked": blocked}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_memory")
    ap.add_argument("--quick", action="store_true")
    args, _ = ap.parse_known_args(argv)
    if args.quick:
        print("skipped in --quick (starts servers and a browser)")
        return 0
    print("| communes | idle server RSS | peak RSS (VmHWM) after map page | RSS after | peak / idle | page ready s "
          "| polygons drawn | remote requests |")
    print("|---|---|---|---|---|---|---|---|")
    status = 0
    for bundle, label in ((None, "13 (Tam Đường)"), (synthetic_bundle(10_000, 20_000), "10k synthetic")):
        r = measure(bundle, label)
        status |= 1 if r["blocked"] else 0
        print(f"| {r['label']} | {mib(r['idle'])} | {mib(r['hwm'])} | {mib(r['rss'])} | {r['hwm'] / r['idle']:.1f}× | "
              f"{r['ready']:.1f} | {r['drawn']:,} | {len(r['blocked'])} |", flush=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
