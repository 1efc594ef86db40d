"""Importers of coded event data: GDELT and ICEWS files mapped through CAMEO onto kg's ontology.

One module per source (:mod:`kg.importers.gdelt`, :mod:`kg.importers.icews`), the CAMEO code
book (:mod:`kg.importers.cameo`) and actor resolution against what a store holds
(:mod:`kg.importers.resolve`). Each imported file is one document: its rows are what that file
says about events, loaded through :func:`kg.grow.load_documents`'s machinery, so the claims
model applies to imported events as to facts files.
"""

from __future__ import annotations

__all__ = ["SOURCES"]

# Source name -> module with ``layout``, ``checks`` and ``documents`` (see kg.importers.core),
# imported lazily by kg.importers.core.import_files.
SOURCES = {"gdelt": "kg.importers.gdelt", "icews": "kg.importers.icews"}
