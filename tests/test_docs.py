"""The README documents every command and every query; every query file documents itself."""

from __future__ import annotations

import re

from kg.cli import main
from kg.queries import list_queries
from kg.resources import cypher_dir, ontology_dir

README = (cypher_dir().parent / "README.md").read_text(encoding="utf-8")


def test_quick_start_gives_exactly_the_two_commands():
    section = README.split("## Quick start", 1)[1].split("##", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    assert block.group(1).split() == ["./scripts/demo", "./scripts/test"]


def test_every_command_is_in_the_readme():
    for name in main.commands:
        assert f"`kg {name}" in README, name


def test_every_query_is_in_the_readme_and_has_a_header():
    for query in list_queries():
        assert f"| `{query.name}` | {query.question} |" in README, query.name
        assert query.example.startswith(f"kg query {query.name}")
        for param in query.parameters:
            assert param.help, (query.name, param.name)


def test_readme_picture_exists():
    assert "](docs/actors.png)" in README
    assert (cypher_dir().parent / "docs" / "actors.png").read_bytes()[:4] == b"\x89PNG"


def test_ci_runs_the_readme_test_command():
    ci = (cypher_dir().parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "./scripts/test" in ci


def test_generated_files_are_current():
    from kg.browser import grass, guide
    from kg.shacl import shapes_turtle

    assert (ontology_dir() / "kg.grass").read_text(encoding="utf-8") == grass()
    assert (cypher_dir() / "guide.html").read_text(encoding="utf-8") == guide()
    assert (ontology_dir() / "shapes.ttl").read_text(encoding="utf-8") == shapes_turtle()
