"""kg import gdelt / icews: layouts, the CAMEO mapping, actor resolution, idempotency, all or
nothing, --skip-bad and the RDF of imported events, on LadybugDB and on Neo4j."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph as RdfGraph
from rdflib import Namespace, URIRef

from kg.cli import main
from kg.errors import KGError
from kg.export.rdf import write_turtle
from kg.importers.cameo import CAMEO, generate_turtle, load_codebook
from kg.importers.core import ImportRowError, import_files
from kg.importers.resolve import Resolver
from kg.model import Node
from kg.resources import ontology_dir
from kg.shacl import validate

DATA = Path(__file__).parent / "data" / "import"
GDELT = {57: DATA / "gdelt-57.tsv", 58: DATA / "gdelt-58.tsv", 61: DATA / "gdelt-61.tsv"}
ICEWS = DATA / "icews.tab"
LAYOUT = {
    57: "GDELT 1.0 backfile (57 columns, no SOURCEURL)",
    58: "GDELT 1.0 daily (58 columns)",
    61: "GDELT 2.0 (61 columns)",
}
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
KG = Namespace("https://w3id.org/kg-diplo/ontology#")


@pytest.fixture(params=["ladybug", "neo4j"])
def store(request, tmp_path):
    """A fresh store of each engine."""
    if request.param == "ladybug":
        from kg.stores.ladybug import LadybugStore

        s = LadybugStore(tmp_path / "kg.lbug")
    else:
        from kg.stores.neo4j import Neo4jStore
        from tests.conftest import wipe_neo4j

        config = request.getfixturevalue("neo4j_config")
        wipe_neo4j(config)
        s = Neo4jStore(config)
    yield s
    s.close()


def _rows(store, cypher, **params):
    return sorted(tuple(r) for r in store.query(cypher, params).rows)


def _gdelt_rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


# ------------------------------------------------------------------------------------ the code book


def test_cameo_ttl_is_generated_from_the_code_book():
    committed = (ontology_dir() / "cameo.ttl").read_text(encoding="utf-8")
    assert committed == generate_turtle(), (
        "regenerate: python -m kg.importers.cameo > ontology/cameo.ttl"
    )


def test_code_book_as_skos_concepts():
    g = RdfGraph().parse(ontology_dir() / "cameo.ttl", format="turtle")
    cameo = Namespace(CAMEO)
    concepts = set(g.subjects(None, SKOS.Concept))
    assert len(concepts) == len(load_codebook().codes) == 312
    assert str(g.value(cameo["0311"], SKOS.notation)) == "0311"
    assert g.value(cameo["0311"], SKOS.broader) == cameo["031"]
    assert g.value(cameo["031"], SKOS.broader) == cameo["03"]
    assert g.value(cameo["03"], SKOS.broader) is None
    assert float(g.value(cameo["041"], KG.cameoGoldstein)) == 1.0
    assert g.value(cameo["041"], KG.cameoEventClass) == KG.Call
    assert g.value(cameo["046"], KG.cameoEventClass) == KG.Negotiation
    assert g.value(cameo["036"], KG.cameoEventClass) == KG.Announcement
    assert g.value(cameo["036"], KG.cameoAnnouncedClass) == KG.Negotiation


ROOT_CLASSES = {
    "01": "PublicStatement",
    "02": "Appeal",
    "03": "Announcement",
    "04": "Consultation",
    "05": "Rapprochement",
    "06": "Collaboration",
    "07": "AidProvision",
    "08": "Concession",
    "09": "Investigation",
    "10": "GeneralDemand",
    "11": "Disapproval",
    "12": "Rejection",
    "13": "Threat",
    "14": "Protest",
    "15": "ForcePosture",
    "16": "Downgrade",
    "17": "Coercion",
    "18": "Assault",
    "19": "MilitaryAction",
    "20": "MassViolence",
}


@pytest.mark.parametrize("root", sorted(ROOT_CLASSES))
def test_every_code_of_a_root_maps_to_a_class_of_that_root(root):
    book = load_codebook()
    codes = [c for c in book.codes if c.startswith(root)]
    assert codes
    general = book.mapping(root + "0").label
    assert general == ROOT_CLASSES[root]
    for code in codes:
        mapping = book.mapping(code)
        cls = book.ontology.classes[mapping.label]
        if root == "03":  # intent: an announcement of a planned event, never an occurred one
            assert mapping.label == "Announcement" and mapping.announces, code
        else:
            assert mapping.announces is None
            # The class's own code is the code or one of its broader codes (or the root's "0").
            assert cls.cameo is not None
            assert code.startswith(cls.cameo) or cls.cameo == root + "0", (code, cls.name)


def test_finer_classes_win_over_the_general_one():
    book = load_codebook()
    assert book.mapping("041").label == "Call"
    assert book.mapping("046").label == "Negotiation"
    assert book.mapping("0871").label == "Ceasefire"
    assert book.mapping("0874").label == "Withdrawal"
    assert book.mapping("087").label == "Concession"
    assert book.mapping("105").label == "Demand"
    assert book.mapping("1051").label == "Demand"
    assert book.mapping("195").label == "MilitaryAction"  # never Conflict (19): a war, not a row
    assert book.mapping("039").announces == "Consultation"


# ------------------------------------------------------------------------------------ layouts


@pytest.mark.parametrize("columns", sorted(GDELT))
def test_gdelt_layouts_are_detected_and_imported(store, columns):
    report = import_files(store, "gdelt", [GDELT[columns]])
    assert report.files[0]["layout"] == LAYOUT[columns]
    assert report.events == report.rows == 26
    first = _gdelt_rows(GDELT[columns])[0]
    event = f"gdelt-{first[0]}"
    rows = _rows(
        store,
        "MATCH (e {id: $id}) RETURN e.cameo_code, e.cameo_root_code, e.quad_class, e.goldstein, "
        "e.num_mentions, e.num_sources, e.num_articles, e.date",
        id=event,
    )
    assert rows == [("010", "01", 1, 0.0, 2, 1, 2, "2006-07-31")]
    sources = (
        _rows(
            store, "MATCH (e {id: $id})-[:ACCORDING_TO]->(s) RETURN labels(s)[0], s.url", id=event
        )
        if store.engine == "neo4j"
        else _rows(
            store, "MATCH (e {id: $id})-[:ACCORDING_TO]->(s) RETURN label(s), s.url", id=event
        )
    )
    if columns == 57:
        assert sources == [("Report", None)]
    else:
        assert sources == [("Article", first[-1])]
    place = _rows(
        store,
        "MATCH (e {id: $id})-[:HAS_PLACE]->(p:Place)-[:LOCATED_IN]->(c:Country) "
        "RETURN p.name, p.latitude, p.longitude, c.id",
        id=event,
    )
    assert place == [
        (
            "National Postal Museum, District of Columbia, United States",
            38.8973,
            -77.0083,
            "united-states",
        )
    ]


def test_zipped_file(tmp_path, lbug_store):
    archive = tmp_path / "20160728.export.CSV.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(GDELT[58], "20160728.export.CSV")
    report = import_files(lbug_store, "gdelt", [archive])
    assert report.files[0]["layout"] == LAYOUT[58] and report.events == 26


def test_icews_file(store):
    report = import_files(store, "icews", [ICEWS])
    assert report.files[0]["layout"].startswith("ICEWS")
    assert report.events == 25
    rows = _rows(
        store,
        "MATCH (e {id: 'icews-32889836-2018-06-01'})-[:ACCORDING_TO]->(s:Article)"
        "-[:PUBLISHED_ON]->(p:Organisation) RETURN e.cameo_code, e.intensity, e.sentence_number, "
        "s.id, s.published, p.name",
    )
    assert rows == [
        ("040", 1.0, 2, "icews-story-47400351", "2018-06-01", "Vietnam News Agency Bulletin")
    ]
    sector = _rows(
        store,
        "MATCH (e {id: 'icews-32889836-2018-06-01'})-[:HAS_INITIATOR]->(o:Organisation)"
        "-[:PART_OF]->(c:Country) RETURN o.name, o.category, c.id",
    )
    assert sector == [("Foreign Affairs (Bangladesh)", "ministry", "bangladesh")]


# ------------------------------------------------------------------------------------ the mapping


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The article, then the GDELT and ICEWS fixtures, in one embedded store."""
    from kg.facts import sample_facts_path
    from kg.grow import load_documents
    from kg.stores.ladybug import LadybugStore

    store = LadybugStore(tmp_path_factory.mktemp("imported") / "kg.lbug")
    load_documents(store, [sample_facts_path()])
    import_files(store, "gdelt", [GDELT[58]])
    import_files(store, "icews", [ICEWS])
    yield store
    store.close()


