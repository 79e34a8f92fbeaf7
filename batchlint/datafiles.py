"""Paths and loaders for the data files that ship inside the package."""

from __future__ import annotations

import json
import os
from functools import cache

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def path(name: str) -> str:
    return os.path.join(DATA_DIR, name)


@cache
def load_json(name: str):
    """A bundled JSON data file, parsed once per process."""
    with open(path(name), encoding="utf-8") as handle:
        return json.load(handle)
