"""The two stores in one run, GeoPackage file vs PostGIS server: load a Dataset, save 100 project edits, and sum
funding by commune.

Same run, same data: synthetic communes (``geo/synthetic.py``, seed 0) seed a new GeoPackage file and a new
database on a throwaway PostgreSQL + PostGIS cluster (started as ``tests/pg_cluster.py`` does, removed at the end);
then both stores' ``projects`` / ``funding`` tables are filled with the same synthetic projects (~2 funding lines
each; bulk ``executemany`` / ``COPY``, not timed) at each size.

* baseline: the in-memory path, ``geo.analysis.funding.totals_by_commune`` on the frames of a loaded ``Dataset``
  (the load itself is timed separately; the app pays it once per data version);
* ``store.funding_totals_by_commune()``: the same sums in one SQL query, in each store (result checked equal);
* ``store.load()``: the whole ``Dataset`` (one run);
* 100 ``store.update_project`` calls on distinct projects (each validated, checked against its revision, audited,
  one transaction): edits per second; baseline: 100 bare-SQL edits of other projects on one open connection
  (revision read, then one transaction: revision-checked UPDATE, audit row, data version), so the ratio says
  what the store adds whatever else the machine is doing.

Medians of ``--runs`` runs (aggregations). Full: 10k communes × 100k and 1M funding lines; ``--quick``: 1k
communes × 10k and 100k. Without PostgreSQL + PostGIS installed, only the GeoPackage rows are printed.
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks._common import synthetic_bundle, timed
from geo import synthetic
from geo.analysis import funding
from geo.ingest.records import LINE_COLUMNS
from geo.model import schema
from geo.storage.gpkg_store import GpkgStore
from geo.storage.interface import Store

EDITS = 100
PROJECT_COLUMNS = list(schema.ALL_PROJECT_COLUMNS)


def _fill_gpkg(path: Path, projects: pd.DataFrame, lines: pd.DataFrame) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("DELETE FROM funding")
        con.execute("DELETE FROM projects")
        con.executemany(f"INSERT INTO projects ({', '.join(PROJECT_COLUMNS)}, revision) "
                        f"VALUES ({', '.join('?' * (len(PROJECT_COLUMNS) + 1))})",
                        projects[PROJECT_COLUMNS].assign(revision=1).itertuples(index=False, name=None))
        con.executemany(f"INSERT INTO funding (project_id, {', '.join(LINE_COLUMNS)}) "
                        f"VALUES (?{',?' * len(LINE_COLUMNS)})",
                        lines[["project_id", *LINE_COLUMNS]].itertuples(index=False, name=None))
        con.execute("UPDATE atlas_meta SET value = CAST(value AS INTEGER) + 1 WHERE key='data_version'")
        con.execute("COMMIT")
        con.execute("ANALYZE")
    finally:
        con.close()


def _fill_postgis(url: str, projects: pd.DataFrame, lines: pd.DataFrame) -> None:
    import psycopg

    def copy(cur, table: str, frame: pd.DataFrame) -> None:
        buf = io.StringIO()  # strings quoted, so "" stays an empty string and only NaN becomes NULL
        frame.to_csv(buf, index=False, header=False, quoting=csv.QUOTE_NONNUMERIC)
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        with cur.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as cp:
            cp.write(buf.getvalue())

    with psycopg.connect(url) as con, con.cursor() as cur:
        cur.execute("TRUNCATE funding, projects")
        copy(cur, "projects", projects[PROJECT_COLUMNS].assign(revision=1))
        copy(cur, "funding", lines[["project_id", *LINE_COLUMNS]])
        cur.execute("UPDATE atlas_meta SET value = (value::bigint + 1)::text WHERE key='data_version'")
        con.commit()
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("VACUUM ANALYZE projects")
        con.execute("VACUUM ANALYZE funding")


def _edits(store: Store, ids: list[str]) -> float:
    """Edits per second over ``ids`` (each read, changed and saved against the revision read)."""
    t0 = time.perf_counter()
    for i, pid in enumerate(ids):
        rec = store.get_project(pid)
        assert rec is not None
        store.update_project(pid, dict(rec.project, donor=f"bench-{i}"), rec.funding, rec.revision, "bench",
                             allow_overcommit=True)  # synthetic lines commit up to 110 % of need
    return len(ids) / (time.perf_counter() - t0)


_BARE_EDIT = [  # the least an audited, revision-checked edit writes: the row, its audit row, the data version
    "UPDATE projects SET donor = {p}, revision = revision + 1 WHERE project_id = {p} AND revision = {p}",
    "INSERT INTO atlas_audit (ts, {user}, action, project_id, revision, before, after, note) "
    "VALUES ('2026-12-04T00:00:00Z', 'bench', 'update', {p}, {p}, '{{}}', '{{}}', 'bare SQL')",
    "UPDATE atlas_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'data_version'",
]


def _bare_edits(con, placeholder: str, user: str, ids: list[str]) -> float:
    """Baseline: edits per second of the same kind of edit in bare SQL on one open connection (no validation, no
    permission check, no read-back): each reads the revision, then one transaction writes ``_BARE_EDIT``."""
    update, audit, bump = (q.format(p=placeholder, user=user) for q in _BARE_EDIT)
    t0 = time.perf_counter()
    for i, pid in enumerate(ids):
        rev = con.execute(f"SELECT revision FROM projects WHERE project_id = {placeholder}", (pid,)).fetchone()[0]
        con.execute("BEGIN IMMEDIATE" if placeholder == "?" else "BEGIN")
        n = con.execute(update, (f"bare-{i}", pid, rev)).rowcount
        assert n == 1
        con.execute(audit, (pid, rev + 1))
        con.execute(bump)
        con.execute("COMMIT")
    return len(ids) / (time.perf_counter() - t0)


def _bare_gpkg(path: Path, ids: list[str]) -> float:
    con = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        con.execute("PRAGMA synchronous=FULL")  # as the store writes
        return _bare_edits(con, "?", "user", ids)
    finally:
        con.close()


def _bare_postgis(url: str, ids: list[str]) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        return _bare_edits(con, "%s", '"user"', ids)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_store")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    args, _ = ap.parse_known_args(argv)
    n_communes, sizes = (1_000, [10_000, 100_000]) if args.quick else (10_000, [100_000, 1_000_000])
    from tests import pg_cluster

    bundle = synthetic_bundle(n_communes, 100)
    communes = synthetic.coverage(n_communes, seed=0)
    tmp = Path(tempfile.mkdtemp(prefix="atlas-bench-store-"))
    stores: dict[str, Store] = {"GeoPackage": GpkgStore(tmp / "atlas.gpkg", seed_dir=bundle)}
    fill = {"GeoPackage": lambda p, f: _fill_gpkg(tmp / "atlas.gpkg", p, f)}
    bare = {"GeoPackage": lambda ids: _bare_gpkg(tmp / "atlas.gpkg", ids)}
    cluster = None
    status = 0
    try:
        stores["GeoPackage"].version()  # seeds the file
        if pg_cluster.server_bin() is not None:
            from geo.storage.postgis_store import PostgisStore

            cluster = pg_cluster.start_cluster(template=False)
            cluster.sql("CREATE DATABASE bench")
            url = cluster.url("bench")
            stores["PostGIS"] = PostgisStore(url, seed_dir=bundle).open()
            fill["PostGIS"] = lambda p, f: _fill_postgis(url, p, f)
            bare["PostGIS"] = lambda ids: _bare_postgis(url, ids)
        else:
            print("PostgreSQL + PostGIS not installed: GeoPackage only")
        print(f"{n_communes:,} communes; aggregation: median of {args.runs} runs; load: one run; {EDITS} edits")
        print("| funding lines | store | load s | in-memory sum s (baseline) | SQL sum s | SQL / in-memory "
              "| SQL vs GeoPackage SQL | edits/s | bare-SQL edits/s (baseline) | edits / bare SQL |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        first: dict[str, float] = {}
        growth: list[str] = []
        for n_lines in sizes:
            p, f = synthetic.projects(communes, n_lines // 2, seed=1)
            p = p.assign(**schema.PROJECT_DEFAULTS)  # every stored column: unit_version 2021, no English description
            sql_gpkg = None
            for name, store in stores.items():
                fill[name](p, f)
                t_load, ds = timed(store.load, 1)
                t_mem, expected = timed(lambda ds=ds: funding.totals_by_commune(ds.projects, ds.funding), args.runs)
                t_sql, got = timed(lambda store=store: store.funding_totals_by_commune(), args.runs)
                same = isinstance(got, pd.DataFrame) and isinstance(expected, pd.DataFrame) and got.equals(expected)
                status |= 0 if same else 1
                rate = _edits(store, list(p["project_id"].iloc[:EDITS]))
                base = bare[name](list(p["project_id"].iloc[EDITS:2 * EDITS]))
                sql_gpkg = t_sql if name == "GeoPackage" else sql_gpkg
                vs = f"{t_sql / sql_gpkg:.2f}×" if name != "GeoPackage" and sql_gpkg else "—"
                print(f"| {len(f):,} | {name} | {t_load:.2f} | {t_mem:.3f} | {t_sql:.3f} | {t_sql / t_mem:.2f}× | {vs} "
                      f"| {rate:.0f} | {base:.0f} | {rate / base:.2f}× |"
                      + ("" if same else " (SUMS DIFFER from the in-memory path)"), flush=True)
                del ds
                if name in first:
                    growth.append(f"{name}: SQL sum {t_sql / first[name]:.1f}× for {n_lines / sizes[0]:.0f}× data")
                else:
                    first[name] = t_sql
        for line in growth:
            print(line)
        print("target: PostGIS SQL sum ≤ 1× the in-memory path at the largest size; edits ≥ 50/s")
    finally:
        if cluster is not None:
            from geo.storage import postgis_store

            postgis_store.dispose(cluster.url("bench"))
            pg_cluster.remove(cluster)
        shutil.rmtree(tmp, ignore_errors=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
