"""Malformed and hostile facts files (the catalogue in tests/hostile/) through the real command.

Every bad case, run as ``python -m kg validate`` and ``python -m kg load`` (LadybugDB, and Neo4j
when a server is configured), must exit with 1, print one line ``Error: <file>:<line>: ...`` (or
``<file>: <record>: ...``) on stderr and nothing on stdout, and leave a store holding the article
exactly as it was, compared after every case. Hostile but valid files must load and read back
verbatim. A Hypothesis fuzz test feeds random bytes, text and structures to ``load_facts``: it
may only return a Graph or raise FactsError.

The runs are grouped in module fixtures (the validations in parallel, the loads one store at a
time) and asserted per case, so the whole catalogue takes seconds, not minutes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg.facts
from kg.errors import FactsError
from kg.facts import MAX_STRING_CHARS, load_facts, sample_facts_path
from kg.model import Graph
from tests.hostile import catalogue

ARTICLE = sample_facts_path()
NAMES = {kind: [] for kind in catalogue.KINDS}
for _case in catalogue.committed():
    NAMES[_case.kind].append(_case.name)
for _name, _recipe in catalogue.GENERATED.items():
    NAMES[_recipe.kind].append(_name)
for _names in NAMES.values():
    _names.sort()
WORKERS = max(2, os.cpu_count() or 1)


@dataclass
class Run:
    """One command run: its result and, for loads, whether the store was left unchanged."""

    args: list[str]
    code: int
    stdout: str
    stderr: str
    unchanged: bool | None = None


def _kg(args: list[str], env: dict[str, str]) -> Run:
    """``python -m kg ARGS`` in a new interpreter."""
    done = subprocess.run(
        [sys.executable, "-m", "kg", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    return Run(args, done.returncode, done.stdout, done.stderr)


class ForkedKg:
    """``kg ARGS`` in a process forked from a server that imported kg once (tests/hostile/kgfork.py).

    The same ``main()`` as ``python -m kg``, in its own process, without 0.15 s of imports per run.
    """

    def __init__(self) -> None:
        self.server = subprocess.Popen(
            [sys.executable, str(catalogue.HERE / "kgfork.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, args: list[str], env: dict[str, str]) -> Run:
        assert self.server.stdin is not None and self.server.stdout is not None
        self.server.stdin.write(json.dumps({"args": args, "env": env}) + "\n")
        self.server.stdin.flush()
        answer = json.loads(self.server.stdout.readline())
        return Run(args, answer["code"], answer["stdout"], answer["stderr"])

    def close(self) -> None:
        assert self.server.stdin is not None
        self.server.stdin.close()
        self.server.wait(timeout=30)


# These run as `python -m kg` in a new interpreter; the others through ForkedKg.
REAL_RUNS = {
    "billion-laughs",
    "conflict-across-files",
    "invalid-utf8",
    "nested-flow-lists",
    "raw-nul",
    "tag-python-apply",
    "ten-megabyte-string",
}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(extra)
    return env


def _files(case: catalogue.Case) -> list[str]:
    return [*([str(ARTICLE)] if case.after_article else []), str(case.path)]


def _assert_refused(run: Run, case: catalogue.Case) -> None:
    """Exit 1, nothing on stdout, one line on stderr naming the file and the place."""
    assert run.code == 1, (run.code, run.stdout, run.stderr)
    assert run.stdout == ""
    assert run.stderr.endswith("\n") and run.stderr.count("\n") == 1, run.stderr
    assert "Traceback" not in run.stderr
    expected = f"Error: {case.path}{case.error}"
    assert run.stderr.startswith(expected), f"\n{run.stderr!r}\nshould start with\n{expected!r}"


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, catalogue.Case]:
    folder = tmp_path_factory.mktemp("hostile")
    return {case.name: case for case in catalogue.materialize(folder)}


# ------------------------------------------------------------------------------------------ catalogue


def test_the_catalogue_covers_what_the_issue_lists(cases):
    assert len(NAMES["bad"]) >= 45
    assert len(cases) == sum(len(names) for names in NAMES.values())
    for case in cases.values():
        assert case.tries and case.path is not None and case.path.is_file()
        if case.kind == "bad":
            assert case.error and case.error.startswith((":", " ")), case.name
            line = case.error.partition(": ")[0]
            assert line[1:].isdigit() or not line, f"{case.name}: the error names a line: {line}"
    # Every committed file says what it tries in its first line.
    for kind in catalogue.KINDS:
        for path in (catalogue.HERE / kind).glob("*.yaml"):
            assert path.read_text(encoding="utf-8").startswith("# tries: "), path


def test_hostile_readme_lists_every_case():
    readme = (catalogue.HERE / "README.md").read_text(encoding="utf-8")
    for names in NAMES.values():
        for name in names:
            assert f"`{name}`" in readme, f"{name} is not in tests/hostile/README.md"


# ------------------------------------------------------------------------------------------ validate


def _validate_worker(todo: list[catalogue.Case]) -> dict[str, Run]:
    env = _env()
    forked = ForkedKg()
    try:
        return {
            case.name: (_kg if case.name in REAL_RUNS else forked)(["validate", *_files(case)], env)
            for case in todo
        }
    finally:
        forked.close()


@pytest.fixture(scope="module")
def validations(cases) -> dict[str, Run]:
    todo = list(cases.values())
    with ThreadPoolExecutor(WORKERS) as pool:
        parts = pool.map(_validate_worker, [todo[i::WORKERS] for i in range(WORKERS)])
        return {name: run for part in parts for name, run in part.items()}


@pytest.mark.parametrize("name", NAMES["bad"])
def test_validate_refuses(name, cases, validations):
    _assert_refused(validations[name], cases[name])


@pytest.mark.parametrize("name", NAMES["good"] + NAMES["store"])
def test_validate_accepts(name, validations):
    run = validations[name]
    assert (run.code, run.stderr) == (0, "")
    assert run.stdout.startswith("1 file(s) valid: ")


# ------------------------------------------------------------------------------------------ LadybugDB


def _store_digest(path: Path) -> str:
    """A digest of the store's files: equal digests mean an unchanged store."""
    digest = hashlib.sha256()
    for file in sorted(path.parent.glob(path.name + "*")):
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _read_ladybug(path: Path) -> Graph:
    from kg.stores.ladybug import LadybugStore

    with LadybugStore(path, read_only=True) as store:
        return store.read_graph()


