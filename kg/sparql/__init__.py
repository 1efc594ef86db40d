"""SPARQL over the graph: the dataset an endpoint serves, the query library, the Oxigraph server.

- :mod:`kg.sparql.dataset` builds the RDF dataset (the TriG export: the current view in the
  default graph, one named graph per source, plus the ontology and the CAMEO concept scheme in
  graphs of their own) and loads it into a pyoxigraph store;
- :mod:`kg.sparql.library` reads ``sparql/*.rq`` (the twins of ``cypher/``, same header form)
  and answers them on an embedded store or over HTTP on an endpoint, as rows like ``kg query``'s;
- :mod:`kg.sparql.server` runs Oxigraph's own server, read-only, on a loopback address.
"""

from __future__ import annotations

__all__ = ["dataset", "library", "server"]
