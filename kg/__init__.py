"""kg: a knowledge graph of diplomatic actors and events, traced to the sentences they come from.

>>> from kg import load_facts, sample_facts_path
>>> graph = load_facts(sample_facts_path())
>>> graph.nodes["marco-rubio"].label
'Person'
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from kg.errors import KGError
from kg.facts import load_facts, sample_facts_path
from kg.model import Edge, Graph, Node

__all__ = ["Edge", "Graph", "KGError", "Node", "__version__", "load_facts", "sample_facts_path"]

try:
    __version__ = version("kg")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"