def _ladybug_worker(store: Path, todo: list[catalogue.Case], article: Graph) -> dict[str, Run]:
    """Load each case into one store holding the article; check the store after each."""
    env = _env()
    runs = {}
    before = _store_digest(store)
    forked = ForkedKg()
    try:
        for case in todo:
            kg = _kg if case.name in REAL_RUNS else forked
            run = kg(["load", *_files(case), "--db", str(store), "--quiet"], env)
            after = _store_digest(store)
            run.unchanged = after == before or _read_ladybug(store) == article
            before = after
            runs[case.name] = run
    finally:
        forked.close()
    return runs


@pytest.fixture(scope="module")
def ladybug_loads(cases, tmp_path_factory, sample_graph) -> dict[str, Run]:
    from kg.stores.ladybug import LadybugStore

    folder = tmp_path_factory.mktemp("ladybug")
    first = folder / "0" / "kg.lbug"
    first.parent.mkdir()
    with LadybugStore(first) as store:
        store.load(load_facts(ARTICLE))
    todo = [c for c in cases.values() if c.kind != "good"]
    slices = [todo[i::WORKERS] for i in range(WORKERS)]
    stores = [first]
    for i in range(1, WORKERS):
        stores.append(folder / str(i) / "kg.lbug")
        shutil.copytree(first.parent, stores[-1].parent)
    with ThreadPoolExecutor(WORKERS) as pool:
        parts = pool.map(_ladybug_worker, stores, slices, [sample_graph] * WORKERS)
        runs = {name: run for part in parts for name, run in part.items()}
    for store in stores:  # and a full comparison at the end, whatever the digests said
        assert _read_ladybug(store) == sample_graph
    return runs


