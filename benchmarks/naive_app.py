"""The naive baseline of ``bench_rural`` (issue 20): the textbook streamlit-folium app on the same communes.

What a first version of the atlas would do: build the folium map on every run from the full-resolution
polygons, hand it to ``st_folium``, and on a click show the commune's name and its projects with
``st.dataframe``. Nothing is cached, simplified or kept out of the map's arguments. Only Leaflet comes
from the app's own server (``static/``, linked next to a copy of this script by the benchmark), as the
benchmark's browser reaches nothing but loopback; folium's other CDN scripts are not loaded.

Run by ``python -m benchmarks.bench_rural``; not part of the app.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo.output.maps import webmap
from geo.storage.store import default_store

ds = default_store().load()
communes = ds.communes.to_crs(4326)[["code", "full_name", "geometry"]]
m = folium.Map(tiles=None)
m.default_js, m.default_css = webmap.leaflet_assets()  # folium's own defaults come from CDNs
folium.GeoJson(communes.to_json(), class_name="td-commune",
               tooltip=folium.GeoJsonTooltip(fields=["full_name"], labels=False)).add_to(m)
m.fit_bounds([[communes.total_bounds[1], communes.total_bounds[0]], [communes.total_bounds[3], communes.total_bounds[2]]])
st.title(ds.config.title("vi"))
left, right = st.columns([3, 2])
with left:
    answer = st_folium(m, height=600, use_container_width=True, returned_objects=["last_active_drawing"])
with right:
    props = ((answer or {}).get("last_active_drawing") or {}).get("properties") or {}
    if props.get("code"):
        st.subheader(props["full_name"])
        st.dataframe(ds.projects[ds.projects["commune_code"] == props["code"]], hide_index=True)
