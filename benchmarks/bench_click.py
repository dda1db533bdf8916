"""Server time of a click-to-details rerun of the map page, with and without the caches, at 13 and 10k communes.

Method: Streamlit's ``AppTest`` runs the real ``app.py`` → map page in this process (the same script run a
browser triggers; no network or browser rendering). After a first load, each "click" sets the commune
(``map_commune``, what a click on the map sets) and reruns; the median of the reruns is reported.
*Cached*: as in production. *Uncached*: ``st.cache_data``/``st.cache_resource`` cleared before each rerun, so
the dataset, indicators, display geometry and map are rebuilt (the baseline). The st_folium arguments (the map
HTML/JS) are hashed on every rerun: an unchanged hash means Streamlit's message cache sends only a reference
and the browser keeps its map, i.e. the geometry is not re-sent on a click. ``--quick``: 13 communes only.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import time
from pathlib import Path

from benchmarks._common import ROOT, bundle_env, human, synthetic_bundle


def _component(at):
    (c,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    return c.proto.json_args


def _run_case(label: str, bundle: Path | None, clicks: int) -> dict:
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    env = bundle_env(bundle)
    old = {k: os.environ.get(k) for k in ("ATLAS_DATA_DIR", "ATLAS_BUNDLE_DIR")}
    os.environ.pop("ATLAS_BUNDLE_DIR", None)
    os.environ.update(env)
    original = PagesManager.__init__

    def init(self, *a, **kw):  # a running server leaves the legacy pages/ mode once (see tests/conftest.py)
        original(self, *a, **kw)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    try:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.session_state["lang"] = "en"
        at.switch_page("pages/map.py")
        t0 = time.perf_counter()
        at.run()
        first = time.perf_counter() - t0
        assert not at.exception, at.exception
        base = _component(at)
        from geo.storage.store import default_store

        codes = default_store().load().communes["code"].tolist()
        codes = codes[:: max(1, len(codes) // clicks)][:clicks]
        cached, uncached, same = [], [], True
        for code in codes:
            for clear in (False, True):
                if clear:
                    st.cache_data.clear()
                    st.cache_resource.clear()
                t0 = time.perf_counter()
                at.selectbox(key="map_commune").set_value(code).run()
                dt = time.perf_counter() - t0
                assert not at.exception, at.exception
                (uncached if clear else cached).append(dt)
                same &= _component(at) == base
        return {"label": label, "first": first, "cached": statistics.median(cached), "uncached": statistics.median(uncached),
                "same": same, "args": len(base), "hash": hashlib.sha1(base.encode()).hexdigest()[:10],
                "n": len(cached)}
    finally:
        PagesManager.__init__ = original
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_click")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--clicks", type=int, default=5)
    args, _ = ap.parse_known_args(argv)
    cases = [("13 (Tam Đường)", None)]
    if not args.quick:
        cases.append(("10k synthetic (20k projects)", synthetic_bundle(10_000, 20_000)))
    print("| communes | first load s | click rerun, cached s (median) | click rerun, caches cleared s | uncached/cached "
          "| map args (sent once) | map args unchanged on clicks |")
    print("|---|---|---|---|---|---|---|")
    status = 0
    for label, bundle in cases:
        r = _run_case(label, bundle, max(2, args.clicks // (3 if bundle else 1)))
        status |= 0 if r["same"] else 1
        print(f"| {r['label']} | {r['first']:.2f} | {r['cached']:.3f} | {r['uncached']:.2f} | "
              f"{r['uncached'] / r['cached']:.1f}× | {human(r['args'])} (sha1 {r['hash']}) | "
              f"{'yes' if r['same'] else 'NO'} ({r['n']} clicks) |", flush=True)
    print("target: cached click rerun ≤ 0.5 s at 13 communes; map arguments byte-identical across clicks")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
