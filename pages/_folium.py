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
    if getattr(_RECORD, "on", False):  # record the arguments only; folium_once renders
        _RECORD.kwargs = kwargs
        return None
    return _COMPONENT(**kwargs)


_recording_component.atlas_original = _COMPONENT
streamlit_folium._component_func = _recording_component


def folium_once(m, sent: dict, **kwargs):
    """``st_folium(m, **kwargs)``, rendering ``m`` only the first time; hold the map's lock around it.

    Nothing that changes per session or click goes into the arguments (the selected commune and the list's
    zoom reach the map through ``webmap.selection_script``): the component message is then the same every
    run, so Streamlit sends its hash and a click costs the panel's bytes, not the map's (issue 20).
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
    return _COMPONENT(**sent["args"])
