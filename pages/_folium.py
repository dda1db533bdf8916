"""st_folium for a cached map that never changes: render it once, re-send the same arguments after.

streamlit-folium renders the whole map to HTML/JS on every call (seconds at 10,000 communes). A cached
map never changes, so the component arguments of its first render are kept (in ``sent``, cached with the
map) and re-sent as they are: the same bytes, so Streamlit still sends only a hash and the browser keeps
the map. This module is imported once per process (page scripts re-run, so the shim cannot live in one);
the shim records only in the thread that asked, since other sessions render concurrently.
"""

from __future__ import annotations

import threading

import streamlit_folium
from streamlit_folium import st_folium

_COMPONENT = getattr(streamlit_folium._component_func, "atlas_original", streamlit_folium._component_func)
_RECORD = threading.local()


def _recording_component(**kwargs):
    if getattr(_RECORD, "on", False):
        _RECORD.kwargs = kwargs
    return _COMPONENT(**kwargs)


_recording_component.atlas_original = _COMPONENT
streamlit_folium._component_func = _recording_component


def folium_once(m, sent: dict, **kwargs):
    """``st_folium(m, **kwargs)``, rendering ``m`` only the first time; hold the map's lock around it."""
    if "args" in sent:
        return _COMPONENT(**sent["args"])
    _RECORD.on = True
    _RECORD.kwargs = None
    try:
        out = st_folium(m, **kwargs)
    finally:
        _RECORD.on = False
    if _RECORD.kwargs is not None:  # if streamlit-folium ever stops calling the shim, just render each time
        sent["args"] = _RECORD.kwargs
    return out