@pytest.mark.parametrize("name", NAMES["bad"])
def test_ladybug_load_refuses_and_keeps_the_store(name, cases, ladybug_loads):
    run = ladybug_loads[name]
    _assert_refused(run, cases[name])
    assert run.unchanged


@pytest.mark.parametrize("name", NAMES["store"])
def test_ladybug_load_refuses_what_conflicts_with_the_store(name, ladybug_loads):
    run = ladybug_loads[name]
    assert (run.code, run.stdout) == (1, "")
    assert run.stderr.startswith("Error: ") and run.stderr.count("\n") == 1, run.stderr
    assert "'marco-rubio'" in run.stderr
    assert run.unchanged


def _assert_same_graph(got: Graph, expected: Graph) -> None:
    """Equal graphs; otherwise the first elements that differ, to name the case at fault."""
    if got == expected:
        return
    nodes = [n for n in expected.nodes if got.nodes.get(n) != expected.nodes[n]]
    edges = [e for e in expected.edges if got.edges.get(e) != expected.edges[e]]
    extra = sorted(set(got.nodes) - set(expected.nodes)) + sorted(
        set(got.edges) - set(expected.edges)
    )
    raise AssertionError(f"differ: nodes {nodes[:5]}, edges {edges[:5]}, not expected {extra[:5]}")


def test_ladybug_stores_hostile_values_verbatim(cases, lbug_path, sample_graph):
    """The valid hostile files, loaded on top of the article, read back as the facts say."""
    from kg.stores.ladybug import LadybugStore

    with LadybugStore(lbug_path) as store:
        store.load(sample_graph)
    files = [str(cases[name].path) for name in NAMES["good"]]
    run = _kg(["load", *files, "--db", str(lbug_path), "--quiet"], _env())
    assert (run.code, run.stderr) == (0, "")
    _assert_same_graph(_read_ladybug(lbug_path), load_facts(ARTICLE, *files))


# ------------------------------------------------------------------------------------------ Neo4j


def _neo4j_env(config) -> dict[str, str]:
    return _env(
        NEO4J_URI=config.uri,
        NEO4J_USERNAME=config.username,
        NEO4J_PASSWORD=config.password or "",
        NEO4J_DATABASE=config.database,
    )


def _neo4j_content(store) -> tuple[list[str], list[str]]:
    """Every node and relationship of the database with its properties, in two queries."""
    nodes = store.query("MATCH (n) RETURN labels(n), properties(n)").rows
    rels = store.query("MATCH (a)-[r]->(b) RETURN a.id, type(r), b.id, properties(r)").rows
    return sorted(map(repr, nodes)), sorted(map(repr, rels))


@pytest.fixture(scope="module")
def neo4j_loads(cases, neo4j_config, sample_graph) -> dict[str, Run]:
    from kg.stores.neo4j import Neo4jStore
    from tests.conftest import wipe_neo4j

    wipe_neo4j(neo4j_config)
    env = _neo4j_env(neo4j_config)
    runs = {}
    forked = ForkedKg()
    with Neo4jStore(neo4j_config) as store:
        store.load(sample_graph)
        assert store.read_graph() == sample_graph
        before = _neo4j_content(store)
        for case in cases.values():
            if case.kind == "good":
                continue
            kg = _kg if case.name in REAL_RUNS else forked
            run = kg(["load", *_files(case), "--quiet"], env)
            run.unchanged = _neo4j_content(store) == before
            if not run.unchanged:  # put the article back so the next cases start from it
                wipe_neo4j(neo4j_config)
                store.load(sample_graph)
            runs[case.name] = run
        assert store.read_graph() == sample_graph
    forked.close()
    return runs


@pytest.mark.neo4j
@pytest.mark.parametrize("name", NAMES["bad"])
def test_neo4j_load_refuses_and_keeps_the_database(name, cases, neo4j_loads):
    run = neo4j_loads[name]
    _assert_refused(run, cases[name])
    assert run.unchanged


