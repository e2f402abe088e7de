"""Readers and writers: GeoJSON, TNTP, demand matrices (import-light; submodules load on use)."""
