"""Maps: the offline Leaflet web map, its commune detail panel, and print-quality PNG/PDF maps."""
