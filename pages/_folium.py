"""st_folium for a cached map that never changes: render it once, re-send the same arguments after.

streamlit-folium renders the whole map to HTML/JS on every call (seconds at 10,000 communes). A cached
map never changes, so the component arguments of its first render are kept (in ``sent``, cached with the
map) and re-sent as they are: the same bytes, so Streamlit still sends only a hash and the browser keeps
the map. This module is imported once per process (page scripts re-run, so the shim cannot live in one);
the shim records only in the thread that asked, since other sessions render concurrently.
"""

from __future__ import annotations

import threading

import folium
import streamlit_folium
from streamlit_folium import st_folium

_COMPONENT = getattr(streamlit_folium._component_func, "atlas_original", streamlit_folium._component_func)
_RECORD = threading.local()


def _recording_component(**kwargs):
    if getattr(_RECORD, "on", False):  # record the arguments only; folium_once renders
        _RECORD.kwargs = kwargs
        return None
    return _COMPONENT(**kwargs)


_recording_component.atlas_original = _COMPONENT
streamlit_folium._component_func = _recording_component


def _layer_js(fg: folium.FeatureGroup | None) -> str | None:
    """A feature group as the script the component swaps in without redrawing the map.

    Rendered against a throwaway map: streamlit-folium adds the group to the map it is given,
    and the cached map is shared and must not change.
    """
    if fg is None:
        return None
    return streamlit_folium._get_feature_group_string(fg, folium.Map(tiles=None))


def folium_once(m, sent: dict, overlay: folium.FeatureGroup | None = None,
                view: tuple[list[float], int] | None = None, **kwargs):
    """``st_folium(m, **kwargs)``, rendering ``m`` only the first time; hold the map's lock around it.

    ``overlay`` (the selected commune) and ``view`` (centre and zoom) change per session and rerun;
    they go to the component as its own arguments, so the map's bytes stay the same.
    """
    if "args" not in sent:
        _RECORD.on = True
        _RECORD.kwargs = None
        try:
            st_folium(m, **kwargs)
        finally:
            _RECORD.on = False
        if _RECORD.kwargs is None:  # if streamlit-folium ever stops calling the shim, just render each time
            return st_folium(m, **kwargs)
        sent["args"] = _RECORD.kwargs
    args = dict(sent["args"], feature_group=_layer_js(overlay))
    if view is not None:
        args.update(center=view[0], zoom=view[1])
    return _COMPONENT(**args)
