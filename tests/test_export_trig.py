"""TriG and N-Quads: the current view with PROV-O in the default graph, a named graph per source.

The article and its three follow-up reports, merged, describe the Trump-Putin call of 19 May
2025 four times: announced for 10:00 with no time zone (17 May), announced for 17:00 Moscow time
(19 May, morning), occurred (19 May, evening and 20 May). Each document's named graph keeps what
it said; the default graph says what kg derives from them all.
"""

from __future__ import annotations

import io
from collections import Counter

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import RDF, XSD, Dataset, Literal, URIRef
from rdflib import Graph as RdfGraph
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.cli import main
from kg.export import FORMATS, export, guess_format
from kg.export.rdf import DATA, KG, PROV, dataset_quads, generate_nquads, to_rdflib
from kg.facts import load_facts, sample_facts_path
from kg.resources import data_dir
from kg.shacl import validate_dataset

# rdflib 7.6's own TriG and N-Quads parsers call its deprecated ConjunctiveGraph API.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

CALL = DATA["call-trump-putin-2025-05-19"]
DOCUMENTS = {
    "article-2025-05-17": "2025-05-17",
    "followup-2025-05-19-matin": "2025-05-19",
    "followup-2025-05-19-soir": "2025-05-19",
    "followup-2025-05-20": "2025-05-20",
}
CLAIMS_QUERY = """
PREFIX kg: <https://w3id.org/kg-diplo/ontology#>
SELECT ?doc ?status WHERE {
  GRAPH ?doc { <https://w3id.org/kg-diplo/id/call-trump-putin-2025-05-19> kg:status ?status }
} ORDER BY ?doc
"""


def _paths() -> list[str]:
    return [
        str(sample_facts_path()),
        *map(str, sorted((data_dir() / "followups").glob("*.facts.yaml"))),
    ]


@pytest.fixture(scope="module")
def merged():
    return load_facts(*_paths())


def _bytes(graph, fmt: str) -> bytes:
    out = io.BytesIO()
    export(graph, fmt, out)
    return out.getvalue()


@pytest.fixture(scope="module")
def trig(merged) -> bytes:
    return _bytes(merged, "trig")


@pytest.fixture(scope="module")
def nquads(merged) -> bytes:
    return _bytes(merged, "nquads")


@pytest.fixture(scope="module")
def dataset(trig) -> Dataset:
    return Dataset().parse(data=trig, format="trig")


def _graphs(ds: Dataset) -> dict[str, RdfGraph]:
    """Every graph of an rdflib Dataset by name ("" for the default graph), as plain Graphs."""
    out: dict[str, RdfGraph] = {}
    for g in ds.graphs():
        plain = RdfGraph()
        plain += g
        name = "" if g.identifier == DATASET_DEFAULT_GRAPH_ID else str(g.identifier)
        out[name] = plain
    return out


@pytest.fixture(scope="module")
def graphs(dataset) -> dict[str, RdfGraph]:
    return _graphs(dataset)


# ------------------------------------------------------------------------------ parsing


def test_formats_are_registered_with_their_suffixes():
    assert guess_format("out/kg.trig") == "trig" and guess_format("out/kg.nq") == "nquads"
    assert not FORMATS["trig"].streams and not FORMATS["nquads"].streams


def test_trig_and_nquads_parse_with_rdflib_and_pyoxigraph_and_agree(trig, nquads, graphs):
    from_nquads = _graphs(Dataset().parse(data=nquads, format="nquads"))
    assert graphs.keys() == from_nquads.keys() == {"", *(str(DATA[d]) for d in DOCUMENTS)}
    for name, graph in graphs.items():
        assert isomorphic(graph, from_nquads[name]), name
    # pyoxigraph reads both to the same quads, and as many as rdflib (no duplicate quads but
    # the parallel interactions, two events between the same actors: one triple in RDF).
    ox_trig = Counter(map(str, ox.parse(trig, format=ox.RdfFormat.TRIG)))
    ox_nquads = Counter(map(str, ox.parse(nquads, format=ox.RdfFormat.N_QUADS)))
    assert ox_trig == ox_nquads
    assert len(ox_trig) == sum(len(g) for g in graphs.values()) > 3000


def test_nquads_are_the_quads_kg_generates(merged, nquads):
    made = {str(q) for q in ox.parse("".join(generate_nquads(merged)), format=ox.RdfFormat.N_QUADS)}
    assert made == {str(q) for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)}
    assert made == {str(q) for q in dataset_quads(merged)}


