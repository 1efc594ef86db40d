"""SPARQL: the query library of sparql/, its parity with cypher/, and the real Oxigraph server.

Every SPARQL query is asked over HTTP of a real ``oxigraph serve-read-only`` started on a free
loopback port, loaded with the dataset of a graph (the article, the article and its follow-up
reports, two reports of one day that disagree, a generated corpus), and must give the same rows,
in the same order, as its Cypher twin on a LadybugDB store loaded with the same graph.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_queries import (
    DISPUTED_ANSWERS,
    FOLLOWUPS,
    GROWN_ANSWERS,
    OVERRIDE_ANSWERS,
    PARAMETERS,
    corpus_cases,
)

from kg.cli import main
from kg.errors import KGError, QueryError
from kg.facts import load_facts, sample_facts_path
from kg.queries import get_query, list_queries, run_query
from kg.sparql.dataset import CAMEO_GRAPH, ONTOLOGY_GRAPH
from kg.sparql.library import (
    adhoc_sparql,
    bind_parameters,
    get_sparql_query,
    list_sparql_queries,
    parse_sparql,
    run_sparql,
    used_variables,
)
from kg.sparql.server import SparqlServer, is_loopback, load_folder, parse_bind

# The questions only RDF asks well: they have no Cypher twin.
RDF_ONLY = {"events_by_cameo", "source_statements", "wikidata_links"}


# ------------------------------------------------------------------------------------ fixtures


def _ladybug(folder, graph):
    from kg.stores.ladybug import LadybugStore

    store = LadybugStore(folder / "kg.lbug")
    store.load(graph)
    return store


class Corpus:
    """One graph in a LadybugDB store and behind a running Oxigraph endpoint.

    The endpoint is loaded from the graph in memory (``kg sparql serve FACTS``) or, ``streamed``,
    from the LadybugDB store chunk by chunk (``kg sparql serve --db``).
    """

    def __init__(self, folder: Path, graph, streamed=False):
        self.cypher = _ladybug(folder, graph)
        load_folder(self.cypher if streamed else graph, folder / "sparql")
        self.server = SparqlServer(folder / "sparql", "127.0.0.1", 0).start()
        # The server is never bound to anything but loopback in tests.
        assert is_loopback(self.server.host)

    def close(self):
        self.server.stop()
        self.cypher.close()


def _corpus(tmp_path_factory, name, graph, streamed=False):
    corpus = Corpus(tmp_path_factory.mktemp(name), graph, streamed)
    yield corpus
    corpus.close()


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    yield from _corpus(tmp_path_factory, "article", load_facts(sample_facts_path()))


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    graph = load_facts(sample_facts_path(), *FOLLOWUPS)
    yield from _corpus(tmp_path_factory, "grown", graph, streamed=True)


DISPUTING_REPORT = """\
kg: 1
document:
  id: {name}
  type: Article
  text: {name}.txt
  name: Report {name}
  published: "2025-05-18"
nodes:
  - id: call-trump-putin-2025-05-19
    type: Call
    name: Trump-Putin call on Monday 19 May at 10:00
    status: {status}
