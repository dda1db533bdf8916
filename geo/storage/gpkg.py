"""A minimal GeoPackage reader/writer on plain :mod:`sqlite3`.

Writing layers through SQLite ourselves (instead of GDAL) lets every table and
every geometry layer change inside ONE SQLite transaction, so a write is all or
nothing even if the process is killed. Files written here follow the
GeoPackage 1.3 core (``gpkg_contents``, ``gpkg_geometry_columns``, standard
geometry blobs) and its R-tree spatial index extension, so GDAL/QGIS open them
and filter by extent; the tests read them back with pyogrio.

Geometry is always stored in EPSG:4326.

Examples
--------
>>> import sqlite3, geopandas as gpd
>>> from shapely.geometry import Point
>>> con = sqlite3.connect(":memory:")
>>> init(con)
>>> gdf = gpd.GeoDataFrame({"name": ["Bản Bo"], "n": [3]}, geometry=[Point(103.5, 22.3)], crs="EPSG:4326")
>>> write_table(con, "places", gdf, identifier="Places")
>>> back = read_table(con, "places")
>>> back.loc[0, "name"], int(back.loc[0, "n"]), back.geometry[0].x
('Bản Bo', 3, 103.5)
"""

from __future__ import annotations

import sqlite3
import struct
from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.storage.common import column_kind, plain_value

APPLICATION_ID = 0x47504B47  # "GPKG"
USER_VERSION = 10300  # GeoPackage 1.3
GEOM_COLUMN = "geom"
SRS_ID = 4326

_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
    'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],'
    'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],'
    'AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)

# pandas dtype kind -> GeoPackage column type; read back in the other direction.
_SQL_TYPES = {"bool": "BOOLEAN", "int32": "MEDIUMINT", "int": "INTEGER", "float": "DOUBLE", "str": "TEXT"}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


def init(con: sqlite3.Connection) -> None:
    """Create the GeoPackage core tables (idempotent)."""
    con.execute(f"PRAGMA application_id={APPLICATION_ID}")
    con.execute(f"PRAGMA user_version={USER_VERSION}")
    con.executescript("""
        CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
            srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
            organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
        CREATE TABLE IF NOT EXISTS gpkg_contents (
            table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
            description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT
            (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
            srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
        CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
            table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
            srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
            CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
            CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
            CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
    """)
    con.executemany(
        "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)",
        [
            ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
            ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
            ("WGS 84 geodetic", SRS_ID, "EPSG", 4326, _WGS84_WKT, "longitude/latitude coordinates in decimal degrees"),
        ],
    )


def encode(geoms: np.ndarray) -> list[bytes | None]:
    """Shapely geometries → GeoPackage geometry blobs (little-endian, XY envelope)."""
    out: list[bytes | None] = []
    wkbs = shapely.to_wkb(geoms, byte_order=1, output_dimension=2)
    bounds = shapely.bounds(geoms)
    for geom, wkb, (minx, miny, maxx, maxy) in zip(geoms, wkbs, bounds):
        if geom is None:
            out.append(None)
        elif geom.is_empty:
            out.append(b"GP\x00\x11" + struct.pack("<i", SRS_ID) + wkb)  # empty flag, no envelope
        else:
            out.append(b"GP\x00\x03" + struct.pack("<i4d", SRS_ID, minx, maxx, miny, maxy) + wkb)
    return out


def decode(blobs: list[bytes | None]) -> np.ndarray:
    """GeoPackage geometry blobs (any byte order or envelope) → shapely geometries."""
    wkbs: list[bytes | None] = []
    for blob in blobs:
        if blob is None:
            wkbs.append(None)
            continue
        flags = blob[3]
        env = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 0x7]
        wkbs.append(bytes(blob[8 + env:]))
    return shapely.from_wkb(np.array(wkbs, dtype=object))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- spatial index (GeoPackage extension gpkg_rtree_index) ------------------------------------------------