# ------------------------------------------------------------------------------ what the graphs say


def test_each_document_graph_says_what_that_document_said(graphs):
    matin = graphs[str(DATA["followup-2025-05-19-matin"])]
    assert matin.value(CALL, KG.status) == Literal("announced")
    assert matin.value(CALL, KG.timeZone) == Literal("Europe/Moscow")
    assert matin.value(CALL, KG.localTime) == Literal("17:00")
    instant = Literal("2025-05-19T14:00:00Z", datatype=XSD.dateTime)
    assert matin.value(CALL, KG.utcTime) == instant  # kg's instant for the document's time
    soir = graphs[str(DATA["followup-2025-05-19-soir"])]
    assert soir.value(CALL, KG.status) == Literal("occurred")
    article = graphs[str(DATA["article-2025-05-17"])]
    assert article.value(CALL, KG.status) == Literal("announced")
    assert article.value(CALL, KG.timeZone) == Literal("unknown")
    assert article.value(CALL, KG.utcTime) is None  # an unknown zone gives no instant
    # Each graph has the call's links as its document gives them, with their own quotes.
    assert set(matin.objects(CALL, KG.accordingTo)) == {DATA["statement-kremlin-peskov-2025-05-19"]}
    assert set(soir.objects(CALL, KG.accordingTo)) == {DATA["report-reuters-2025-05-19"]}


def test_the_default_graph_holds_the_current_view(graphs):
    default = graphs[""]
    assert default.value(CALL, KG.status) == Literal("occurred")
    assert default.value(CALL, KG.utcTime) == Literal("2025-05-19T14:00:00Z", datatype=XSD.dateTime)
    assert default.value(CALL, KG.timeZone) == Literal("Europe/Moscow")
    assert {str(d) for d in default.objects(CALL, KG.documents)} == set(DOCUMENTS)


def test_the_default_graph_is_the_turtle_export_plus_prov(merged, graphs):
    without_prov = RdfGraph()
    for s, p, o in graphs[""]:
        if not (p.startswith(str(PROV)) or (p == RDF.type and o.startswith(str(PROV)))):
            without_prov.add((s, p, o))
    turtle = RdfGraph().parse(data=_bytes(merged, "turtle"), format="turtle")
    assert isomorphic(without_prov, turtle)
    assert isomorphic(turtle, to_rdflib(merged))


def test_no_claim_node_and_no_derived_link_in_any_graph(graphs):
    for name, graph in graphs.items():
        assert not list(graph.subjects(RDF.type, KG.Claim)), name
        assert not list(graph.triples((None, KG.hasClaim, None))), name
        assert not any("/claim/" in str(s) for s in graph.subjects()), name
        if name:  # actor interactions are derived from events: the current view only
            assert not list(graph.triples((None, KG.interactsWith, None))), name


def test_a_fact_one_document_describes_is_in_that_documents_graph_only(merged, graphs):
    only = "statement-russian-foreign-ministry-2025-05-17"
    assert merged.nodes[only].properties["document"] == "article-2025-05-17"
    holding = {name for name, g in graphs.items() if (DATA[only], RDF.type, None) in g}
    assert holding == {"", str(DATA["article-2025-05-17"])}
    article = graphs[str(DATA["article-2025-05-17"])]
    assert (DATA[only], KG.authoredBy, DATA["russian-foreign-ministry"]) in article


# ------------------------------------------------------------------------------ PROV-O


def test_each_document_was_generated_at_its_publication_date(merged, graphs):
    default = graphs[""]
    for doc, day in DOCUMENTS.items():
        assert (DATA[doc], RDF.type, PROV.Entity) in default
        assert list(default.objects(DATA[doc], PROV.generatedAtTime)) == [
            Literal(day, datatype=XSD.date)
        ]
    # Every source with a publication date, not only the four documents.
    sources = [
        n for n in merged.nodes.values() if n.label in ("Post", "Report", "OfficialStatement")
    ]
    for node in sources:
        generated = default.value(DATA[node.id], PROV.generatedAtTime)
        published = node.properties.get("published")
        assert generated == (None if published is None else Literal(published, datatype=XSD.date))


def test_the_call_was_derived_from_all_four_documents(graphs):
    default = graphs[""]
    assert set(default.objects(CALL, PROV.wasDerivedFrom)) == {DATA[d] for d in DOCUMENTS}
    # A fact one document describes is derived from that one.
    ministry = DATA["statement-russian-foreign-ministry-2025-05-17"]
    assert (CALL, PROV.hadPrimarySource, DATA["post-trump-truth-social-2025-05-17"]) in default
    assert (ministry, PROV.wasAttributedTo, DATA["russian-foreign-ministry"]) in default


