"""Connection settings, read from flags, then the environment, then defaults.

Each field names the environment variable Neo4j's own tools use, so a shell that works with
``cypher-shell`` works with kg unchanged.

>>> cfg = Neo4jConfig.resolve(uri="bolt://db:7687", environ={"NEO4J_PASSWORD": "s3cret"})
>>> cfg.uri, cfg.username, cfg.database
('bolt://db:7687', 'neo4j', 'neo4j')
>>> "s3cret" in repr(cfg)
False
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

__all__ = ["Neo4jConfig"]


@dataclass(frozen=True)
class Neo4jConfig:
    """Where and how to reach a Neo4j server. The password never shows in ``repr``."""

    uri: str = field(default="bolt://localhost:7687", metadata={"env": "NEO4J_URI"})
    username: str = field(default="neo4j", metadata={"env": "NEO4J_USERNAME"})
    password: str | None = field(default=None, repr=False, metadata={"env": "NEO4J_PASSWORD"})
    database: str = field(default="neo4j", metadata={"env": "NEO4J_DATABASE"})

    @classmethod
    def resolve(cls, environ: Mapping[str, str] | None = None, **flags: str | None) -> Neo4jConfig:
        """Each setting from its flag if given, else its environment variable, else the default."""
        env = os.environ if environ is None else environ
        values: dict[str, str | None] = {}
        for f in fields(cls):
            flag = flags.get(f.name)
            if flag is not None:
                values[f.name] = flag
            elif env.get(f.metadata["env"]):
                values[f.name] = env[f.metadata["env"]]
        return cls(**values)  # type: ignore[arg-type]

    @staticmethod
    def configured(environ: Mapping[str, str] | None = None) -> bool:
        """Whether the environment names a Neo4j server (NEO4J_URI is set)."""
        env = os.environ if environ is None else environ
        return bool(env.get("NEO4J_URI"))
