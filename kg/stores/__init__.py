"""Stores: the embedded LadybugDB (default) and a Neo4j server, behind one interface.

>>> sorted(STORES)
['ladybug', 'neo4j']
"""

from __future__ import annotations

import importlib
from typing import Any

from kg.errors import KGError
from kg.stores.base import LoadReport, Progress, QueryResult, Store

__all__ = ["STORES", "LoadReport", "Progress", "QueryResult", "Store", "open_store"]

# name -> "module:class", imported only when that engine is used.
STORES = {
    "ladybug": "kg.stores.ladybug:LadybugStore",
    "neo4j": "kg.stores.neo4j:Neo4jStore",
}


def open_store(engine: str, **options: Any) -> Store:
    """Construct a store by engine name; options go to its constructor."""
    try:
        target = STORES[engine]
    except KeyError:
        raise KGError(f"unknown store {engine!r}; known: {', '.join(sorted(STORES))}") from None
    module, _, name = target.partition(":")
    cls = getattr(importlib.import_module(module), name)
    store: Store = cls(**options)
    return store
