"""Tam Đường Investment Atlas: the pure logic behind the app, CLI and exports.

Importable without Streamlit. One module per concern; see docs/ARCHITECTURE.md.
"""

__version__ = "0.1.0"