# QGIS and GDAL filter a layer by the map's extent through this index; a file without it is read whole, and a
# stale one (a layer replaced, its index left behind) hides features. So every feature table written here gets
# a fresh index, and dropping a table drops its index. The standard triggers that keep the index in step with
# later edits (QGIS's) call ST_* functions that plain SQLite lacks: :func:`register_functions` supplies them.
RTREE_EXTENSION = ("gpkg_rtree_index", "http://www.geopackage.org/spec120/#extension_rtree", "write-only")


def _envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) of a geometry blob, from its header when it has one; None for NULL or empty."""
    if blob is None or len(blob) < 8 or blob[3] & 0x10:
        return None
    order = "<" if blob[3] & 1 else ">"
    if (blob[3] >> 1) & 0x7:
        return struct.unpack(f"{order}4d", blob[8:40])
    geom = decode([blob])[0]
    if geom is None or geom.is_empty:
        return None
    minx, miny, maxx, maxy = geom.bounds
    return minx, maxx, miny, maxy


def register_functions(con: sqlite3.Connection) -> sqlite3.Connection:
    """Give ``con`` the ST_* functions the GeoPackage R-tree triggers call, so rows of an indexed table
    (ours, or one QGIS indexed) can be written by plain SQLite. Returns ``con``.

    >>> con = register_functions(sqlite3.connect(":memory:"))
    >>> from shapely.geometry import box
    >>> blob = encode(np.array([box(1, 2, 3, 4)]))[0]
    >>> con.execute("SELECT ST_MinX(?), ST_MaxY(?), ST_IsEmpty(?)", (blob, blob, blob)).fetchone()
    (1.0, 4.0, 0)
    """
    def part(i: int):
        return lambda blob: (env[i] if (env := _envelope(blob)) is not None else None)

    con.create_function("ST_IsEmpty", 1, lambda blob: None if blob is None else int(_envelope(blob) is None),
                        deterministic=True)
    for i, fn in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
        con.create_function(fn, 1, part(i), deterministic=True)
    return con


def _rtree_name(table: str, column: str) -> str:
    return f"rtree_{table}_{column}"


def _spatial_index(con: sqlite3.Connection, table: str, column: str) -> None:
    """Build the R-tree of ``table.column`` from its rows and register it with its triggers."""
    t, c, rt = _quote(table), _quote(column), _quote(_rtree_name(table, column))
    # the R-tree id is an integer: the table's integer key (fid), else SQLite's rowid
    key = _quote(next((r[1] for r in con.execute(f"PRAGMA table_info({t})") if r[5] and "INT" in r[2].upper()),
                      "rowid"))
    con.execute("CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT,"
                " extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,"
                " CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))")
    con.execute(f"CREATE VIRTUAL TABLE {rt} USING rtree(id, minx, maxx, miny, maxy)")
    rows = [(fid, *env) for fid, blob in con.execute(f"SELECT {key}, {c} FROM {t}")
            if (env := _envelope(blob)) is not None]
    con.executemany(f"INSERT INTO {rt} VALUES (?,?,?,?,?)", rows)
    con.execute("INSERT OR REPLACE INTO gpkg_extensions VALUES (?,?,?,?,?)", (table, column, *RTREE_EXTENSION))
    box = f"ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c})"
    present = f"(NEW.{c} NOT NULL AND NOT ST_IsEmpty(NEW.{c}))"
    absent = f"(NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))"
    name = _rtree_name(table, column)
    triggers = [
        ("insert", f"AFTER INSERT ON {t} WHEN {present}", f"INSERT OR REPLACE INTO {rt} VALUES (NEW.{key}, {box});"),
        ("update1", f"AFTER UPDATE OF {c} ON {t} WHEN OLD.{key} = NEW.{key} AND {present}",
         f"INSERT OR REPLACE INTO {rt} VALUES (NEW.{key}, {box});"),
        ("update2", f"AFTER UPDATE OF {c} ON {t} WHEN OLD.{key} = NEW.{key} AND {absent}",
         f"DELETE FROM {rt} WHERE id = OLD.{key};"),
        ("update3", f"AFTER UPDATE ON {t} WHEN OLD.{key} != NEW.{key} AND {present}",
         f"DELETE FROM {rt} WHERE id = OLD.{key}; INSERT OR REPLACE INTO {rt} VALUES (NEW.{key}, {box});"),
        ("update4", f"AFTER UPDATE ON {t} WHEN OLD.{key} != NEW.{key} AND {absent}",
         f"DELETE FROM {rt} WHERE id IN (OLD.{key}, NEW.{key});"),
        ("delete", f"AFTER DELETE ON {t} WHEN OLD.{c} NOT NULL", f"DELETE FROM {rt} WHERE id = OLD.{key};"),
    ]
    for suffix, when, body in triggers:  # one statement each: executescript would commit the caller's transaction
        con.execute(f"CREATE TRIGGER {_quote(name + '_' + suffix)} {when} BEGIN {body} END")


def drop_table(con: sqlite3.Connection, name: str) -> None:
    """Remove a table, its spatial index and its GeoPackage registration."""
    has_ext = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='gpkg_extensions'").fetchone()
    indexed = [r[0] for r in con.execute(
        "SELECT column_name FROM gpkg_extensions WHERE table_name=? AND extension_name=?",
        (name, RTREE_EXTENSION[0]))] if has_ext else []
    for column in indexed:
        con.execute(f"DROP TABLE IF EXISTS {_quote(_rtree_name(name, column))}")
    if has_ext:
        con.execute("DELETE FROM gpkg_extensions WHERE table_name=?", (name,))
    con.execute(f"DROP TABLE IF EXISTS {_quote(name)}")
    con.execute("DELETE FROM gpkg_geometry_columns WHERE table_name=?", (name,))
    con.execute("DELETE FROM gpkg_contents WHERE table_name=?", (name,))


def write_table(
    con: sqlite3.Connection, name: str, df: pd.DataFrame, identifier: str | None = None,
    description: str = "", extra_columns: str = "",
) -> None:
    """(Re)create ``name`` from ``df``: a feature table if ``df`` is a GeoDataFrame, else attributes.

    Runs inside the caller's transaction; ``extra_columns`` is SQL appended to the column list
    (e.g. ``"revision INTEGER NOT NULL DEFAULT 1"``).
    """
    drop_table(con, name)
    spatial = isinstance(df, gpd.GeoDataFrame)
    attrs = df.drop(columns=df.geometry.name) if spatial else df
    cols = [f"{_quote(c)} {_SQL_TYPES[column_kind(attrs[c].dtype)]}" for c in attrs.columns]
    if spatial:
        cols.insert(0, f"{GEOM_COLUMN} GEOMETRY")
    if extra_columns:
        cols.append(extra_columns)
    con.execute(f"CREATE TABLE {_quote(name)} (fid INTEGER PRIMARY KEY AUTOINCREMENT, {', '.join(cols)})")
    records = [[plain_value(v) for v in row] for row in attrs.itertuples(index=False, name=None)]
    names = list(attrs.columns)
    if spatial:
        geoms = df.to_crs(SRS_ID).geometry.to_numpy() if df.crs is not None else df.geometry.to_numpy()
        blobs = encode(geoms)
        records = [[b, *r] for b, r in zip(blobs, records)]
        names.insert(0, GEOM_COLUMN)
    placeholders = ",".join("?" * len(names))
    con.executemany(
        f"INSERT INTO {_quote(name)} ({', '.join(_quote(n) for n in names)}) VALUES ({placeholders})", records,
    )
    ident = identifier or name
    if spatial:
        valid = df.geometry[df.geometry.notna() & ~df.geometry.is_empty]
        minx, miny, maxx, maxy = (valid.total_bounds if len(valid) else [None] * 4)
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change,"
            " min_x, min_y, max_x, max_y, srs_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (name, "features", ident, description, _now(), plain_value(minx), plain_value(miny), plain_value(maxx), plain_value(maxy),
             SRS_ID),
        )
        types = set(valid.geom_type)
        gtype = types.pop().upper() if len(types) == 1 else "GEOMETRY"
        con.execute("INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)", (name, GEOM_COLUMN, gtype, SRS_ID))
        _spatial_index(con, name, GEOM_COLUMN)
    else:
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)"
            " VALUES (?,?,?,?,?)", (name, "attributes", ident, description, _now()),
        )


def _series(values: list, sql_type: str) -> pd.Series:
    t = sql_type.upper()
    if t == "BOOLEAN":
        s = pd.Series(values, dtype=object)
        return s.astype("boolean").astype(bool) if s.notna().all() else s.astype("boolean")
    if t in ("INTEGER", "MEDIUMINT", "INT", "SMALLINT", "TINYINT"):
        s = pd.Series(values, dtype=object)
        dtype = "int32" if t == "MEDIUMINT" else "int64"
        return s.astype(dtype) if s.notna().all() else s.astype(dtype.capitalize())
    if t in ("DOUBLE", "REAL", "FLOAT"):
        return pd.Series(values, dtype="float64")
    return pd.Series(values, dtype="str")


def read_table(con: sqlite3.Connection, name: str, skip: tuple[str, ...] = ("fid",)) -> pd.DataFrame:
    """Read a table written by :func:`write_table` with its pandas dtypes restored."""
    info = con.execute(f"PRAGMA table_info({_quote(name)})").fetchall()
    columns = [(row[1], row[2]) for row in info if row[1] not in skip]
    rows = con.execute(
        f"SELECT {', '.join(_quote(c) for c, _ in columns)} FROM {_quote(name)} ORDER BY fid").fetchall()
    data = {c: _series([r[i] for r in rows], t) for i, (c, t) in enumerate(columns) if t.upper() != "GEOMETRY"}
    df = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    geom_cols = [i for i, (_, t) in enumerate(columns) if t.upper() == "GEOMETRY"]
    if not geom_cols:
        return df
    geoms = decode([r[geom_cols[0]] for r in rows]) if rows else np.array([], dtype=object)
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, index=df.index), crs=f"EPSG:{SRS_ID}")


# --- whole tables, for copies and backups (geo/storage/tables.py) ------------------------------------------
_KIND_OF_SQL = {"BOOLEAN": "bool", "MEDIUMINT": "int32", "INTEGER": "int", "INT": "int", "SMALLINT": "int32",
                "TINYINT": "int32", "DOUBLE": "float", "REAL": "float", "FLOAT": "float", "TEXT": "str"}
_SYSTEM_PREFIXES = ("gpkg_", "sqlite_", "rtree_")


def store_tables(con: sqlite3.Connection) -> list[str]:
    """Every table of the file that is not GeoPackage or SQLite bookkeeping, by name."""
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return [n for n in names if not n.startswith(_SYSTEM_PREFIXES)]


def _default(text: str | None) -> int | float | str | None:
    if text is None or text.upper() == "NULL":
        return None
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return None  # an expression (e.g. a timestamp): the writer always supplies the value


def dump_table(con: sqlite3.Connection, name: str):
    """Table ``name`` as a :class:`geo.storage.tables.Table`: every column (key included), rows in key order."""
    from geo.storage.tables import Column, Table

    info = con.execute(f"PRAGMA table_info({_quote(name)})").fetchall()
    geom_cols = {r[0] for r in con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name=?",
                                           (name,))}
    columns = []
    for _, col, sql_type, notnull, default, pk in info:
        t = (sql_type or "TEXT").upper()
        kind = "geometry" if (col in geom_cols or t == "GEOMETRY") else _KIND_OF_SQL.get(t, "str")
        columns.append(Column(col, kind, bool(notnull), _default(default), bool(pk)))
    key = next((c.name for c in columns if c.primary), None)
    order = f" ORDER BY {_quote(key)}" if key else " ORDER BY rowid"
    rows = con.execute(f"SELECT {', '.join(_quote(c.name) for c in columns)} FROM {_quote(name)}{order}").fetchall()
    geo_idx = [i for i, c in enumerate(columns) if c.kind == "geometry"]
    if geo_idx and rows:
        from geo.storage.tables import to_wkb

        rows = [list(r) for r in rows]
        for i in geo_idx:
            wkbs = to_wkb(list(decode([r[i] for r in rows])))
            for r, w in zip(rows, wkbs):
                r[i] = w
        rows = [tuple(r) for r in rows]
    indexes = []
    for _, iname, unique, origin, _partial in con.execute(f"PRAGMA index_list({_quote(name)})").fetchall():
        if origin == "c":
            cols = tuple(r[2] for r in con.execute(f"PRAGMA index_info({_quote(iname)})"))
            indexes.append((iname, cols, bool(unique)))
    return Table(name, tuple(columns), rows, sorted(indexes))


def _literal(value: object) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def create_table(con: sqlite3.Connection, table, identifier: str | None = None, description: str = "") -> None:
    """(Re)create ``table`` (a :class:`geo.storage.tables.Table`) with its rows and indexes, registered in the
    GeoPackage contents, inside the caller's transaction."""
    drop_table(con, table.name)
    sql = {"bool": "BOOLEAN", "int32": "MEDIUMINT", "int": "INTEGER", "float": "DOUBLE", "str": "TEXT",
           "geometry": "GEOMETRY"}
    defs = []
    for c in table.columns:
        d = f"{_quote(c.name)} {sql[c.kind]}"
        if c.primary:
            d += " PRIMARY KEY AUTOINCREMENT" if c.kind in ("int", "int32") else " PRIMARY KEY"
        if c.notnull and not c.primary:
            d += " NOT NULL"
        if c.default is not None:
            d += f" DEFAULT {_literal(c.default)}"
        defs.append(d.replace("MEDIUMINT PRIMARY KEY AUTOINCREMENT", "INTEGER PRIMARY KEY AUTOINCREMENT"))
    con.execute(f"CREATE TABLE {_quote(table.name)} ({', '.join(defs)})")
    rows = table.rows
    geo_idx = [i for i, c in enumerate(table.columns) if c.kind == "geometry"]
    geoms = None
    if geo_idx:
        i = geo_idx[0]
        geoms = shapely.from_wkb(np.array([r[i] for r in rows], dtype=object)) if rows else np.array([], dtype=object)
        blobs = encode(geoms)
        rows = [tuple(b if j == i else v for j, v in enumerate(r)) for r, b in zip(rows, blobs)]
    names = ", ".join(_quote(c.name) for c in table.columns)
    con.executemany(f"INSERT INTO {_quote(table.name)} ({names}) VALUES ({','.join('?' * len(table.columns))})",
                    rows)
    for iname, cols, unique in table.indexes:
        con.execute(f"CREATE {'UNIQUE ' if unique else ''}INDEX {_quote(iname)} ON {_quote(table.name)} "
                    f"({', '.join(_quote(c) for c in cols)})")
    ident = identifier or table.name
    if geoms is not None:
        present = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))] if len(geoms) else geoms
        minx, miny, maxx, maxy = (shapely.total_bounds(present) if len(present) else [None] * 4)
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change,"
            " min_x, min_y, max_x, max_y, srs_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (table.name, "features", ident, description, _now(), plain_value(minx), plain_value(miny),
             plain_value(maxx), plain_value(maxy), SRS_ID))
        types = set(shapely.get_type_id(present).tolist()) if len(present) else set()
        kinds = {0: "POINT", 1: "LINESTRING", 3: "POLYGON", 4: "MULTIPOINT", 5: "MULTILINESTRING",
                 6: "MULTIPOLYGON", 7: "GEOMETRYCOLLECTION"}
        name = kinds.get(types.pop(), "GEOMETRY") if len(types) == 1 else "GEOMETRY"
        col = table.columns[geo_idx[0]].name
        con.execute("INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)", (table.name, col, name, SRS_ID))
        _spatial_index(con, table.name, col)
    else:
        con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)"
                    " VALUES (?,?,?,?,?)", (table.name, "attributes", ident, description, _now()))
