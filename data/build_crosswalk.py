"""Build ``crosswalk_2025.csv`` (old unit → unit from 1 July 2025) from the two unit tables.

One source of truth: the successor columns of ``units.csv`` say where each old unit went;
``units_2025.csv`` says which new units also hold territory from outside Tam Đường. This script
joins them, fails if they disagree, and writes one row per old unit. Every Tam Đường unit merged
whole (Resolution 1670/NQ-UBTVQH15), so ``whole`` is true on every row.

Run ``python data/build_crosswalk.py`` (``--check`` exits 1 if the committed file would change).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent
sys.path.insert(0, str(DATA.parent))

from geo.model.schema import CROSSWALK_COLUMNS, REFORM_LEGAL_SOURCE, UNIT_TYPES  # noqa: E402

OUT = DATA / "crosswalk_2025.csv"


def full_name(name: str, unit_type: str) -> str:
    """``'Xã Bình Lư'`` from a short name and a unit type key."""
    return f"{UNIT_TYPES[unit_type].vi} {name}"


def build(units: pd.DataFrame, units_2025: pd.DataFrame) -> pd.DataFrame:
    """The crosswalk table; raises ``ValueError`` when the two unit tables disagree."""
    new = units_2025.set_index("code")
    problems: list[str] = []
    rows = []
    for u in units.sort_values("code").to_dict("records"):
        code = u["successor_code"]
        if code not in new.index:
            problems.append(f"units.csv {u['code']}: successor {code} is not in units_2025.csv")
            continue
        n = new.loc[code]
        if n["name"] != u["successor_name"] or n["unit_type"] != u["successor_type"]:
            problems.append(f"units.csv {u['code']}: successor name/type differ from units_2025.csv {code}")
        if n["outside_territory"] != u["successor_partial"]:
            problems.append(f"units.csv {u['code']}: successor_partial differs from outside_territory of {code}")
        rows.append({
            "old_code": u["code"],
            "old_name": full_name(u["name"], u["unit_type"]),
            "new_code": code,
            "new_name": full_name(n["name"], n["unit_type"]),
            "new_type": n["unit_type"],
            "whole": "true",
            "new_unit_has_outside_territory": n["outside_territory"],
            "legal_source": REFORM_LEGAL_SOURCE,
        })
    unused = sorted(set(new.index) - {r["new_code"] for r in rows})
    problems += [f"units_2025.csv {c}: no old unit maps to it" for c in unused]
    if problems:
        raise ValueError("\n".join(problems))
    return pd.DataFrame(rows, columns=list(CROSSWALK_COLUMNS))


def render(table: pd.DataFrame) -> str:
    buf = io.StringIO()
    table.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs")
    args = parser.parse_args(argv)
    read = dict(dtype=str, keep_default_na=False, encoding="utf-8")
    text = render(build(pd.read_csv(DATA / "units.csv", **read), pd.read_csv(DATA / "units_2025.csv", **read)))
    current = OUT.read_text(encoding="utf-8") if OUT.exists() else None
    if args.check:
        print("up to date" if current == text else f"{OUT.name} is out of date")
        return 0 if current == text else 1
    if current != text:
        OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.name}" if current != text else "nothing to write (unchanged)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