def _present_roots() -> list[str]:
    roots = {row[28] for row in _gdelt_rows(GDELT[58])}
    roots |= {line.split("\t")[6][:2] for line in ICEWS.read_text().splitlines()[1:]}
    return sorted(roots)


@pytest.mark.parametrize("root", _present_roots())
def test_imported_events_of_each_root_code(imported, root):
    book = load_codebook()
    rows = imported.query(
        "MATCH (e) WHERE e.cameo_root_code = $root AND e.status = 'occurred' "
        "RETURN e.id, label(e), e.cameo_code",
        {"root": root},
    ).rows
    assert rows, root
    for event_id, label, code in rows:
        assert isinstance(code, str) and code.startswith(root)
        assert label == book.mapping(code).label, event_id
    if root == "03":
        announced = imported.query(
            "MATCH (a:Announcement)-[:ANNOUNCES]->(p) WHERE a.cameo_root_code = '03' "
            "RETURN a.status, p.status, label(p), p.cameo_code"
        ).rows
        assert announced
        for a_status, p_status, p_label, p_code in announced:
            assert (a_status, p_status) == ("occurred", "planned")
            assert p_label == book.mapping(p_code).label


# ------------------------------------------------------------------------------------ actors


def test_the_article_actors_meet_the_imported_events(imported):
    counts = dict(
        imported.query(
            "MATCH (e)-[:HAS_INITIATOR|HAS_TARGET]->(a) "
            "WHERE a.id IN ['russia', 'vladimir-putin', 'donald-trump', 'sergey-lavrov'] "
            "AND (e.id STARTS WITH 'gdelt-' OR e.id STARTS WITH 'icews-') "
            "RETURN a.id, count(e)"
        ).rows
    )
    assert set(counts) == {"russia", "vladimir-putin", "donald-trump", "sergey-lavrov"}
    # ICEWS's "Sergey Viktorovich Lavrov" is the article's Lavrov: no second Lavrov.
    lavrovs = imported.query("MATCH (p:Person) WHERE p.name CONTAINS 'Lavrov' RETURN p.id").rows
    assert lavrovs == [["sergey-lavrov"]]
    # GDELT's RUS and ICEWS's "Russian Federation" are the article's russia: one node.
    russias = imported.query("MATCH (c:Country) WHERE c.name CONTAINS 'Russia' RETURN c.id").rows
    assert russias == [["russia"]]
    # A role inside a country is an organisation part of it.
    gov = imported.query(
        "MATCH (o:Organisation {id: 'united-states-gov'})-[:PART_OF]->(c:Country) "
        "RETURN o.name, o.category, o.alias, c.id"
    ).rows
    assert gov == [["Government (United States)", "government", ["USAGOV"], "united-states"]]
    # Both sources meet the article's russia.
    for prefix in ("gdelt-", "icews-"):
        assert imported.query(
            "MATCH (e)-[:HAS_INITIATOR|HAS_TARGET]->(:Country {id: 'russia'}) "
            "WHERE e.id STARTS WITH $p RETURN count(e)",
            {"p": prefix},
        ).rows[0][0], prefix


