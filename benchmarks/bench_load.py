"""Load run: 10 concurrent headless-browser sessions clicking communes and switching indicators for 60 s.

One ``streamlit run app.py`` server (13 communes, the bundled district) and one headless Chromium that may
only reach loopback, with ``--sessions`` isolated browser contexts (separate Streamlit sessions) driven
concurrently (Playwright async). Each session loops until ``--seconds`` have passed (bounded: it stops by
itself): two clicks at random places on the map, then a switch to another indicator. Per action the time from
the click/choice to the end of the rerun it triggered is measured in the page (a MutationObserver records when
the app's script state goes running → notRunning): server run + transport + render, as a user feels it. Errors:
any exception shown by the app, a rerun that never ends within 60 s, a page error or a request off loopback.
Baseline in the same run: one session alone for ``--seconds / 4``. Skipped with ``--quick``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time

from benchmarks._common import bundle_env, streamlit

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
OBSERVE = """() => {
  if (window.__runs) return;
  window.__runs = [];
  const app = document.querySelector('[data-testid="stApp"]');
  let cur = null;
  new MutationObserver(() => {
    const s = app.getAttribute('data-test-script-state');
    if (s === 'running' && !cur) { cur = {start: performance.now(), end: null}; window.__runs.push(cur); }
    if (s !== 'running' && cur) { cur.end = performance.now(); cur = null; }
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


async def _idle(page, timeout=120_000):
    await page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)


async def _action_time(page, act) -> float | None:
    """Seconds from the action to the end of the rerun it started; None if it started none within 10 s."""
    t0 = await page.evaluate("performance.now()")
    await act()
    try:
        await page.wait_for_function("t0 => window.__runs.some(r => r.start >= t0 - 5)", arg=t0, timeout=10_000)
    except Exception:
        return None
    await page.wait_for_function("t0 => window.__runs.some(r => r.start >= t0 - 5 && r.end !== null)", arg=t0,
                                 timeout=60_000)
    end = await page.evaluate("t0 => window.__runs.filter(r => r.start >= t0 - 5 && r.end !== null).pop().end", t0)
    return (end - t0) / 1000


async def session(browser, url: str, seconds: float, seed: int, out: dict) -> None:
    from tests.helpers import is_loopback

    rng = random.Random(seed)
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
    blocked: list[str] = []

    async def route(r):
        if is_loopback(r.request.url):
            await r.continue_()
        else:
            blocked.append(r.request.url)
            await r.abort()

    await ctx.route("**/*", route)
    page = await ctx.new_page()
    page.on("pageerror", lambda e: out["errors"].append(f"pageerror: {e}"))
    try:
        await page.goto(url + "/map")
        await _idle(page)
        await page.wait_for_selector(MAP_FRAME, timeout=120_000)
        frame = next(f for f in page.frames if "streamlit_folium" in f.url)
        await frame.wait_for_function("() => document.querySelectorAll('path.td-commune').length > 0", timeout=120_000)
        await page.evaluate(OBSERVE)
        box = await page.locator(MAP_FRAME).bounding_box()
        deadline = time.monotonic() + seconds
        i = 0
        while time.monotonic() < deadline:
            i += 1
            if i % 3:
                x = box["x"] + box["width"] * rng.uniform(0.3, 0.7)
                y = box["y"] + box["height"] * rng.uniform(0.3, 0.7)
                kind, act = "click", (lambda x=x, y=y: page.mouse.click(x, y))
            else:
                async def act():
                    await page.locator('[data-testid="stSelectbox"]').first.click()
                    options = page.locator('[role="option"]')
                    await options.first.wait_for(timeout=10_000)
                    n = await options.count()
                    await options.nth(rng.randrange(n)).click()
                kind = "indicator"
            try:
                dt = await _action_time(page, act)
            except Exception as e:  # a rerun that never ended, a widget that never answered
                out["errors"].append(f"{kind}: {type(e).__name__}: {str(e).splitlines()[0][:120]}")
                continue
            if dt is None:
                out["no_rerun"] += 1
            else:
                out["times"].append(dt)
                out["by_kind"].setdefault(kind, []).append(dt)
            exc = page.locator('[data-testid="stException"]')
            if await exc.count():
                text = " ".join((await exc.first.inner_text()).split())[:300]
                out["errors"].append(f"the app showed an exception after a {kind}: {text}")
                break
    except Exception as e:
        out["errors"].append(f"session setup: {type(e).__name__}: {str(e).splitlines()[0][:120]}")
    finally:
        out["blocked"] += blocked
        await ctx.close()


async def run(url: str, sessions: int, seconds: float) -> dict:
    from playwright.async_api import async_playwright

    from tests.helpers import CHROMIUM, CHROMIUM_ARGS

    out = {"times": [], "by_kind": {}, "errors": [], "no_rerun": 0, "blocked": []}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(*(session(browser, url, seconds, 100 + i, out) for i in range(sessions)))
        finally:
            await browser.close()
    return out


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_load")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60)
    args, _ = ap.parse_known_args(argv)
    if args.quick:
        print("skipped in --quick (starts a server and 10 browser sessions for a minute)")
        return 0
    status = 0
    with streamlit(bundle_env(None)) as (url, _pid):
        print("| sessions | seconds | reruns measured | median s | p95 s | max s | clicks p95 s | indicator p95 s "
              "| actions without rerun | errors | remote requests |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for n, secs in ((1, args.seconds / 4), (args.sessions, args.seconds)):
            r = asyncio.run(run(url, n, secs))
            status |= 1 if (r["errors"] or r["blocked"]) else 0
            t = r["times"]
            print(f"| {n} | {secs:.0f} | {len(t)} | {statistics.median(t) if t else float('nan'):.2f} | {_p(t, 95):.2f} | "
                  f"{max(t) if t else float('nan'):.2f} | {_p(r['by_kind'].get('click', []), 95):.2f} | "
                  f"{_p(r['by_kind'].get('indicator', []), 95):.2f} | {r['no_rerun']} | {len(r['errors'])} | "
                  f"{len(r['blocked'])} |", flush=True)
            for e in r["errors"][:5]:
                print(f"  error: {e}")
    print("target: 0 errors; p95 time per rerun reported (client-measured: click → rerun finished)")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