@pytest.mark.neo4j
@pytest.mark.parametrize("name", NAMES["store"])
def test_neo4j_load_refuses_what_conflicts_with_the_database(name, neo4j_loads):
    run = neo4j_loads[name]
    assert run.unchanged
    assert (run.code, run.stdout) == (1, "")
    assert run.stderr.startswith("Error: ") and run.stderr.count("\n") == 1, run.stderr
    assert "'marco-rubio'" in run.stderr


@pytest.mark.neo4j
def test_neo4j_stores_hostile_values_verbatim(cases, neo4j_config, sample_graph, neo4j_loads):
    from kg.stores.neo4j import Neo4jStore
    from tests.conftest import wipe_neo4j

    wipe_neo4j(neo4j_config)
    files = [str(cases[name].path) for name in NAMES["good"]]
    with Neo4jStore(neo4j_config) as store:
        store.load(sample_graph)
        run = _kg(["load", *files, "--quiet"], _neo4j_env(neo4j_config))
        assert (run.code, run.stderr) == (0, "")
        _assert_same_graph(store.read_graph(), load_facts(ARTICLE, *files))


# ------------------------------------------------------------------------------------------ in process


# The pure-Python parser scans about 5 MB a second: this case alone would take it 2 s, more than
# all the others together (the 2 MB ones take 0.2 to 0.4 s). It runs at a tenth of its scale in
# test_pure_python_yaml_parser_refuses_a_value_ten_times_the_limit instead.
PURE_PYTHON_SCALED_DOWN = {"ten-megabyte-string"}


@pytest.mark.parametrize("name", [n for n in NAMES["bad"] if n not in PURE_PYTHON_SCALED_DOWN])
def test_pure_python_yaml_parser_refuses_too(name, cases, monkeypatch):
    """Without libyaml (PyYAML's pure-Python parser), every bad case is still a FactsError."""
    case = cases[name]
    monkeypatch.setattr(kg.facts, "_Parser", yaml.SafeLoader)
    with pytest.raises(FactsError) as info:
        load_facts(*_files(case))
    assert info.value.path == str(case.path)
    assert info.value.line is not None or info.value.record is not None


def test_pure_python_yaml_parser_refuses_a_value_ten_times_the_limit(cases, monkeypatch):
    """ten-megabyte-string for the pure-Python parser, the value and the limit a tenth as large.

    The same refusal, on the same line with the same message, of a plain value about ten times
    the limit, in 1 MB rather than 10.
    """
    limit = MAX_STRING_CHARS // 10
    path = cases["ten-megabyte-string"].path.with_name("ten-megabyte-string-tenth.yaml")
    value = "x" * catalogue.MEGABYTE
    path.write_text(catalogue.HEAD + catalogue.RUBIO + f"    note: {value}\n", encoding="utf-8")
    monkeypatch.setattr(kg.facts, "_Parser", yaml.SafeLoader)
    monkeypatch.setattr(kg.facts, "MAX_STRING_CHARS", limit)
    with pytest.raises(FactsError) as info:
        load_facts(path)
    assert str(info.value) == (
        f"{path}:11: a value of {len(value)} characters is over the limit of {limit}"
    )


def test_file_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(kg.facts, "MAX_FACTS_BYTES", 100)
    path = tmp_path / "big.facts.yaml"
    path.write_text("kg: 1\n" + "# padding\n" * 20, encoding="utf-8")
    with pytest.raises(FactsError, match=r"big\.facts\.yaml: cannot read: over the limit of 100"):
        load_facts(path)


def test_a_byte_order_mark_is_dropped_and_lines_stay_right(cases, tmp_path):
    graph = load_facts(cases["bom"].path)
    assert graph.nodes["bom-person"].properties["name"] == "After a BOM"
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfkg: 1\nfoo: 1\n")
    with pytest.raises(FactsError, match=f"^{path}:2: unknown top-level key 'foo'"):
        load_facts(path)