def test_person_resolution_never_on_a_surname_alone():
    r = Resolver()
    r.add_known("sergey-lavrov", "Person", ["Sergey Lavrov", None, None, ["Lavrov"]])
    assert r.person("Sergey Viktorovich Lavrov") == "sergey-lavrov"
    assert r.person("sergey lavrov") == "sergey-lavrov"
    assert r.person("Lavrov") != "sergey-lavrov" or r.find("Person", ["Lavrov"]) is not None
    assert r.person("Ivan Lavrov") == "ivan-lavrov"
    # Two store persons fit the first and last name: none is taken.
    r.add_known("anna-smith-1", "Person", ["Anna Smith"])
    r.add_known("anna-smith-2", "Person", ["Anna B. Smith"])
    made = r.person("Anna Maria Smith")
    assert made not in ("anna-smith-1", "anna-smith-2")
    assert isinstance(r.created[made][0], Node)


def test_regions_are_not_countries():
    r = Resolver()
    assert r.country("EUR") is None and r.country("AFR") is None
    assert r.country("RUS") == "russia" and r.country("USA") == "united-states"


# ------------------------------------------------------------------------------------ idempotent


def test_importing_again_changes_nothing(store):
    import_files(store, "gdelt", [GDELT[58]])
    import_files(store, "icews", [ICEWS])
    before = store.read_graph()
    again = import_files(store, "gdelt", [GDELT[58], GDELT[61]])
    assert again.load.changed == 0 or again.load.nodes_created == 0
    # The same events in another layout are the same events (GLOBALEVENTID).
    after_61 = store.read_graph()
    events = {n for n in after_61.nodes if n.startswith("gdelt-") and n[6:].isdigit()}
    assert events == {n for n in before.nodes if n.startswith("gdelt-") and n[6:].isdigit()}
    third = import_files(store, "icews", [ICEWS])
    assert third.load.changed == 0
    assert import_files(store, "gdelt", [GDELT[58], GDELT[61]]).load.changed == 0


