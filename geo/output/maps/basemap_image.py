"""The stored basemap picture (:class:`geo.model.basemap.Basemap`) as the maps draw it.

:func:`warped` re-projects it from Web Mercator to a print map's CRS (matplotlib draws it with ``imshow``);
:func:`shadow` turns relief shading into shadows only (black with an alpha from the shade), so a choropleth
keeps its colours on lit slopes and darkens where the terrain faces away from the light: the fills stay
readable, the terrain shows through. :func:`data_url` is the picture for the web map's image overlay.
"""

from __future__ import annotations

import base64
import functools
import io

import numpy as np
import numpy.typing as npt
from PIL import Image
from rasterio.enums import Resampling
from rasterio.transform import from_bounds
from rasterio.warp import calculate_default_transform, reproject, transform_bounds

from geo.model.basemap import Basemap

#: Darkest shadow over the fills (0–1): enough to read the valleys, never enough to hide a class colour.
SHADOW_ALPHA = 0.55
#: Longest side of the web map's picture: a screen map needs less than a print (a 30 m DEM's shadows of the
#: district: ~200 KB at 1,024 px, ~470 KB at the stored 1,400 px; measured 2026-12-04 on a rough synthetic DEM).
WEB_SIDE = 1024


def rgba(basemap: Basemap) -> npt.NDArray[np.uint8]:
    """The picture as height × width × 4 bytes."""
    return np.asarray(Image.open(io.BytesIO(basemap.image)).convert("RGBA"))


def shadow(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Relief shading as black shadows: alpha = (1 − shade) × :data:`SHADOW_ALPHA` where there is data.

    >>> px = np.array([[[255, 255, 255, 255], [0, 0, 0, 255], [128, 128, 128, 0]]], dtype=np.uint8)
    >>> shadow(px)[0, :, 3].tolist()
    [0, 140, 0]
    """
    grey = pixels[..., 0].astype(np.float64) / 255.0
    alpha = np.where(pixels[..., 3] > 0, (1.0 - grey) * SHADOW_ALPHA * 255.0, 0.0)
    out = np.zeros_like(pixels)
    out[..., 3] = np.round(alpha).astype(np.uint8)
    return out


@functools.lru_cache(maxsize=4)
def _warped(image: bytes, bounds: tuple[float, float, float, float], width: int, height: int, crs: str,
            ) -> tuple[npt.NDArray[np.uint8], tuple[float, float, float, float]]:
    src = np.asarray(Image.open(io.BytesIO(image)).convert("RGBA"))
    x0, y0, x1, y1 = transform_bounds("EPSG:4326", "EPSG:3857", *bounds)
    src_transform = from_bounds(x0, y0, x1, y1, src.shape[1], src.shape[0])
    dst_transform, w, h = calculate_default_transform("EPSG:3857", crs, src.shape[1], src.shape[0], x0, y0, x1, y1)
    dst = np.zeros((4, h, w), dtype=np.uint8)
    reproject(np.moveaxis(src, -1, 0), dst, src_transform=src_transform, src_crs="EPSG:3857",
              dst_transform=dst_transform, dst_crs=crs, resampling=Resampling.bilinear)
    left, top = dst_transform.c, dst_transform.f
    extent = (left, left + dst_transform.a * w, top + dst_transform.e * h, top)  # imshow's (l, r, b, t)
    return np.moveaxis(dst, 0, -1), extent


def warped(basemap: Basemap, crs: str) -> tuple[npt.NDArray[np.uint8], tuple[float, float, float, float]]:
    """The picture in ``crs`` and its ``imshow`` extent (left, right, bottom, top); outside it is transparent."""
    return _warped(basemap.image, basemap.bounds, basemap.width, basemap.height, crs)


@functools.lru_cache(maxsize=4)
def _web(image: bytes, kind: str) -> str:
    picture = Image.open(io.BytesIO(image)).convert("RGBA")
    if kind == "relief":  # shadows only, as on print maps: the choropleth keeps its colours
        picture = Image.fromarray(shadow(np.asarray(picture)), "RGBA")
    if max(picture.size) > WEB_SIDE:
        scale = WEB_SIDE / max(picture.size)
        picture = picture.resize((round(picture.width * scale), round(picture.height * scale)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="WEBP", quality=60, alpha_quality=60, method=6)
    return "data:image/webp;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def data_url(basemap: Basemap) -> str:
    """The picture for the web map as a ``data:`` URL (no file server, no network): relief as shadows, at most
    :data:`WEB_SIDE` pixels on its long side."""
    return _web(basemap.image, basemap.kind)
