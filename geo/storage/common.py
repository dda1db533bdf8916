"""What every store does the same way: column kinds and cell values for SQL, the check before a write, and the
funding totals by commune as one SQL query (:func:`funding_totals_sql`).

Shared by the GeoPackage writer (:mod:`geo.storage.gpkg`), :mod:`geo.storage.gpkg_store` and
:mod:`geo.storage.postgis_store`, so both stores refuse the same records and store the same values.

>>> import pandas as pd
>>> column_kind(pd.Series([1, 2]).dtype), column_kind(pd.Series(["a"]).dtype), plain_value(float("nan"))
('int', 'str', None)
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from geo.ingest.atlas_toml import parse_config
from geo.ingest.records import clean_lines, clean_project, clean_value, validate_records
from geo.ingest.validate import DataError
from geo.model import schema
from geo.model.config import DEFAULT as DEFAULT_CONFIG
from geo.model.config import AtlasConfig
from geo.model.filters import Filters

Record = tuple[dict, list[dict]]


def column_kind(dtype: object) -> str:
    """``bool``, ``int32``, ``int``, ``float`` or ``str``: the SQL column type a frame column needs."""
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int32" if str(dtype).lower() == "int32" else "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    return "str"


def plain_value(value: object) -> object:
    """A cell as a database driver takes it: None for every kind of missing, Python scalars for NumPy ones."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def checked_records(records: list[Record], commune_codes: list[str], unit_codes_2025: list[str],
                    allow_overcommit: bool, config: AtlasConfig = DEFAULT_CONFIG) -> list[Record]:
    """The records cleaned for storing, or :class:`DataError` naming every problem (nothing is written).

    Points are checked against the province of the store's own ``config`` (``[map] extent`` of the
    ``atlas.toml`` it was seeded from), not always Lai Châu's.
    """
    problems = validate_records(records, commune_codes, allow_overcommit, unit_codes_2025=unit_codes_2025,
                                extent=config.extent, province=config.province)
    found = [x for per in problems for x in per]
    if found:
        raise DataError(found)
    return [(clean_project(p), clean_lines(lines)) for p, lines in records]


#: More distinct codes than this in one write (a big import) and every code is read: an IN list that long is no cheaper.
CODES_IN_LIST = 500


def check_inputs_sql(records: Sequence[Record]) -> tuple[str, dict]:
    """One query (``:name`` parameters, SQLite and PostgreSQL alike) for what :func:`checked_records` checks
    ``records`` against: rows ``(table, value)`` of the ``communes`` and ``units_2025`` codes they name, and
    ``("config", TOML)`` of the stored config (:func:`stored_config`).

    The check only asks whether a record's code exists, so only those codes are read: reading all 10,000 codes
    of a province for every edit cost most of the edit (and one query, not three, saves a server round trip
    each). Codes are compared as the validator compares them (cleaned, as text, stripped)."""
    wanted = sorted({str(code).strip() for code in (clean_value("commune_code", p.get("commune_code"))
                                                     for p, _ in records) if code is not None})
    params: dict = {f"c{i}": code for i, code in enumerate(wanted)}
    where = "1 = 0" if not wanted else f"code IN ({', '.join(':' + k for k in params)})"
    if len(wanted) > CODES_IN_LIST:
        where, params = "1 = 1", {}
    parts = [f"SELECT '{table}', code FROM {table} WHERE {where}" for table in ("communes", "units_2025")]
    return " UNION ALL ".join([*parts, "SELECT 'config', value FROM atlas_meta WHERE key = 'config'"]), params


def check_inputs(rows: Sequence[tuple]) -> tuple[list[str], list[str], str | None]:
    """The rows of :func:`check_inputs_sql` as (commune codes, unit codes 2025, the config's TOML or None)."""
    found: dict[str, list[str]] = {"communes": [], "units_2025": [], "config": []}
    for table, value in rows:
        found[table].append(value)
    return found["communes"], found["units_2025"], found["config"][0] if found["config"] else None


