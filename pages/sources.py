"""Every layer's source, licence, date and quality: one card per layer, so nothing needs horizontal scrolling
(a wide table put licence and date off-screen at 1024 px)."""

import streamlit as st

from geo.text import fmt
from geo.text.i18n import t
from geo.text.safe import md_text
from pages import _shared

lang = _shared.lang()
ds = _shared.dataset()

st.title(t("sources.heading", lang))
st.write(t("sources.intro", lang))
_shared.provenance_banner(ds, lang)
for layer_id, p in ds.all_provenance.items():  # the offline basemap too: it is drawn on the maps
    with st.container(border=True, key=f"source_{layer_id}"):
        st.markdown(f"**{md_text(p.title(lang))}**")
        facts = [(t("common.quality", lang), _shared.quality_label(p.quality, lang)),
                 (t("common.licence", lang), p.licence_in(lang)), (t("common.date", lang), fmt.date(p.date, lang))]
        st.markdown("  \n".join(f"{md_text(label)}: {md_text(value)}" for label, value in facts))
        st.caption(f"{md_text(t('common.source', lang))}: {md_text(p.source_in(lang))}")
        st.caption(f"{md_text(t('common.method', lang))}: {md_text(p.method_in(lang))}")
