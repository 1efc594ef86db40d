"""The neo4j-admin CSV export imports with the real `neo4j-admin database import full`.

The bulk path for big graphs: the files `kg export --format csv` writes are imported into a fresh
database of a second local server, which must then hold exactly what the online load writes.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from kg.config import Neo4jConfig
from kg.export import export
from kg.resources import cypher_dir
from kg.stores.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j

LAUNCHER = cypher_dir().parent / "scripts" / "neo4j"


def _launcher(*args: str, cwd=None) -> str:
    result = subprocess.run(
        [str(LAUNCHER), *args], capture_output=True, text=True, cwd=cwd, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture
def launcher_available():
    if not LAUNCHER.exists() or not (shutil.which("java") and shutil.which("mvn")):
        if os.environ.get("CI"):
            pytest.fail("CI is set but scripts/neo4j, Java or Maven is missing")
        pytest.skip("needs scripts/neo4j with Java and Maven")


def test_csv_export_imports_to_the_same_graph_as_the_online_load(
    neo4j_store, sample_graph, tmp_path, launcher_available
):
    neo4j_store.load(sample_graph)
    online = neo4j_store.stats()

    folder = tmp_path / "csv"
    export(sample_graph, "csv", folder)
    args = (folder / "import.args").read_text(encoding="utf-8").split()
    data = tmp_path / "imported"
    _launcher("admin-import", "--data", str(data), "--", *args, cwd=folder)
    env_lines = _launcher("start", "--data", str(data))
    try:
        env = dict(line.split("=", 1) for line in env_lines.splitlines() if "=" in line)
        config = Neo4jConfig.resolve(environ=env)
        with Neo4jStore(config) as imported:
            assert imported.stats() == online
            assert imported.read_graph() == sample_graph
    finally:
        _launcher("stop", "--data", str(data))
