"""kg generate: a synthetic corpus that loads, follows the ontology and comes out the same twice."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kg.errors import KGError
from kg.facts import load_facts
from kg.generate import MANIFEST, corpus_paths, generate_corpus, yaml_string
from kg.model import Graph
from kg.ontology import load_ontology

N = 300
PER_FILE = 120  # three events files, so records refer to nodes of other files
SEED = 7


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate_corpus(N, SEED, out, events_per_file=PER_FILE)
    return out


@pytest.fixture(scope="module")
def graph(corpus: Path) -> Graph:
    return load_facts(*corpus_paths(corpus))


@pytest.fixture(scope="module")
def manifest(corpus: Path) -> dict:
    return json.loads((corpus / MANIFEST).read_text(encoding="utf-8"))


def _events(graph: Graph) -> list:
    """The events of the events files (the conflicts of the actors file left out)."""
    ont = load_ontology()
    conflicts = ont.relationships[ont.belligerent_type].sources
    return [
        n for n in graph.nodes.values() if n.label in ont.event_labels and n.label not in conflicts
    ]


def _targets(graph: Graph) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for e in graph.edges.values():
        out.setdefault((e.source, e.type), []).append(e.target)
    return out


# -- files and manifest ------------------------------------------------------------------------------


def test_files_come_in_load_order_with_their_texts(corpus: Path, manifest: dict) -> None:
    names = [p.name for p in corpus_paths(corpus)]
    assert names == [
        "actors.facts.yaml",
        "events-00001.facts.yaml",
        "events-00002.facts.yaml",
        "events-00003.facts.yaml",
    ]
    assert sorted(p.name for p in corpus.iterdir()) == sorted(
        [MANIFEST, *names, "actors.txt", "events-00001.txt", "events-00002.txt", "events-00003.txt"]
    )
    assert (manifest["events"], manifest["seed"], manifest["events_per_file"]) == (
        N,
        SEED,
        PER_FILE,
    )


def test_counts_are_those_of_the_manifest(graph: Graph, manifest: dict) -> None:
    assert graph.counts() == manifest["counts"]
    assert (len(graph.nodes), len(graph.edges)) == (manifest["nodes"], manifest["edges"])
    assert len(_events(graph)) == N


def test_every_label_and_relationship_type_appears(graph: Graph) -> None:
    ont = load_ontology()
    counts = graph.counts()
    # Claims come from several documents describing one fact; a corpus has one per fact.
    assert [lb for lb in ont.fact_labels if not counts.get(lb)] == []
    assert [t for t in ont.relationships if not counts.get(t) and t != ont.claim_type] == []


def test_every_status_and_date_precision_appears(graph: Graph) -> None:
    ont = load_ontology()
    events = _events(graph)
    assert {n.properties["status"] for n in events} == set(ont.status_values())
    precisions = {n.properties["date_precision"] for n in events}
    assert precisions == set(ont.properties["date_precision"].allowed)
    timed = [n for n in events if n.properties["date_precision"] == "minute"]
    assert all(re.fullmatch(r"\d\d:\d\d", n.properties["local_time"]) for n in timed)
    zones = {n.properties["time_zone"] for n in timed}
    assert all(z == "unknown" or re.fullmatch(r"[A-Z][a-z]+/[A-Za-z_]+", z) for z in zones)
    assert not any("local_time" in n.properties for n in events if n not in timed)
    occurred = sum(n.properties["status"] == "occurred" for n in events)
    assert occurred > N / 2  # mostly events that took place


def test_every_event_has_actors_a_source_and_a_quote(graph: Graph) -> None:
    ont = load_ontology()
    links = _targets(graph)
    initiator, others = ont.actor_role_types[0], ont.actor_role_types[1:]
    for event in _events(graph):
        assert len(links[(event.id, initiator)]) == 1, event.id
        actors = [a for role in others for a in links.get((event.id, role), [])]
        assert 1 <= len(actors) <= 3, event.id
        assert len(set(actors) | set(links[(event.id, initiator)])) == len(actors) + 1
        assert links.get((event.id, ont.attribution_type)), event.id
        document = graph.nodes[event.properties["document"]]
        assert document.properties["text_sha256"] and event.properties["quote"], event.id
    # Interactions: one from the initiator to each other actor of each event.
    assert graph.counts()[ont.interaction_type] == sum(
        len(links.get((e.id, role), [])) for e in _events(graph) for role in others
    )


def test_sources_have_authors_and_the_documents_cite_them(graph: Graph) -> None:
    ont = load_ontology()
    links = _targets(graph)
    sources = [n for n in graph.nodes.values() if n.label in ont.source_labels]
    documents = [s for s in sources if "text_sha256" in s.properties]
    assert len(documents) == 4  # the actors file's and one per events file
    cited = {t for d in documents for t in links.get((d.id, "CITES"), [])}
    assert cited == {s.id for s in sources} - {d.id for d in documents}
    assert all(len(links[(s.id, "AUTHORED_BY")]) == 1 for s in sources if s.id in cited)
    assert any(links.get((s.id, "CITES")) for s in sources if s.id in cited)  # chains


def test_names_are_written_in_several_scripts(graph: Graph) -> None:
    names = " ".join(n.properties["name"] for n in graph.nodes.values() if n.label == "Person")
    scripts = {
        "Cyrillic": r"[\u0400-\u04ff]",
        "Arabic": r"[\u0600-\u06ff]",
        "Chinese": r"[\u4e00-\u9fff]",
        "Greek": r"[\u0370-\u03ff]",
        "Hebrew": r"[\u0590-\u05ff]",
        "accented Latin": r"[\u00c0-\u017f]",
    }
    assert [s for s, rx in scripts.items() if not re.search(rx, names)] == []
    everything = json.dumps([n.properties for n in graph.nodes.values()], ensure_ascii=False)
    assert re.search("[\U0001f000-\U0001faff]", everything)  # an emoji now and then


def test_ids_are_plain_yaml_words(graph: Graph) -> None:
    assert [i for i in graph.nodes if not re.fullmatch(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+", i)] == []


def test_the_corpus_loads_into_the_embedded_store(graph: Graph, tmp_path: Path) -> None:
    from kg.stores.ladybug import LadybugStore

    with LadybugStore(tmp_path / "g.lbug") as store:
        report = store.load(graph)
        assert report.nodes_created == len(graph.nodes)
        assert store.read_graph() == graph


# -- reproducibility ---------------------------------------------------------------------------------


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_other_seed_other_corpus(corpus: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    generate_corpus(N, SEED, again, events_per_file=PER_FILE)
    generate_corpus(N, SEED + 1, other, events_per_file=PER_FILE)
    assert _contents(again) == _contents(corpus)
    different = _contents(other)
    assert different.keys() == _contents(corpus).keys()
    assert [n for n, data in different.items() if data == _contents(corpus)[n]] == []


def test_a_smaller_corpus_replaces_a_larger_one(tmp_path: Path) -> None:
    generate_corpus(50, 1, tmp_path, events_per_file=20)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    paths = generate_corpus(15, 1, tmp_path, events_per_file=20)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "actors.facts.yaml",
        "actors.txt",
        MANIFEST,
        "events-00001.facts.yaml",
        "events-00001.txt",
        "notes.txt",
    ]
    assert len(_events(load_facts(*paths))) == 15


def test_progress_reports_events_written(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    generate_corpus(25, 3, tmp_path, events_per_file=10, progress=lambda *a: calls.append(a))
    assert [(done, total) for _, done, total in calls] == [(0, 25), (10, 25), (20, 25), (25, 25)]


# -- errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("events", [0, -3, True, 2.5])
def test_bad_numbers_of_events_are_refused(events: object, tmp_path: Path) -> None:
    with pytest.raises(KGError, match="number of events"):
        generate_corpus(events, 1, tmp_path)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_corpus_paths_needs_a_manifest(tmp_path: Path) -> None:
    with pytest.raises(KGError, match=f"no generated corpus \\(no {MANIFEST}\\)"):
        corpus_paths(tmp_path)
    (tmp_path / MANIFEST).write_text('{"files": ["../etc/passwd"]}', encoding="utf-8")
    with pytest.raises(KGError, match="no list of file names"):
        corpus_paths(tmp_path)


# -- the YAML the generator writes -------------------------------------------------------------------

# Characters facts files refuse (XML 1.0 cannot carry them); the generator never writes them.
NOT_XML = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]))


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",), exclude_characters=NOT_XML), max_size=40))
@example("\u2028 line \u2029 para \x85 next \ufeff bom \x7f\x9f")
@example('on: "no" - [x] # \\ \t\n\r \u200f\u05e9\u05dc\u05d5\u05dd 🕊️')
@example("null")
def test_yaml_strings_read_back_exactly(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    folder = tmp_path_factory.mktemp("yaml")
    (folder / "t.txt").write_text("x", encoding="utf-8")
    facts = textwrap.dedent(
        f"""\
        kg: 1
        document: {{id: doc-1, type: Article, text: t.txt, name: {yaml_string(text)}}}
        nodes:
          - id: topic-1
            type: Topic
            name: {yaml_string(text)}
            alias: [{yaml_string(text)}, {yaml_string(text + "!")}]
        """
    )
    (folder / "t.facts.yaml").write_text(facts, encoding="utf-8")
    graph = load_facts(folder / "t.facts.yaml")
    assert graph.nodes["doc-1"].properties["name"] == text
    assert graph.nodes["topic-1"].properties["alias"] == [text, text + "!"]
