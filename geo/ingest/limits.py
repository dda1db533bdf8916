"""Limits by design (issue 13): every upload is bounded before it is unpacked, parsed or drawn.

Each refusal names the limit and what to do, in both languages, and nothing is stored.

=============================  =====================================  ===========================
what                           limit                                  checked
=============================  =====================================  ===========================
zip archive (layers)           :data:`MAX_ZIP_ENTRIES` entries,       from the directory, before
                               :data:`MAX_UNZIPPED_BYTES` unpacked    a byte is inflated; then
                                                                      while streaming to disk
spreadsheet                    :data:`MAX_ROWS` rows,                 the sheet's declared
                               :data:`MAX_COLUMNS` columns            dimension, before loading;
                                                                      then while streaming
CSV                            :data:`MAX_HEADER_CHARS` in the        the separator is read from
                               header line, :data:`MAX_ROWS` rows     the header line only (no
                                                                      sniffing of the whole file)
layer                          :data:`MAX_FEATURES` features,         the feature count before
                               :data:`MAX_VERTICES` per feature,      reading; vertices after
                               :data:`MAX_LAYER_VERTICES` in all      reading (bounded by size)
=============================  =====================================  ===========================

Examples
--------
>>> cell_name(1048576, 16384)
'XFD1048576'
>>> column_letters(28)
'AB'
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from geo.ingest.validate import DataError, Problem, per_language
from geo.text import fmt

#: The largest project table or indicator CSV (CSV/Excel) an upload may be.
MAX_TABLE_BYTES = 20 * 1024 * 1024
#: The largest map layer file an upload may be (GeoJSON, zipped Shapefile, GeoPackage, KML).
MAX_LAYER_BYTES = 50 * 1024 * 1024
#: The largest file of any upload: ``server.maxUploadSize`` in .streamlit/config.toml is this, in MB
#: (tests/test_upload_limits.py checks), so the server refuses nothing the atlas would accept, and each
#: uploader is capped at its own limit on top.
MAX_UPLOAD_BYTES = max(MAX_TABLE_BYTES, MAX_LAYER_BYTES)
MAX_ZIP_ENTRIES = 64
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_HEADER_CHARS = 64 * 1024
MAX_FEATURES = 50_000
MAX_VERTICES = 250_000
MAX_LAYER_VERTICES = 5_000_000
_CHUNK = 1024 * 1024


def _mb(n: int):
    return per_language(lambda lang: fmt.number(n / 2**20, lang, 1))


def megabytes(limit_bytes: int) -> int:
    """A limit in whole MB (MiB, as Streamlit counts them).

    >>> megabytes(MAX_TABLE_BYTES), megabytes(MAX_UPLOAD_BYTES)
    (20, 50)
    """
    return limit_bytes // 2**20


def column_letters(n: int) -> str:
    """Spreadsheet column name of the 1-based column ``n``."""
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def cell_name(row: int, col: int) -> str:
    return f"{column_letters(col)}{row}"


def check_zip_directory(zf: zipfile.ZipFile, file: str) -> None:
    """Refuse an archive with too many entries or too many unpacked bytes, from its directory alone."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise DataError([Problem.of(file, "err.limit.zip_entries", n=len(infos), limit=MAX_ZIP_ENTRIES)])
    limit_mb = MAX_UNZIPPED_BYTES // 2**20
    for info in infos:
        if info.file_size > MAX_UNZIPPED_BYTES:
            raise DataError([Problem.of(file, "err.limit.zip_member", member=info.filename, mb=_mb(info.file_size),
                                        limit=limit_mb)])
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise DataError([Problem.of(file, "err.limit.zip_total", mb=_mb(total), limit=limit_mb)])


def extract_member(zf: zipfile.ZipFile, name: str, dest: Path, file: str, budget: list[int]) -> None:
    """Stream one member to ``dest``, stopping at the unpacked-size budget (a directory can lie).

    ``budget`` is a one-item list of bytes left, shared by the members of one archive. A damaged
    member (bad CRC, truncated) is refused naming it.
    """
    try:
        with zf.open(name) as src, open(dest, "wb") as out:
            while True:
                chunk = src.read(_CHUNK)
                if not chunk:
                    break
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise DataError([Problem.of(file, "err.limit.zip_total", mb=_mb(MAX_UNZIPPED_BYTES + 1),
                                                limit=MAX_UNZIPPED_BYTES // 2**20)])
                out.write(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError):
        dest.unlink(missing_ok=True)
        raise DataError([Problem.of(file, "err.damaged_zip", member=name)]) from None


def head(path: Path, n: int = 65536) -> bytes:
    with open(path, "rb") as f:
        return f.read(n)

