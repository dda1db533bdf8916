"""DEM screening (issue 19): slope classes of synthetic terrain with known slopes, frequency ratio and AUC on
hand-made cases, the CLI, and bad DEMs refused with bilingual messages. No real DEM ships in a package we
depend on, so the terrain is synthetic (planes of known gradient)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from geo.analysis import terrain
from geo.cli.main import main
from geo.ingest import dem
from geo.ingest.validate import DataError


def _write(path, z, crs="EPSG:32648", transform=None, nodata=None):
    transform = transform or from_origin(500_000, 2_480_000, 10.0, 10.0)
    with rasterio.open(path, "w", driver="GTiff", height=z.shape[0], width=z.shape[1], count=1,
                       dtype="float32", crs=crs, transform=transform, nodata=nodata) as f:
        f.write(z.astype("float32"), 1)
    return path


def _plane(rows, cols, gx, gy=0.0, cell=10.0):
    """Heights rising ``gx`` m per m eastwards and ``gy`` m per m northwards."""
    x = np.arange(cols) * cell
    y = (rows - 1 - np.arange(rows)) * cell  # row 0 is the north edge
    return 1000.0 + gx * x[None, :] + gy * y[:, None]


@pytest.mark.parametrize(("gx", "gy", "cls"), [(0.1, 0.0, 0), (0.2, 0.0, 1), (0.3, 0.3, 2),
                                               (0.6, 0.0, 3), (0.0, 0.8, 4), (1.5, 0.0, 5)])
def test_plane_of_known_gradient_is_one_slope_class(gx, gy, cls):
    z = _plane(7, 9, gx, gy)
    s = terrain.slope_degrees(z, 10.0, 10.0)
    expected = math.degrees(math.atan(math.hypot(gx, gy)))
    assert np.allclose(s[1:-1, 1:-1], expected)
    classes = terrain.slope_class(s)
    assert set(classes[1:-1, 1:-1].ravel()) == {cls}
    assert (classes[0] == terrain.NO_CLASS).all() and (classes[:, -1] == terrain.NO_CLASS).all()


def test_class_boundaries_belong_to_the_lower_class():
    assert terrain.slope_class(np.array([8.0, 8.01, 45.0, 45.01, np.nan])).tolist() == [0, 1, 4, 5, -1]


def test_frequency_ratio_hand_made_case():
    # 1000 cells: 600 / 300 / 100; 10 events: 1 / 3 / 6 → (0.1/0.6, 0.3/0.3, 0.6/0.1)
    fr = terrain.frequency_ratio(np.array([600, 300, 100, 0]), np.array([1, 3, 6, 0]))
    assert fr[:3] == pytest.approx([1 / 6, 1.0, 6.0])
    assert math.isnan(fr[3])
    assert np.isnan(terrain.frequency_ratio(np.array([5, 5]), np.array([0, 0]))).all()


def test_auc_hand_made_cases():
    # ranked 6.0, 1.0, 1/6: curve (0,0) (.1,.6) (.4,.9) (1,1) → .03 + .225 + .57 = .825
    assert terrain.success_rate_auc(np.array([600, 300, 100]), np.array([1, 3, 6])) == pytest.approx(0.825)
    # events spread like the area: no better than chance
    assert terrain.success_rate_auc(np.array([50, 30, 20]), np.array([5, 3, 2])) == pytest.approx(0.5)
    assert math.isnan(terrain.success_rate_auc(np.array([1, 1]), np.array([0, 0])))


def _two_slopes(tmp_path, rows=600):
    """West half 0.1 m/m (5.7°, class 0), east half 1.2 m/m (50.2°, class 5)."""
    cols = 40
    z = np.zeros((rows, cols))
    x = np.arange(cols) * 10.0
    z[:] = np.where(x < 200, 0.1 * x, 0.1 * 200 + 1.2 * (x - 200))[None, :]
    return _write(tmp_path / "dem.tif", z)


def _lonlat(path, rc):
    with rasterio.open(path) as f:
        xs, ys = zip(*(f.xy(r, c) for r, c in rc), strict=True)
        return rasterio.warp.transform(f.crs, "EPSG:4326", list(xs), list(ys))


def test_screening_counts_area_and_events_across_blocks(tmp_path):
    path = _two_slopes(tmp_path)  # 600 rows: three blocks of 256 rows; events on both sides of block joins
    events = _lonlat(path, [(255, 30), (256, 30), (511, 35), (300, 5)])
    s = dem.screen_dem(path, events)
    interior = (600 - 2) * (40 - 2)
    assert int(s.area_cells.sum()) == interior
    assert s.area_cells[3] == 598  # the one column at the break has a mixed slope (33°)
    assert s.event_cells[5] == 3 and s.event_cells[0] == 1 and s.events_outside == 0
    assert s.ratio[5] > 1 > s.ratio[0]
    assert 0.5 < s.auc <= 1


def test_geographic_dem_is_warped_to_metres(tmp_path):
    # ~0.001° cells near 22.4°N 103.5°E, rising 0.3 m per metre eastwards
    cols, rows = 60, 60
    cell_deg = 0.0003
    m_per_deg_lon = 111_320 * math.cos(math.radians(22.4))
    z = 0.3 * (np.arange(cols) * cell_deg * m_per_deg_lon)[None, :] + np.zeros((rows, 1))
    path = _write(tmp_path / "deg.tif", z, crs="EPSG:4326", transform=from_origin(103.5, 22.4, cell_deg, cell_deg))
    s = dem.screen_dem(path)
    assert s.reprojected and s.crs == "EPSG:32648"
    # 0.3 m/m is 16.7°: class 2 (15–25°) holds nearly all the area
    assert s.area_cells[2] / s.area_cells.sum() > 0.95


def test_hillshade_written_block_by_block(tmp_path):
    path = _two_slopes(tmp_path, rows=300)
    out = tmp_path / "shade.tif"
    dem.screen_dem(path, hillshade_out=out)
    with rasterio.open(out) as f:
        h = f.read(1)
    assert h.shape == (300, 40) and h[0, 0] == 0  # edge: no data
    assert h[150, 10] != h[150, 30]  # gentle and steep east-facing slopes lit differently


def test_cli_prints_bilingual_screening_label(tmp_path, capsys):
    path = _two_slopes(tmp_path)
    lon, lat = _lonlat(path, [(100, 30), (200, 30)])
    events = tmp_path / "events.csv"
    events.write_text(f"date,type,lon,lat\n2018-08-01,landslide,{lon[0]},{lat[0]}\n"
                      f"2018-08-02,sạt lở,{lon[1]},{lat[1]}\n2018-08-03,flash flood,{lon[0]},{lat[0]}\n",
                      encoding="utf-8")
    assert main(["--lang", "vi", "import-dem", str(path), "--events", str(events)]) == 0
    out = capsys.readouterr().out
    assert "SÀNG LỌC, không phải phân vùng chính thức" in out and "AUC" in out
    assert main(["import-dem", str(path), "--events", str(events)]) == 0
    out = capsys.readouterr().out
    assert "SCREENING, not an official zoning" in out
    assert "> 45° | 47.4% | 2 |" in out  # the flash flood is not a landslide


@pytest.mark.parametrize("case", ["no_crs", "all_nodata", "not_tiff", "feet"])
def test_bad_dems_refused_in_both_languages(tmp_path, case, capsys):
    z = _plane(20, 20, 0.2)
    if case == "no_crs":
        path = _write(tmp_path / "a.tif", z, crs=None)
    elif case == "all_nodata":
        path = _write(tmp_path / "a.tif", np.full((20, 20), -9999.0), nodata=-9999.0)
    elif case == "feet":
        path = _write(tmp_path / "a.tif", z, crs="EPSG:2227")  # California zone 3, US survey feet
    else:
        path = tmp_path / "a.tif"
        path.write_text("not a raster")
    with pytest.raises(DataError) as err:
        dem.screen_dem(path)
    vi, en = err.value.text("vi"), err.value.text("en")
    assert vi != en and "a.tif" in vi and "a.tif" in en
    assert main(["--lang", "vi", "import-dem", str(path)]) == 1
    assert "a.tif" in capsys.readouterr().err


def test_oversized_dem_refused_before_reading(tmp_path, monkeypatch):
    path = _write(tmp_path / "big.tif", _plane(20, 20, 0.2))
    monkeypatch.setattr(dem, "MAX_DEM_BYTES", 100)
    opened = []
    monkeypatch.setattr(dem.rasterio, "open", lambda *a, **k: opened.append(a))
    with pytest.raises(DataError) as err:
        dem.screen_dem(path)
    assert "MB" in err.value.text("en") and not opened


def test_bad_event_coordinates_named_by_row_and_column(tmp_path):
    events = tmp_path / "ev.csv"
    events.write_text("lon,lat\n103.5,22.4\n103.5,abc\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        dem.read_event_points(events)
    assert "row 3" in err.value.text("en") and "'lat'" in err.value.text("en")
    events.write_text("x_coord,y_coord\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError):
        dem.read_event_points(events)


def test_screening_table_gives_each_class_its_ratio_and_no_ratio_where_there_is_no_area():
    from geo.output.screening_text import screening_notes, screening_table

    s = dem.Screening("dem.tif", "EPSG:32648", False, (10.0, 10.0),
                      area_cells=np.array([50, 30, 20, 0, 0, 0]), event_cells=np.array([0, 3, 2, 0, 0, 0]),
                      events_total=6)
    vi, en = screening_table(s, "vi"), screening_table(s, "en")
    assert list(en.iloc[:, 0]) == ["0–8°", "8–15°", "15–25°", "25–35°", "35–45°", "> 45°"]
    assert list(en.iloc[:, 3]) == ["0.00", "2.00", "2.00", "—", "—", "—"]  # (3/5) ÷ (30/100) = 2
    assert list(vi.iloc[:, 3])[:3] == ["0,00", "2,00", "2,00"] and list(vi.columns) != list(en.columns)
    assert any("1" in note for note in screening_notes(s, "en")[1:])  # the event off the DEM is said
