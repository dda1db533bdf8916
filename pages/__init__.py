"""Streamlit pages. Thin: read state, call geo/, lay out widgets."""