def test_an_event_two_sources_give_is_one_event_with_a_claim_each(store, tmp_path):
    import_files(store, "gdelt", [GDELT[58]])
    rows = _gdelt_rows(GDELT[58])
    rows[0][-1] = "https://example.org/another-report"
    rows[0][30] = "1.5"  # this source scores it otherwise, a day later
    rows[0][56] = "20160729"
    same_day = list(rows[0])
    same_day[-1], same_day[30] = "https://example.org/a-third-report", "-2.0"
    other = tmp_path / "other.tsv"
    other.write_text("\t".join(rows[0]) + "\n", encoding="utf-8")
    report = import_files(store, "gdelt", [other])
    assert report.merged == 1
    event = f"gdelt-{rows[0][0]}"
    graph = store.read_graph()
    node = graph.nodes[event]
    assert len(node.properties["documents"]) == 2
    assert node.properties["goldstein"] == 1.5  # the later publication wins
    claims = [e for e in graph.edges.values() if e.source == event and e.type == "HAS_CLAIM"]
    assert len(claims) == 2
    # A source of the same day that disagrees is a conflict: kept and shown, never picked.
    third = tmp_path / "third.tsv"
    third.write_text("\t".join(same_day) + "\n", encoding="utf-8")
    import_files(store, "gdelt", [third])
    node = store.read_graph().nodes[event]
    assert node.properties["goldstein"] == 0.0 and node.properties["conflicts"] == ["goldstein"]


# ------------------------------------------------------------------------------------ bad rows