@functools.lru_cache(maxsize=16)
def stored_config(toml_text: str, where: str) -> AtlasConfig:
    """The :class:`AtlasConfig` a store keeps as TOML text (parsed once per text: every write checks points
    against it, and it only changes when the whole store is replaced). Frozen, so sharing it is safe."""
    return parse_config(tomllib.loads(toml_text), where)


#: Columns of :func:`geo.analysis.funding.totals_by_commune` (and of every store's ``funding_totals_by_commune``).
TOTALS_COLUMNS: tuple[str, ...] = (*schema.MONEY_COLUMNS, "gap", "n_projects")


def funding_totals_sql(filters: Filters, unit_version: str, greatest: str) -> tuple[str, dict]:
    """SQL (``:name`` parameters, for SQLite and PostgreSQL alike) summing the funding of the projects matching
    ``filters`` by commune, as :func:`geo.analysis.funding.totals_by_commune` does in memory: the same
    filters (:func:`geo.analysis.funding.apply_filters`), gap per line floored at 0, projects without lines
    counted with zero money. ``greatest`` is the dialect's two-argument maximum (``max`` / ``greatest``).

    >>> sql, params = funding_totals_sql(Filters(sources=("ngo",), years=(2022, 2023)), "2021", "max")
    >>> sorted(params.items())
    [('closed0', 'rejected'), ('closed1', 'cancelled'), ('hi', 2023), ('lo', 2022), ('s0', 'ngo'), ('uv', '2021')]
    """
    if filters.high_risk:  # a spatial test: answering without it would be a wrong total, not a slow one
        raise ValueError("funding totals in SQL cannot apply the high-risk filter; use geo.analysis.funding")
    params: dict = {"uv": unit_version}

    def in_list(prefix: str, values: tuple) -> str:
        names = [f"{prefix}{i}" for i in range(len(values))]
        params.update(zip(names, values))
        return "(" + ", ".join(f":{n}" for n in names) + ")"

    where = ["commune_code IS NOT NULL", "COALESCE(NULLIF(TRIM(unit_version), ''), '2021') = :uv"]
    if filters.content_areas:
        where.append(f"content_area IN {in_list('a', tuple(int(a) for a in filters.content_areas))}")
    if filters.statuses:
        where.append(f"status IN {in_list('st', tuple(filters.statuses))}")
    elif not filters.include_cancelled:
        where.append(f"(status IS NULL OR status NOT IN {in_list('closed', schema.CLOSED_STATUSES)})")
    if filters.years:
        params["lo"], params["hi"] = int(filters.years[0]), int(filters.years[1])
        where.append("start_year <= :hi AND end_year >= :lo")
    if filters.donors:
        where.append(f"donor IN {in_list('d', tuple(filters.donors))}")
    line_where = ""
    if filters.sources:
        sources = in_list("s", tuple(filters.sources))
        line_where = f"WHERE source IN {sources}"
        where.append(f"project_id IN (SELECT project_id FROM funding WHERE source IN {sources})")
    sql = f"""WITH p AS (SELECT project_id, commune_code FROM projects WHERE {' AND '.join(where)}),
        t AS (SELECT project_id, SUM(need) AS need, SUM(committed) AS committed, SUM(disbursed) AS disbursed,
                     SUM({greatest}(need - committed, 0)) AS gap
              FROM funding {line_where} GROUP BY project_id)
        SELECT p.commune_code, COALESCE(SUM(t.need), 0), COALESCE(SUM(t.committed), 0),
               COALESCE(SUM(t.disbursed), 0), COALESCE(SUM(t.gap), 0), COUNT(*)
        FROM p LEFT JOIN t ON t.project_id = p.project_id GROUP BY p.commune_code"""
    return sql, params


def totals_frame(rows: Sequence) -> pd.DataFrame:
    """Rows of :func:`funding_totals_sql` as :func:`geo.analysis.funding.totals_by_commune` returns them."""
    codes = pd.Index([r[0] for r in rows], name="commune_code", dtype=object)
    out = pd.DataFrame({c: np.array([int(r[i + 1]) for r in rows], dtype="int64")
                        for i, c in enumerate(TOTALS_COLUMNS)}, index=codes)
    return out.sort_index()