def test_the_attribution_chain_runs_from_document_to_author(graphs):
    default = graphs[""]
    post = DATA["post-trump-truth-social-2025-05-17"]
    assert (DATA["article-2025-05-17"], PROV.wasDerivedFrom, post) in default
    assert (DATA["article-2025-05-17"], KG.cites, post) in default
    assert (post, PROV.wasAttributedTo, DATA["donald-trump"]) in default
    # A source is not derived from the document that mentions it: that would be a cycle.
    assert (post, PROV.wasDerivedFrom, DATA["article-2025-05-17"]) not in default
    reuters = DATA["report-reuters-2025-05-16"]
    official = DATA["statement-senior-ukrainian-official-2025-05-16"]
    assert (reuters, PROV.wasDerivedFrom, official) in default
    assert (DATA["donald-trump"], RDF.type, PROV.Person) in default


# ------------------------------------------------------------------------------ SPARQL


def test_sparql_over_named_graphs_gives_each_documents_status(trig, dataset):
    expected = [
        (str(DATA["article-2025-05-17"]), "announced"),
        (str(DATA["followup-2025-05-19-matin"]), "announced"),
        (str(DATA["followup-2025-05-19-soir"]), "occurred"),
        (str(DATA["followup-2025-05-20"]), "occurred"),
    ]
    store = ox.Store()
    store.load(trig, format=ox.RdfFormat.TRIG)
    rows = [(s["doc"].value, s["status"].value) for s in store.query(CLAIMS_QUERY)]
    assert rows == expected
    assert [(str(r.doc), str(r.status)) for r in dataset.query(CLAIMS_QUERY)] == expected


# ------------------------------------------------------------------------------ SHACL


def test_every_graph_conforms_to_the_shapes(dataset):
    results = validate_dataset(dataset)
    assert list(results) == ["", *sorted(str(DATA[d]) for d in DOCUMENTS)]
    for name, result in results.items():
        assert result.conforms, (name, result.text)


def test_a_document_graph_that_breaks_the_shapes_is_caught(trig):
    ds = Dataset().parse(data=trig, format="trig")
    matin = ds.graph(URIRef(DATA["followup-2025-05-19-matin"]))
    matin.set((CALL, KG.status, Literal("rumoured")))
    results = validate_dataset(ds)
    assert [name for name, r in results.items() if not r.conforms] == [
        str(DATA["followup-2025-05-19-matin"])
    ]


# ------------------------------------------------------------------------------ command line


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for var in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(var, raising=False)

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.mark.parametrize(
    ("suffix", "fmt"), [("trig", ox.RdfFormat.TRIG), ("nq", ox.RdfFormat.N_QUADS)]
)
def test_the_cli_writes_each_dataset_format(run, tmp_path, trig, suffix, fmt):
    result = run("export", "-o", f"x.{suffix}", *_paths())
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote x.{suffix} ({guess_format(f'x.{suffix}')}).\n"
    written = {str(q) for q in ox.parse(path=str(tmp_path / f"x.{suffix}"), format=fmt)}
    assert written == {str(q) for q in ox.parse(trig, format=ox.RdfFormat.TRIG)}


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_the_cli_takes_the_dataset_formats_by_name(run, tmp_path, fmt):
    result = run("export", "--format", fmt, "-o", "x.out", *_paths())
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x.out").stat().st_size > 100_000


@pytest.mark.parametrize("suffix", ["nq", "trig"])
def test_the_store_exports_the_same_dataset_as_the_facts(run, tmp_path, nquads, suffix):
    # From a store, the dataset is streamed chunk by chunk (ClaimedChunks), never merged first.
    assert run("load", "--quiet", *_paths()).exit_code == 0
    result = run("export", "--db", "kg.lbug", "-o", f"store.{suffix}")
    assert result.exit_code == 0, result.output
    fmt = {"nq": "nquads", "trig": "trig"}[suffix]
    from_store = Dataset().parse(tmp_path / f"store.{suffix}", format=fmt)
    from_facts = Dataset().parse(data=nquads, format="nquads")
    store_graphs, facts_graphs = _graphs(from_store), _graphs(from_facts)
    assert store_graphs.keys() == facts_graphs.keys()
    for name, graph in facts_graphs.items():
        assert isomorphic(store_graphs[name], graph), name