def test_the_longest_value_is_accepted_and_one_more_is_not(tmp_path):
    (tmp_path / "doc.txt").write_text("text", encoding="utf-8")
    head = "kg: 1\ndocument: {id: d, type: Article, name: D, text: doc.txt}\nnodes:\n"
    path = tmp_path / "f.yaml"
    for size, ok in ((MAX_STRING_CHARS, True), (MAX_STRING_CHARS + 1, False)):
        path.write_text(head + f"  - {{id: p, type: Person, name: {'x' * size}}}\n", "utf-8")
        if ok:
            assert len(load_facts(path).nodes["p"].properties["name"]) == size
        else:
            with pytest.raises(FactsError, match=f"{path}:4: a value of {size} characters"):
                load_facts(path)


# ------------------------------------------------------------------------------------------ fuzzing

_ARTICLE_TEXT = ARTICLE.read_text(encoding="utf-8")
_TOKENS = [
    *"[]{}:,-?&*!|>'\"%@`#\n\t \\=<~.0123456789abcdeknostuxyz",
    *["\ufeff", "\x00", "\x85", "\u2028", "é", "\ud800", "!!python/object:os.system ", "&a ", "*a"],
    *["<<: ", "- ", ": ", "id: ", "type: Person", "\n  ", '"\\x01"', '"\\ud800"', "!!binary "],
]
_YAMLISH = st.lists(st.sampled_from(_TOKENS), max_size=60).map("".join)
_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def fuzz_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copy(catalogue.HERE / "doc.txt", folder / "doc.txt")
    shutil.copy(ARTICLE.parent / "article.txt", folder / "article.txt")
    return folder / "fuzz.facts.yaml"


def _only_facts_errors(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        graph = load_facts(path)
    except FactsError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
    else:
        assert isinstance(graph, Graph)


@_SETTINGS
@given(data=st.binary(max_size=300))
def test_fuzz_random_bytes(fuzz_file, data):
    _only_facts_errors(fuzz_file, data)


@_SETTINGS
@given(text=_YAMLISH)
def test_fuzz_yaml_punctuation(fuzz_file, text):
    _only_facts_errors(fuzz_file, text.encode("utf-8", "surrogatepass"))


@_SETTINGS
@given(start=st.integers(0, len(_ARTICLE_TEXT)), length=st.integers(0, 40), insert=_YAMLISH)
def test_fuzz_mutated_article(fuzz_file, start, length, insert):
    """The article's facts with a slice replaced by YAML punctuation: near-valid input."""
    text = _ARTICLE_TEXT[:start] + insert + _ARTICLE_TEXT[start + length :]
    _only_facts_errors(fuzz_file, text.encode("utf-8", "surrogatepass"))


_PROPERTY_NAMES = sorted(kg.facts.load_ontology().properties)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=20)
    | st.sampled_from(["2025-05-17", "2025-02-30", "10:00", "occurred", "Person", "Call", "x"])
)
_KEYS = st.sampled_from([*_PROPERTY_NAMES, "id", "type", "links", "to", "from", "HAS_PARTICIPANT"])
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)
_RECORDS = st.fixed_dictionaries(
    {"id": st.sampled_from(["a", "b", "c", "a b"]) | _SCALARS, "type": _SCALARS | _KEYS},
    optional={key: _VALUES for key in [*_PROPERTY_NAMES, "links"]},
)


@_SETTINGS
@given(
    nodes=st.lists(_RECORDS, max_size=4),
    edges=st.lists(st.dictionaries(_KEYS, _VALUES, max_size=5), max_size=2),
)
def test_fuzz_structures(fuzz_file, nodes, edges):
    """Well-formed YAML whose records have random keys, types and values."""
    document = {"id": "doc", "type": "Article", "name": "Fuzz", "text": "doc.txt"}
    data = {"kg": 1, "document": document, "nodes": nodes, "edges": edges}
    text = yaml.safe_dump(data, allow_unicode=True)
    _only_facts_errors(fuzz_file, text.encode("utf-8", "surrogatepass"))
