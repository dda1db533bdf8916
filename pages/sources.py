"""Every layer's source, licence, date and quality."""

import pandas as pd
import streamlit as st

from geo.text.i18n import t
from pages import _shared

lang = _shared.lang()
ds = _shared.dataset()

st.title(t("sources.heading", lang))
st.write(t("sources.intro", lang))
_shared.provenance_banner(ds, lang)
rows = [
    {
        t("common.layer", lang): p.title(lang),
        t("common.quality", lang): _shared.quality_label(p.quality, lang),
        t("common.source", lang): p.source_in(lang),
        t("common.licence", lang): p.licence,
        t("common.date", lang): p.date,
        t("common.method", lang): p.method_in(lang),
    }
    for p in ds.provenance.values()
]
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