def _bad(tmp_path: Path, line: int, column: int, value: str) -> Path:
    rows = _gdelt_rows(GDELT[58])
    rows[line - 1][column] = value
    path = tmp_path / "bad.tsv"
    path.write_text("\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("column", "value", "name", "reason"),
    [
        (1, "20061331", "SQLDATE", "a date YYYYMMDD expected, found '20061331'"),
        (1, "20060230", "SQLDATE", "a date YYYYMMDD expected, found '20060230'"),
        (26, "99", "EventCode", "a CAMEO event code expected, found '99'"),
        (26, "36", "EventCode", "a CAMEO event code expected, found '36'"),
        (53, "north", "ActionGeo_Lat", "a latitude expected, found 'north'"),
    ],
)
def test_a_bad_row_stops_the_import_and_writes_nothing(tmp_path, column, value, name, reason):
    db = tmp_path / "kg.lbug"
    runner = CliRunner()
    assert runner.invoke(main, ["load", "--db", str(db), "--quiet"]).exit_code == 0
    stats = runner.invoke(main, ["stats", "--db", str(db), "--format", "json"]).output
    bad = _bad(tmp_path, 7, column, value)
    result = runner.invoke(main, ["import", "gdelt", str(GDELT[58]), str(bad), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == f"Error: {bad}:7: column {name}: {reason}\n"
    assert runner.invoke(main, ["stats", "--db", str(db), "--format", "json"]).output == stats


def test_a_bad_second_file_leaves_the_store_as_it_was(store, tmp_path):
    import_files(store, "icews", [ICEWS])
    before = store.stats()
    bad = _bad(tmp_path, 12, 26, "036x")
    with pytest.raises(ImportRowError, match=r"bad.tsv:12: column EventCode: a CAMEO event code"):
        import_files(store, "gdelt", [GDELT[58], bad])
    assert store.stats() == before


def test_wrong_column_count_and_invalid_utf8(tmp_path, lbug_store):
    rows = GDELT[58].read_bytes().split(b"\n")
    rows[3] = rows[3] + b"\textra"
    short = tmp_path / "short.tsv"
    short.write_bytes(b"\n".join(rows))
    with pytest.raises(ImportRowError, match=r"short.tsv:4: column -: 59 columns where"):
        import_files(lbug_store, "gdelt", [short])
    rows = GDELT[58].read_bytes().split(b"\n")
    rows[4] = rows[4].replace(b"\t", b"\t\xff", 1)
    latin = tmp_path / "latin.tsv"
    latin.write_bytes(b"\n".join(rows))
    with pytest.raises(ImportRowError, match=r"latin.tsv:5: column SQLDATE: not valid UTF-8"):
        import_files(lbug_store, "gdelt", [latin])
    assert lbug_store.stats() == {}


def test_skip_bad_writes_the_rejects_and_imports_the_rest(tmp_path):
    db = tmp_path / "kg.lbug"
    bad = _bad(tmp_path, 3, 1, "2006-07-31")
    rows = bad.read_bytes().split(b"\n")
    rows[9] = rows[9] + b"\textra"
    bad.write_bytes(b"\n".join(rows))
    rejects = tmp_path / "rejects.tsv"
    result = CliRunner().invoke(
        main,
        [
            "import",
            "gdelt",
            str(bad),
            "--db",
            str(db),
            "--skip-bad",
            str(rejects),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["rows"], summary["events"], summary["rejected"]) == (26, 24, 2)
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "file\tline\tcolumn\treason\trow"
    assert [line.split("\t")[1:3] for line in lines[1:]] == [["10", "-"], ["3", "SQLDATE"]]


def test_one_source_can_be_unloaded_and_imported_again(lbug_store):
    from kg.grow import unload

    import_files(lbug_store, "icews", [ICEWS])
    before = lbug_store.read_graph()
    unload(lbug_store, "icews-story-47400351")
    assert "icews-32889836-2018-06-01" not in lbug_store.read_graph().nodes
    # The actors the import made stay: the file describes them.
    assert "foreign-affairs-bangladesh" in lbug_store.read_graph().nodes
    import_files(lbug_store, "icews", [ICEWS])
    assert lbug_store.read_graph() == before


def test_cli_text_output(tmp_path):
    db = tmp_path / "kg.lbug"
    result = CliRunner().invoke(main, ["import", "icews", str(ICEWS), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        f"{ICEWS}: ICEWS events (20 columns with a header), 25 rows, 25 events"
    )
    assert result.output.splitlines()[1].startswith("Imported 25 events from ")


# ------------------------------------------------------------------------------------ RDF


def test_rdf_of_imported_events_is_shacl_valid_with_skos_codes(imported):
    out = io.BytesIO()
    write_turtle(imported.read_graph(), out)
    data = RdfGraph().parse(data=out.getvalue(), format="turtle")
    result = validate(data)
    assert result.conforms, result.text[:2000]
    data.parse(ontology_dir() / "cameo.ttl", format="turtle")
    consults = {
        str(row[0])
        for row in data.query(
            "SELECT ?e WHERE { ?e kg:cameoConcept ?c . ?c skos:broader* ?root . "
            "?root skos:notation '04' }",
            initNs={"kg": KG, "skos": SKOS},
        )
    }
    assert any(e.endswith("/icews-32889836-2018-06-01") for e in consults)
    concept = data.value(URIRef(next(iter(consults))), KG.cameoConcept)
    assert (concept, None, SKOS.Concept) in data or data.value(concept, SKOS.notation)


# ------------------------------------------------------------------------------------ queries

# The event data queries of the library (cypher/), asked of the article and both fixtures; their
# answers on the article alone are in tests/test_queries.py.
EVENT_QUERIES = ("actor_root_codes", "busiest_pairs", "dyad_events")
QUERY_CASES = [
    ("dyad_events", {}),
    ("dyad_events", {"a": "russia", "b": "united-states"}),
    ("dyad_events", {"a": "donald-trump", "b": "north-korea"}),
    ("actor_root_codes", {}),
    ("actor_root_codes", {"actor": "sergey-lavrov"}),
    ("actor_root_codes", {"actor": "united-states"}),
    ("busiest_pairs", {}),
    ("busiest_pairs", {"top": 3}),
]


def _fill(store):
    from kg.facts import sample_facts_path
    from kg.grow import load_documents

    load_documents(store, [sample_facts_path()])
    import_files(store, "gdelt", [GDELT[58]])
    import_files(store, "icews", [ICEWS])


def test_event_queries_have_headers_and_answer():
    from kg.queries import get_query
    from kg.resources import cypher_dir

    for name in EVENT_QUERIES:
        query = get_query(name)
        assert query.path == cypher_dir() / f"{name}.cypher"
        assert query.question.endswith("?") and query.returns.startswith("one row per")
        assert query.example.startswith(f"kg query {name}")
        assert all(p.help for p in query.parameters)


def test_event_queries_agree_on_both_engines(imported, neo4j_config):
    from kg.queries import run_query
    from kg.stores.neo4j import Neo4jStore
    from tests.conftest import wipe_neo4j

    assert {name for name, _ in QUERY_CASES} == set(EVENT_QUERIES)
    wipe_neo4j(neo4j_config)
    with Neo4jStore(neo4j_config) as neo4j:
        _fill(neo4j)
        for name, params in QUERY_CASES:
            ours = run_query(imported, name, params)
            theirs = run_query(neo4j, name, params)
            assert ours.rows, (name, params)
            assert ours.columns == theirs.columns
            assert ours.rows == theirs.rows, (name, params)


def test_icews_bad_rows_and_layouts(tmp_path, lbug_store):
    lines = ICEWS.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split("\t")
    cells[1] = "2018-02-30"
    bad = tmp_path / "bad.tab"
    bad.write_text("\n".join([*lines[:3], "\t".join(cells), *lines[4:]]) + "\n", encoding="utf-8")
    with pytest.raises(ImportRowError, match=r"bad.tab:4: column Event Date: a date YYYY-MM-DD"):
        import_files(lbug_store, "icews", [bad])
    rejects = tmp_path / "rejects.tsv"
    report = import_files(lbug_store, "icews", [bad], skip_bad=rejects)
    assert (report.rows, report.events, report.rejected) == (25, 24, 1)
    assert rejects.read_text(encoding="utf-8").splitlines()[1].split("\t")[:3] == [
        str(bad),
        "4",
        "Event Date",
    ]
    headless = tmp_path / "headless.tab"
    headless.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    with pytest.raises(ImportRowError, match=r"headless.tab:1: column -: not an ICEWS header"):
        import_files(lbug_store, "icews", [headless])
    empty = tmp_path / "empty.tab"
    empty.write_bytes(b"")
    with pytest.raises(KGError, match=r"empty\.tab: the file is empty"):
        import_files(lbug_store, "icews", [empty])
    only_header = tmp_path / "header.tab"
    only_header.write_text(lines[0] + "\n", encoding="utf-8")
    assert import_files(lbug_store, "icews", [only_header]).events == 0


def test_a_gdelt_file_of_another_width_is_refused(tmp_path, lbug_store):
    odd = tmp_path / "odd.tsv"
    odd.write_text("\t".join(["1"] * 59) + "\n", encoding="utf-8")
    with pytest.raises(
        ImportRowError, match=r"odd.tsv:1: column -: 59 columns: not a GDELT layout"
    ):
        import_files(lbug_store, "gdelt", [odd])
    stats = lbug_store.stats()
    assert stats == {} or all(label == "Report" for label in stats)
