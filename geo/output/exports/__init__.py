"""Data exports (CSV, GeoJSON, GeoPackage, Excel) and the provenance lines every export carries."""
