"""The one root exception of kg and its kinds.

Every error kg raises on purpose is a :class:`KGError`; the CLI turns it into a one-line message and
exit code 1. Anything else escaping the library is a bug.
"""

from __future__ import annotations

__all__ = [
    "ConnectionFailed",
    "FactsError",
    "KGError",
    "OntologyError",
    "QueryError",
    "StoreError",
    "StoreInUse",
]


class KGError(Exception):
    """Root of every error kg raises on purpose."""


class OntologyError(KGError):
    """The ontology files are inconsistent or a term is not in them."""


class FactsError(KGError):
    """A facts file is malformed or breaks the ontology.

    The message names the file and the line (or record) so a person can go and fix it.

    >>> str(FactsError("bad date", path="f.yaml", line=3))
    'f.yaml:3: bad date'
    >>> str(FactsError("no such node", path="f.yaml", record="call-1"))
    'f.yaml: call-1: no such node'
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        record: str | None = None,
    ) -> None:
        self.reason = message
        self.path = path
        self.line = line
        self.record = record
        where = path or "<facts>"
        if line is not None:
            where = f"{where}:{line}"
        if record is not None:
            where = f"{where}: {record}"
        super().__init__(f"{where}: {message}")


class StoreError(KGError):
    """A store could not be opened, read or written."""


class StoreInUse(StoreError):
    """Another process holds the store for writing."""


class ConnectionFailed(StoreError):
    """A database server could not be reached or refused the credentials."""


class QueryError(KGError):
    """A query is unknown, lacks a parameter, or the engine rejected it."""
