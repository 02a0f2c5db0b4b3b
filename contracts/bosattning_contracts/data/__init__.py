"""Reference data files (counties and municipalities) shipped with the package."""
