"""Calendar data files (a package so that the YAML ships with the wheel)."""
