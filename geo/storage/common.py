"""What every store does the same way: column kinds and cell values for SQL, and the check before a write.

Shared by the GeoPackage writer (:mod:`geo.storage.gpkg`), :mod:`geo.storage.gpkg_store` and
:mod:`geo.storage.postgis_store`, so both stores refuse the same records and store the same values.

>>> import pandas as pd
>>> column_kind(pd.Series([1, 2]).dtype), column_kind(pd.Series(["a"]).dtype), plain_value(float("nan"))
('int', 'str', None)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.ingest.records import clean_lines, clean_project, validate_records
from geo.ingest.validate import DataError

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
                    allow_overcommit: bool) -> list[Record]:
    """The records cleaned for storing, or :class:`DataError` naming every problem (nothing is written)."""
    problems = validate_records(records, commune_codes, allow_overcommit, unit_codes_2025=unit_codes_2025)
    found = [x for per in problems for x in per]
    if found:
        raise DataError(found)
    return [(clean_project(p), clean_lines(lines)) for p, lines in records]