"""


@pytest.fixture(scope="module")
def disputed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("disputed-facts")
    paths = []
    for name, status in (("says-planned", "planned"), ("says-hoped", "hoped")):
        (folder / f"{name}.txt").write_text("Texte du rapport.", encoding="utf-8")
        path = folder / f"{name}.facts.yaml"
        path.write_text(DISPUTING_REPORT.format(name=name, status=status), encoding="utf-8")
        paths.append(path)
    graph = load_facts(sample_facts_path(), *paths)
    yield from _corpus(tmp_path_factory, "disputed", graph, streamed=True)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from kg.generate import generate_corpus

    folder = tmp_path_factory.mktemp("corpus-facts")
    graph = load_facts(*generate_corpus(600, seed=5, out_dir=folder))
    yield from _corpus(tmp_path_factory, "corpus", graph, streamed=True)


def _typed(rows):
    """Rows with floats rounded: SPARQL sums doubles in another order than Cypher."""
    return [[round(v, 6) if isinstance(v, float) else v for v in row] for row in rows]


def _differences(corpus, cases):
    differ = []
    for name, params in cases:
        ours = run_query(corpus.cypher, name, params)
        theirs = run_sparql(corpus.server.url, name, params)
        if (ours.columns, _typed(ours.rows)) != (theirs.columns, _typed(theirs.rows)):
            differ.append((name, params, ours.rows[:2], theirs.rows[:2]))
    return differ


def _example_params(query):
    words = shlex.split(query.example)[3:]  # kg query NAME -p a=1 ...
    return dict(w.split("=", 1) for w in words[1::2])


# ------------------------------------------------------------------------------------ library


def test_every_cypher_question_has_a_sparql_twin_with_the_same_header():
    cypher = {q.name: q for q in list_queries()}
    sparql = {q.name: q for q in list_sparql_queries()}
    assert set(cypher) == set(PARAMETERS)
    assert set(sparql) == set(cypher) | RDF_ONLY
    for name, twin in cypher.items():
        query = sparql[name]
        assert query.question == twin.question, name
        assert [(p.name, p.type, p.default) for p in query.parameters] == [
            (p.name, p.type, p.default) for p in twin.parameters
        ], name
        assert query.example == twin.example.replace("kg query", "kg sparql query", 1), name


@pytest.mark.parametrize("name", sorted(set(PARAMETERS) | RDF_ONLY))
def test_every_query_has_a_complete_header(name):
    query = get_sparql_query(name)
    assert query.question.endswith("?")
    assert query.returns
    assert query.example.startswith(f"kg sparql query {name}")
    assert all(p.type != "any" for p in query.parameters)


def test_a_header_breaking_the_rules_names_the_file(tmp_path):
    bad = "# Question: Who?\n# Parameters:\n#   who: string = null   -- id\nSELECT ?x { ?x ?p ?o }"
    with pytest.raises(QueryError, match="declared parameters the text does not use: who"):
        parse_sparql(bad, "bad", strict=True)
    with pytest.raises(QueryError, match="needs '# Parameters:'"):
        parse_sparql("# Question: Who?\nSELECT * {}", "bad", strict=True)


def test_unknown_query_names_the_closest_one():
    with pytest.raises(QueryError, match="did you mean 'calls'"):
        get_sparql_query("cals")


def test_parameters_go_in_as_rdf_terms_never_as_text():
    hostile = 'x" } ; DROP ALL ; SELECT * { "'
    text = bind_parameters("SELECT * { ?s ?p $v }", {"v": hostile})
    assert text == 'SELECT * { ?s ?p "x\\" } ; DROP ALL ; SELECT * { \\"" }'
    assert bind_parameters("SELECT * { ?s ?p $v } LIMIT $n", {"v": True, "n": 3}) == (
        'SELECT * { ?s ?p "true"^^<http://www.w3.org/2001/XMLSchema#boolean> } LIMIT 3'
    )
    # Strings, IRIs and comments are left alone; a null leaves the variable unbound.
    text = 'SELECT * { <http://x/$v> ?p "$v" } # $v\nLIMIT $n'
    assert bind_parameters(text, {"v": "no", "n": None}) == text
    assert used_variables(text) == ["n"]
    # A node id goes in as the node's IRI, percent-encoded as the RDF export writes it.
    text = bind_parameters("SELECT * { VALUES ?x { id:$v } }", {"v": hostile})
    encoded = "x%22%20%7D%20%3B%20DROP%20ALL%20%3B%20SELECT%20%2A%20%7B%20%22"
    assert text == f"SELECT * {{ VALUES ?x {{ <https://w3id.org/kg-diplo/id/{encoded}> }} }}"
    with pytest.raises(QueryError, match="parameter v: a node id is text, not 3"):
        bind_parameters("SELECT * { VALUES ?x { id:$v } }", {"v": 3})


def test_a_hostile_parameter_is_one_value(article):
    hostile = 'russia" } UNION { ?e ?p ?o } #'
    assert run_sparql(article.server.url, "actor_timeline", {"actor": hostile}).rows == []


# ------------------------------------------------------------------------------------ parity


def test_every_query_matches_its_cypher_twin_on_the_article(article):
    cases = [(name, {}) for name in sorted(PARAMETERS)]
    cases += [(name, overrides) for name, overrides, *_ in OVERRIDE_ANSWERS]
    cases += [(q.name, _example_params(q)) for q in list_queries()]
    assert _differences(article, cases) == []


def test_every_query_matches_its_cypher_twin_after_the_followups(grown):
    cases = [(name, {}) for name in sorted(PARAMETERS)]
    cases += [(name, overrides) for name, overrides, *_ in GROWN_ANSWERS]
    assert _differences(grown, cases) == []


def test_conflicts_and_history_match_when_reports_of_one_day_disagree(disputed):
    cases = [(name, overrides) for name, overrides, *_ in DISPUTED_ANSWERS]
    cases += [("conflicts", {}), ("fact_history", {})]
    assert {name for name, _ in cases} >= {"conflicts", "fact_history"}
    assert run_query(disputed.cypher, "conflicts").rows  # there is something to agree on
    assert _differences(disputed, cases) == []


def test_every_query_matches_its_cypher_twin_on_a_generated_corpus(corpus):
    cases = corpus_cases(corpus.cypher)
    assert {name for name, _ in cases} == set(PARAMETERS)
    assert _differences(corpus, cases) == []


def test_shortest_chains_of_every_length_match_cypher(grown):
    import itertools

    actors = sorted(
        row[0]
        for label in ("Person", "Country", "Organisation")
        for row in grown.cypher.query(f"MATCH (a:{label}) RETURN a.id").rows
    )
    by_length = {}  # up to three pairs of actors per length of their shortest chains
    for a, b in itertools.permutations(actors, 2):
        rows = run_query(grown.cypher, "shortest_path", {"from": a, "to": b}).rows
        pairs = by_length.setdefault(rows[0][0] if rows else None, [])
        if len(pairs) < 3:
            pairs.append((a, b))
    # The article and its follow-ups link actors by chains of every length the query allows,
    # and some not at all (or only beyond 6 hops): every branch of the SPARQL query answers.
    assert set(by_length) == {1, 2, 3, 4, 5, 6, None}
    cases = [("shortest_path", {"from": a, "to": b}) for p in by_length.values() for a, b in p]
    cases += [("shortest_path", {"from": actors[0], "to": actors[0]})]
    cases += [("shortest_path", {"from": actors[0], "to": "nobody"})]
    assert _differences(grown, cases) == []


def test_the_shortest_path_query_is_the_one_kg_writes():
    from kg.sparql.library import sparql_dir
    from kg.sparql.shortest import shortest_path_text

    committed = (sparql_dir() / "shortest_path.rq").read_text(encoding="utf-8")
    assert committed == shortest_path_text(), (
        "python -m kg.sparql.shortest > sparql/shortest_path.rq"
    )


# ------------------------------------------------------------------------------------ RDF only


def test_the_dataset_holds_the_sources_the_ontology_and_cameo_in_named_graphs(grown):
    result = run_sparql(
        grown.server.url,
        adhoc_sparql("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"),
    )
    graphs = [row[0] for row in result.rows]
    assert graphs == [
        CAMEO_GRAPH,
        "https://w3id.org/kg-diplo/id/article-2025-05-17",
        "https://w3id.org/kg-diplo/id/followup-2025-05-19-matin",
        "https://w3id.org/kg-diplo/id/followup-2025-05-19-soir",
        "https://w3id.org/kg-diplo/id/followup-2025-05-20",
        ONTOLOGY_GRAPH,
    ]


def test_what_each_source_said_of_the_monday_call(grown):
    result = run_sparql(grown.server.url, "source_statements")
    said = [
        (r["source"], r["status"], r["local_time"], r["time_zone"])
        for r in result.records()
        if r["fact"] == "call-trump-putin-2025-05-19"
    ]
    assert said == [
        ("article-2025-05-17", "announced", "10:00", "unknown"),
        ("followup-2025-05-19-matin", "announced", "17:00", "Europe/Moscow"),
        ("followup-2025-05-19-soir", "occurred", None, None),
        ("followup-2025-05-20", "occurred", None, None),
    ]
    # One source: its rows alone, the same as in the whole list.
    one = run_sparql(grown.server.url, "source_statements", {"source": "followup-2025-05-19-soir"})
    assert one.rows and one.rows == [r for r in result.rows if r[0] == "followup-2025-05-19-soir"]


def test_facts_linked_to_wikidata(article):
    records = run_sparql(article.server.url, "wikidata_links").records()
    by_id = {r["node"]: r for r in records}
    assert by_id["vladimir-putin"]["wikidata"] == "http://www.wikidata.org/entity/Q7747"
    assert by_id["vladimir-putin"]["wikidata_id"] == "Q7747"
    assert by_id["vladimir-putin"]["events"] > 0
    assert by_id["istanbul"]["kind"] == "Place"
    # Left empty rather than guessed in the facts: no link.
    assert "sergey-lavrov" not in by_id


def test_events_by_any_broader_cameo_code(article):
    def events(code):
        return {
            (r["event"], r["cameo_code"])
            for r in run_sparql(article.server.url, "events_by_cameo", {"code": code}).records()
        }

    consult = events("04")
    assert ("call-trump-putin-2025-05-19", "041") in consult
    assert ("negotiation-istanbul-2025-05-16", "046") in consult
    assert events("041") == {e for e in consult if e[1] == "041"}
    assert all(code.startswith("04") for _, code in consult)
    cypher = run_query(
        article.cypher,
        get_query("actor_root_codes"),
        {"actor": "donald-trump"},
    )
    assert cypher.rows  # the same codes are there in Cypher, as strings to cut


# ------------------------------------------------------------------------------------ protocol


def _post(url, body, content_type):
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_an_update_is_refused(article):
    insert = b"INSERT DATA { <urn:x> <urn:y> <urn:z> }"
    status, body = _post(f"{article.server.base}/update", insert, "application/sparql-update")
    assert (status, body) == (403, b"The server is read-only")
    # Nor through the query endpoint.
    with pytest.raises(QueryError, match=r"refused the query \(400\)"):
        run_sparql(article.server.url, adhoc_sparql(insert.decode()))
    count = run_sparql(article.server.url, adhoc_sparql("ASK { <urn:x> ?p ?o }"))
    assert count.rows == [[False]]


def test_a_malformed_query_gets_the_protocol_error(article):
    status, body = _post(article.server.url, b"SELEC ?x {}", "application/sparql-query")
    assert status == 400
    assert body.startswith(b"error at 1:")
    with pytest.raises(QueryError, match=r"^SPARQL query 'adhoc': the endpoint refused the query"):
        run_sparql(article.server.url, adhoc_sparql("SELEC ?x {}"))


NONE_OF_EVERY_PAIR = 'SELECT ?a { ?a ?b ?c . ?d ?e ?f FILTER(CONCAT(STR(?a), STR(?f)) = "none") }'


def test_a_query_the_server_stops_midway_is_an_error_not_a_short_answer(tmp_path):
    # Oxigraph stops a query at --timeout-s even after its answer has begun: the body then ends
    # with its message in place of the rest of the results.
    load_folder(load_facts(sample_facts_path()), tmp_path / "sparql")
    with SparqlServer(tmp_path / "sparql", "127.0.0.1", 0, timeout_s=1) as server:
        every_pair = adhoc_sparql("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")
        with pytest.raises(QueryError, match="The SPARQL operation has been cancelled") as caught:
            run_sparql(server.url, every_pair)
        # Stopped before its first result: the answer is the results' header, then the words
        # (or, stopped before its header, the protocol's error status).
        stopped = r"(bytes|\(\d+\)): The SPARQL operation has been cancelled$"
        with pytest.raises(QueryError, match=stopped):
            run_sparql(server.url, adhoc_sparql(NONE_OF_EVERY_PAIR))
    assert "\n" not in str(caught.value)


def test_the_cli_asks_an_endpoint_in_every_format(article):
    runner = CliRunner()
    url = article.server.url
    table = runner.invoke(
        main, ["sparql", "query", "calls", "-p", "status=planned", "--endpoint", url]
    )
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split() == [
        "call_id",
        "callers",
        "participants",
        "date",
        "local_time",
        "time_zone",
        "utc_time",
        "status",
        "sources",
    ]
    assert len(lines) == 2 + 2
    as_json = runner.invoke(
        main,
        ["sparql", "query", "calls", "-p", "status=planned", "--endpoint", url, "--format", "json"],
    )
    assert as_json.exit_code == 0
    expected = run_query(article.cypher, "calls", {"status": "planned"}).records()
    assert json.loads(as_json.output) == expected
    as_csv = runner.invoke(
        main,
        ["sparql", "query", "busiest_pairs", "-p", "top=1", "--endpoint", url, "--format", "csv"],
    )
    assert (
        as_csv.output == "actor,name,partner,partner_name,events\nrussia,Russia,ukraine,Ukraine,3\n"
    )


def test_the_cli_says_one_line_for_a_malformed_query(article):
    result = CliRunner().invoke(
        main, ["sparql", "query", "-e", "SELEC ?x {}", "--endpoint", article.server.url]
    )
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith(
        "Error: SPARQL query 'adhoc': the endpoint refused the query (400): error at 1:"
    )


def test_the_cli_names_an_endpoint_it_cannot_reach():
    from kg.sparql.server import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    result = CliRunner().invoke(main, ["sparql", "query", "calls", "--endpoint", url])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot reach the SPARQL endpoint {url}:")
    assert result.output.count("\n") == 1


def test_the_cli_asks_an_embedded_store_without_an_endpoint():
    # No store named: the bundled article (a NEO4J_URI in the environment would name Neo4j).
    runner = CliRunner(env={"NEO4J_URI": None})
    result = runner.invoke(
        main, ["sparql", "query", "busiest_pairs", "-p", "top=1", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {
            "actor": "russia",
            "name": "Russia",
            "partner": "ukraine",
            "partner_name": "Ukraine",
            "events": 3,
        }
    ]
    bad = runner.invoke(main, ["sparql", "query", "calls", "-p", "state=occurred"])
    assert bad.exit_code == 1
    assert bad.output == "Error: query 'calls' has no parameter 'state'; its parameters: status\n"
    listed = runner.invoke(main, ["sparql", "query", "--list", "--format", "json"])
    assert {q["name"] for q in json.loads(listed.output)} == set(PARAMETERS) | RDF_ONLY


def test_bind_addresses():
    assert parse_bind("127.0.0.1:0") == ("127.0.0.1", 0)
    assert parse_bind("[::1]:8000") == ("::1", 8000)
    with pytest.raises(KGError, match="--bind takes HOST:PORT"):
        parse_bind("127.0.0.1:http")
    assert not is_loopback("0.0.0.0")


def _quads(store):
    """A store's quads, those of the ontology's blank nodes (named anew at each load) counted."""
    import pyoxigraph as ox

    blank = ox.BlankNode
    named = {
        str(q)
        for q in store
        if not isinstance(q.subject, blank) and not isinstance(q.object, blank)
    }
    return named, len(store)


def test_a_store_streamed_in_chunks_holds_the_same_dataset_as_the_graph(grown, tmp_path):
    from kg.export.rdf import claimed_facts, generate_nquads, stream_nquads
    from kg.sparql.dataset import load_store, load_store_from

    claimed = claimed_facts(grown.cypher)
    assert claimed  # the follow-ups' facts have claims: the case where the graphs differ most
    whole = grown.cypher.read_graph()
    expected = _quads(load_store(whole))
    assert _quads(load_store_from(grown.cypher, tmp_path / "small", chunk_size=7)) == expected
    # Links that come before the node they start from still find its document's graph.
    chunks = list(grown.cypher.iter_graph(chunk_size=11))[::-1]
    assert sorted("".join(stream_nquads(chunks, claimed)).splitlines()) == sorted(
        "".join(generate_nquads(whole)).splitlines()
    )


def test_a_neo4j_store_streams_into_the_same_dataset(neo4j_store, tmp_path):
    from kg.export.rdf import claimed_facts
    from kg.sparql.dataset import load_store

    graph = load_facts(sample_facts_path(), *FOLLOWUPS)
    neo4j_store.load(graph)
    assert claimed_facts(neo4j_store)
    quads = load_folder(neo4j_store, tmp_path / "sparql")
    expected = load_store(neo4j_store.read_graph())
    assert quads == len(expected)
    import pyoxigraph as ox

    served = ox.Store.read_only(str(tmp_path / "sparql"))
    assert _quads(served) == _quads(expected)


def test_a_streamed_load_that_fails_leaves_no_store(tmp_path):
    from kg.stores.ladybug import LadybugStore

    with LadybugStore(tmp_path / "kg.lbug") as store:
        store.load(load_facts(sample_facts_path(), *FOLLOWUPS))
        store.query(
            "MATCH (c:Claim) WHERE c.id = $id SET c.record = $record",
            {"id": "claim/followup-2025-05-20/vladimir-putin", "record": "{"},
        )
    folder = tmp_path / "sparql"
    with (
        LadybugStore(tmp_path / "kg.lbug", read_only=True) as store,
        pytest.raises(KGError, match="claim/followup-2025-05-20/vladimir-putin"),
    ):
        load_folder(store, folder)
    assert not folder.exists()


def test_a_data_folder_of_other_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(KGError, match="holds files kg did not put there"):
        load_folder(load_facts(sample_facts_path()), tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


# ------------------------------------------------------------------------------------ serve


def _serve(*args):
    # No store named: the bundled article (a NEO4J_URI in the environment would name Neo4j).
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_URI"}
    env["PYTHONUNBUFFERED"] = "1"
    return subprocess.Popen(
        [sys.executable, "-m", "kg", "sparql", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_serve_prints_the_endpoint_answers_and_stops_cleanly_on_ctrl_c(tmp_path):
    data = tmp_path / "store"
    process = _serve("--bind", "127.0.0.1:0", "--data", str(data), "--format", "json")
    try:
        line = process.stdout.readline()
        note = json.loads(line)
        assert note["endpoint"].startswith("http://127.0.0.1:")
        assert note["read_only"] is True
        assert note["quads"] > 5000
        query = urllib.parse.urlencode(
            {"query": "SELECT (COUNT(*) AS ?n) { ?c a <https://w3id.org/kg-diplo/ontology#Call> }"}
        )
        request = urllib.request.Request(
            f"{note['endpoint']}?{query}", headers={"Accept": "application/sparql-results+json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.load(response)
        assert answer["results"]["bindings"][0]["n"]["value"] == "5"
    finally:
        process.send_signal(signal.SIGINT)
        err = process.communicate(timeout=60)[1]
    assert process.returncode == 0, err
    assert err.strip().splitlines()[-1] == "Stopped."
    # Served again from the same folder: reloaded, not refused.
    again = _serve("--bind", "127.0.0.1:0", "--data", str(data))
    try:
        first = again.stdout.readline()
        assert first.startswith("SPARQL endpoint: http://127.0.0.1:")
        assert "(read-only, " in first
    finally:
        again.send_signal(signal.SIGTERM)
        err = again.communicate(timeout=60)[1]
    assert again.returncode == 0, err


def test_serve_streams_a_store_named_with_db(tmp_path):
    from kg.sparql.dataset import load_store

    graph = load_facts(sample_facts_path(), *FOLLOWUPS)
    _ladybug(tmp_path, graph).close()
    process = _serve("--db", str(tmp_path / "kg.lbug"), "--bind", "127.0.0.1:0", "--format", "json")
    try:
        note = json.loads(process.stdout.readline())
        assert note["quads"] == len(load_store(graph))
        statements = run_sparql(note["endpoint"], get_sparql_query("source_statements"))
        sources = {row[0] for row in statements.rows}
        assert sources >= {"article-2025-05-17", "followup-2025-05-20"}
    finally:
        process.send_signal(signal.SIGINT)
        err = process.communicate(timeout=60)[1]
    assert process.returncode == 0, err


def test_serve_refuses_a_port_in_use(article):
    runner = CliRunner()
    result = runner.invoke(main, ["sparql", "serve", "--bind", f"127.0.0.1:{article.server.port}"])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: cannot listen on 127.0.0.1:{article.server.port}: Address already in use\n"
    )


# ------------------------------------------------------------------------------------ docs


def test_schema_html_documents_every_term(tmp_path):
    from rdflib import OWL, RDF, RDFS, Graph, Literal

    from kg.ontology import KG
    from kg.resources import ontology_dir

    result = CliRunner().invoke(
        main, ["schema", "--html", str(tmp_path / "site"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    written = json.loads(result.output)["written"]
    assert [Path(p).name for p in written] == ["index.html", "kg.ttl"]
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    ontology = Graph().parse(ontology_dir() / "kg.ttl")
    import html as html_module

    terms = 0
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for term in ontology.subjects(RDF.type, kind):
            if not str(term).startswith(str(KG)):
                continue
            terms += 1
            name = str(term)[len(str(KG)) :]
            assert f'<section id="{name}" class="term">' in page, name
            for label in ontology.objects(term, RDFS.label):
                assert isinstance(label, Literal)
                assert html_module.escape(str(label)) in page, (name, label)
            for comment in ontology.objects(term, RDFS.comment):
                assert html_module.escape(str(comment)) in page, name
    assert terms > 100
    assert "https://w3id.org/kg-diplo/ontology" in page
    assert 'id="data-iris"' in page


def test_the_readme_documents_the_sparql_commands():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "## Query with SPARQL" in readme
    for command in ("kg sparql serve", "kg sparql query", "kg schema --html"):
        assert command in readme
    section = readme.split("## Query with SPARQL", 1)[1]
    assert "w3id" in section
