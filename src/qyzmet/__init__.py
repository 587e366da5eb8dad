"""Qyzmet: runs Kazakhstan's regulated public services from their regulations, as data."""

__version__ = "0.1.0"
