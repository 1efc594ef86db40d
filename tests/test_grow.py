"""How the graph grows one report at a time (kg.grow, kg.claims), on both engines.

The article of 17 May 2025 and its three follow-up reports (kg/data/followups) are loaded one
``kg load`` at a time into an embedded store and into the tests' Neo4j database (marked neo4j;
conftest refuses to wipe a database holding data the tests did not create). Small reports that
disagree, name other time zones or contradict an identity are written beside the tests.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.cli import main
from kg.errors import FactsError, StoreError
from kg.facts import load_facts, sample_facts_path
from kg.grow import as_of_graph, load_documents, unload
from kg.model import Graph

ARTICLE = sample_facts_path()
FOLLOWUPS = ARTICLE.parent / "followups"
MATIN = FOLLOWUPS / "2025-05-19-matin.facts.yaml"
SOIR = FOLLOWUPS / "2025-05-19-soir.facts.yaml"
TUESDAY = FOLLOWUPS / "2025-05-20.facts.yaml"
DOCS = (ARTICLE, MATIN, SOIR, TUESDAY)
DOCUMENT_IDS = {
    ARTICLE: "article-2025-05-17",
    MATIN: "followup-2025-05-19-matin",
    SOIR: "followup-2025-05-19-soir",
    TUESDAY: "followup-2025-05-20",
}

CALL = "call-trump-putin-2025-05-19"
REALISING = "call-trump-zelenskyy-european-leaders-2025-05-19"
PLANS = ["call-trump-nato-members-after-2025-05-19", "call-trump-zelenskyy-after-2025-05-19"]


def line_of(path: Path, text: str) -> int:
    """The number of the first line of a file holding ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


# ------------------------------------------------------------------------------------ stores


class Target:
    """One store of one engine, opened for each use so that the kg command can open it between."""

    def __init__(self, engine: str, folder: Path, config: Any = None) -> None:
        self.engine = engine
        self.folder = folder
        self.config = config
        self.fresh_count = 0
        self.path = folder / "kg.lbug"
        self.runner = CliRunner()

    @contextmanager
    def store(self) -> Iterator[Any]:
        if self.engine == "neo4j":
            from kg.stores.neo4j import Neo4jStore

            store: Any = Neo4jStore(self.config)
        else:
            from kg.stores.ladybug import LadybugStore

            store = LadybugStore(self.path)
        try:
            yield store
        finally:
            store.close()

    def fresh(self) -> None:
        """Start again from an empty store."""
        if self.engine == "neo4j":
            from conftest import wipe_neo4j

            wipe_neo4j(self.config)
        else:
            self.fresh_count += 1
            self.path = self.folder / f"kg-{self.fresh_count}.lbug"

    def load(self, *paths: Path) -> Any:
        with self.store() as store:
            report, _ = load_documents(store, list(paths))
        return report

    def unload(self, document: str) -> Any:
        with self.store() as store:
            report, _ = unload(store, document)
        return report

    def graph(self) -> Graph:
        with self.store() as store:
            return store.read_graph()

    @property
    def where(self) -> str:
        return f"Neo4j {self.config.uri}" if self.engine == "neo4j" else str(self.path)

    def kg(self, *args: str) -> Result:
        """Run kg against this store; a Neo4j password comes from the environment only."""
        env: dict[str, str | None]
        if self.engine == "neo4j":
            options = ["--uri", self.config.uri]
            env = {
                "NEO4J_USERNAME": self.config.username,
                "NEO4J_PASSWORD": self.config.password or "",
                "NEO4J_DATABASE": self.config.database,
            }
        else:
            options = ["--db", str(self.path)]
            env = dict.fromkeys(("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"))
        return self.runner.invoke(main, [*args, *options], env=env, catch_exceptions=False)

    def rows(self, *args: str) -> list[dict[str, Any]]:
        """The rows of a ``kg query``, as JSON records."""
        result = self.kg("query", *args, "--format", "json")
        assert result.exit_code == 0, result.output
        rows: list[dict[str, Any]] = json.loads(result.stdout)
        return rows


@pytest.fixture(params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    if request.param == "neo4j":
        config = request.getfixturevalue("neo4j_config")
        found = Target("neo4j", tmp_path, config)
        found.fresh()
        return found
    return Target("ladybug", tmp_path)


def _grow(target: Target) -> Target:
    """The article, then each follow-up report, one load at a time, in publication order."""
    with target.store() as store:
        for path in DOCS:
            load_documents(store, [path])
    return target


@pytest.fixture(scope="module")
def grown_ladybug(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store grown once for the module: each test works on a copy of its file."""
    return _grow(Target("ladybug", tmp_path_factory.mktemp("grown"))).path


@pytest.fixture
def grown(request: pytest.FixtureRequest, target: Target) -> Target:
    """``target`` after the four loads, one at a time, in publication order."""
    if target.engine == "neo4j":
        return _grow(target)
    shutil.copyfile(request.getfixturevalue("grown_ladybug"), target.path)
    return target


def report(folder: Path, name: str, published: str, nodes: str) -> Path:
    """A facts file of a document of its own (with its text file) giving these node records.

    The records start on line 9 of the file.
    """
    (folder / f"{name}.txt").write_text("Texte du rapport.", encoding="utf-8")
    head = textwrap.dedent(
        f"""\
        kg: 1
        document:
          id: {name}
          type: Article
          text: {name}.txt
          name: Report {name}
          published: "{published}"
        nodes:
        """
    )
    path = folder / f"{name}.facts.yaml"
    path.write_text(head + textwrap.indent(textwrap.dedent(nodes), "  "), encoding="utf-8")
    return path


def call_record(status: str, call: str = CALL, extra: str = "") -> str:
    """A report's record of a call: its status, and more keys if given."""
    head = f"""\
        - id: {call}
          type: Call
          name: Trump-Putin call on Monday 19 May at 10:00
          status: {status}
        """
    return textwrap.dedent(head) + textwrap.indent(textwrap.dedent(extra), "  ")


def interactions_of(graph: Graph, event: str) -> list[Any]:
    return [
        e
        for e in graph.edges.values()
        if e.type == "INTERACTS_WITH" and e.properties.get("event") == event
    ]


# ------------------------------------------------------------------------------------ 1. loads


def test_a_followup_refers_to_article_nodes_it_does_not_redefine(target: Target) -> None:
    target.load(ARTICLE)
    article = target.graph()
    target.load(SOIR)
    graph = target.graph()
    realises = sorted(
        e.target for e in graph.edges.values() if e.type == "REALISES" and e.source == REALISING
    )
    assert realises == PLANS
    for plan in PLANS:  # the plans are the article's alone: unchanged, no claims
        assert graph.nodes[plan] == article.nodes[plan]
        assert not [e for e in graph.edges.values() if e.source == plan and e.type == "HAS_CLAIM"]


def test_a_reference_found_nowhere_fails_naming_file_and_line_and_changes_nothing(
    target: Target, tmp_path: Path
) -> None:
    # The evening report carries out the article's plans: alone, they are nowhere.
    with pytest.raises(FactsError) as empty:
        target.load(SOIR)
    line = line_of(SOIR, "- to: call-trump-zelenskyy-after-2025-05-19")
    assert str(empty.value) == (
        f"{SOIR}:{line}: edge {REALISING} REALISES call-trump-zelenskyy-after-2025-05-19: "
        "refers to 'call-trump-zelenskyy-after-2025-05-19', which no record defines"
    )
    assert target.graph() == Graph()
    target.load(ARTICLE, MATIN)
    before = target.graph()
    lost = report(
        tmp_path,
        "lost",
        "2025-05-21",
        """\
        - id: call-lost
          type: Call
          name: A call with nobody known
          status: occurred
          links:
            HAS_INITIATOR: donald-trump
            HAS_PARTICIPANT: no-such-actor
        """,
    )
    with pytest.raises(FactsError) as nowhere:
        target.load(lost)
    assert str(nowhere.value) == (
        f"{lost}:15: edge call-lost HAS_PARTICIPANT no-such-actor: "
        "refers to 'no-such-actor', which no record defines"
    )
    assert target.graph() == before


def test_validate_checks_references_against_the_store(target: Target) -> None:
    target.graph()  # an empty store
    line = line_of(SOIR, "- to: call-trump-zelenskyy-after-2025-05-19")
    refused = target.kg("validate", str(SOIR))
    assert refused.exit_code == 1
    assert refused.stdout == ""
    assert refused.stderr == (
        f"Error: {SOIR}:{line}: edge {REALISING} REALISES call-trump-zelenskyy-after-2025-05-19: "
        "refers to 'call-trump-zelenskyy-after-2025-05-19', which no record defines\n"
    )
    target.load(ARTICLE)
    before = target.graph()
    valid = target.kg("validate", str(SOIR))
    assert (valid.exit_code, valid.stderr) == (0, "")
    assert valid.stdout == "1 file(s) valid: 38 nodes, 71 relationships.\n"
    assert target.graph() == before


# ------------------------------------------------------------------------------------ 2. claims


def test_fact_history_gives_one_row_per_document_in_publication_order(grown: Target) -> None:
    history = grown.rows("fact_history", "-p", f"fact={CALL}")
    assert history == [
        {
            "fact": CALL,
            "source": "article-2025-05-17",
            "published": "2025-05-17",
            "status": "announced",
            "date": "2025-05-19",
            "date_precision": "minute",
            "local_time": "10:00",
            "time_zone": "unknown",
            "utc_time": None,
            "quote": (
                "La conversation aura lieu à 10 heures le lundi 19 mai, "
                "sans que le fuseau horaire soit précisé."
            ),
            "quote_start": 386,
            "quote_end": 481,
        },
        {
            "fact": CALL,
            "source": "followup-2025-05-19-matin",
            "published": "2025-05-19",
            "status": "announced",
            "date": "2025-05-19",
            "date_precision": "minute",
            "local_time": "17:00",
            "time_zone": "Europe/Moscow",
            "utc_time": "2025-05-19T14:00:00Z",
            "quote": (
                "la conversation téléphonique entre Vladimir Poutine et Donald Trump "
                "se tiendrait dans la journée, à 17h00 heure de Moscou"
            ),
            "quote_start": 132,
            "quote_end": 253,
        },
        {
            "fact": CALL,
            "source": "followup-2025-05-19-soir",
            "published": "2025-05-19",
            "status": "occurred",
            "date": "2025-05-19",
            "date_precision": "day",
            "local_time": None,
            "time_zone": None,
            "utc_time": None,
            "quote": "Donald Trump et Vladimir Poutine ont eu lundi l'entretien téléphonique annoncé",
            "quote_start": 80,
            "quote_end": 158,
        },
        {
            "fact": CALL,
            "source": "followup-2025-05-20",
            "published": "2025-05-20",
            "status": "occurred",
            "date": "2025-05-19",
            "date_precision": "day",
            "local_time": None,
            "time_zone": None,
            "utc_time": None,
            "quote": "L'appel de lundi entre Donald Trump et Vladimir Poutine",
            "quote_start": 251,
            "quote_end": 306,
        },
    ]
    # A fact one document describes is its own claim: one row.
    march = grown.rows("fact_history", "-p", "fact=call-trump-putin-2025-03-18")
    assert [(r["source"], r["published"], r["status"]) for r in march] == [
        ("article-2025-05-17", "2025-05-17", "occurred")
    ]


def test_the_current_view_of_a_fact_comes_from_its_claims(grown: Target) -> None:
    graph = grown.graph()
    call = graph.nodes[CALL].properties
    assert {k: call.get(k) for k in ("status", "date", "local_time", "time_zone", "utc_time")} == {
        "status": "occurred",
        "date": "2025-05-19",
        "local_time": "17:00",
        "time_zone": "Europe/Moscow",
        "utc_time": "2025-05-19T14:00:00Z",
    }
    assert call["documents"] == sorted(DOCUMENT_IDS.values())
    assert "conflicts" not in call
    claims = sorted(
        e.target for e in graph.edges.values() if e.source == CALL and e.type == "HAS_CLAIM"
    )
    assert claims == [f"claim/{doc}/{CALL}" for doc in sorted(DOCUMENT_IDS.values())]
    ceasefire = graph.nodes["ceasefire-hoped-2025-05-19"].properties
    assert (ceasefire["status"], ceasefire["documents"]) == (
        "not_reached",
        ["article-2025-05-17", "followup-2025-05-20"],
    )
    # The interactions carry the current status of their event.
    assert {e.properties["status"] for e in interactions_of(graph, CALL)} == {"occurred"}
    row = next(r for r in grown.rows("calls") if r["call_id"] == CALL)
    assert (row["status"], row["local_time"], row["time_zone"], row["utc_time"]) == (
        "occurred",
        "17:00",
        "Europe/Moscow",
        "2025-05-19T14:00:00Z",
    )


def test_names_and_aliases_merge(grown: Target, tmp_path: Path) -> None:
    rubio = grown.graph().nodes["marco-rubio"].properties
    assert rubio["alias"] == ["Rubio", "le chef de la diplomatie américaine"]
    before = grown.graph()
    renamed = report(
        tmp_path,
        "renamed",
        "2025-05-21",
        """\
        - id: vladimir-putin
          type: Person
          name: Vladimir Vladimirovich Putin
          label_fr: Vladimir Vladimirovitch Poutine
          alias: [VVP]
          wikidata: Q7747
        """,
    )
    grown.load(renamed)
    putin = grown.graph().nodes["vladimir-putin"].properties
    # The earliest publication names the node; a later one's other names become aliases.
    assert (putin["name"], putin["label_fr"]) == ("Vladimir Putin", "Vladimir Poutine")
    assert putin["alias"] == [
        "Poutine",
        "Putin",
        "le chef du Kremlin",
        "son homologue russe",
        "VVP",
        "Vladimir Vladimirovich Putin",
        "Vladimir Vladimirovitch Poutine",
    ]
    grown.unload("renamed")
    assert grown.graph() == before


WRONG_WIKIDATA = """\
    - id: donald-trump
      type: Person
      name: Donald Trump
      wikidata: Q1
    """


def test_two_wikidata_ids_for_one_node_fail_naming_both_files(
    target: Target, tmp_path: Path
) -> None:
    wrong = report(tmp_path, "wrong-id", "2025-05-21", WRONG_WIKIDATA)
    with pytest.raises(FactsError) as together:
        target.load(ARTICLE, wrong)
    assert str(together.value) == (
        f"{wrong}:9: node donald-trump: 'donald-trump' has wikidata 'Q1' here "
        f"but 'Q22686' in {ARTICLE}"
    )
    assert target.graph() == Graph()
    target.load(ARTICLE)
    before = target.graph()
    failed = target.kg("load", str(wrong), "--quiet")
    assert failed.exit_code == 1
    assert failed.stderr == (
        f"Error: {wrong}:9: node donald-trump: 'donald-trump' has wikidata 'Q1' here but "
        "'Q22686' in document article-2025-05-17 in the store\n"
    )
    assert target.graph() == before


def test_another_node_type_for_an_existing_id_fails(target: Target, tmp_path: Path) -> None:
    country = report(
        tmp_path,
        "country",
        "2025-05-21",
        """\
        - id: donald-trump
          type: Country
          name: Donald Trump
        """,
    )
    with pytest.raises(FactsError) as together:
        target.load(ARTICLE, country)
    assert str(together.value) == (
        f"{country}:9: node donald-trump: 'donald-trump' is a Country here but a Person "
        f"in {ARTICLE}"
    )
    target.load(ARTICLE)
    before = target.graph()
    with pytest.raises(FactsError) as later:
        target.load(country)
    assert str(later.value) == (
        f"{country}:9: node donald-trump: 'donald-trump' is a Country here but a Person "
        "in document article-2025-05-17 in the store"
    )
    assert target.graph() == before


# ------------------------------------------------------------------------------------ 3. conflicts


def test_same_day_reports_that_disagree_are_a_conflict_until_a_later_day(
    target: Target, tmp_path: Path
) -> None:
    target.load(ARTICLE)
    planned = report(tmp_path, "says-planned", "2025-05-18", call_record("planned"))
    hoped = report(tmp_path, "says-hoped", "2025-05-18", call_record("hoped"))
    target.load(planned)
    target.load(hoped)
    call = target.graph().nodes[CALL].properties
    # The status stays what the day before said, and the dispute shows.
    assert (call["status"], call["conflicts"]) == ("announced", ["status"])
    name = "Trump-Putin call on Monday 19 May at 10:00"
    assert target.rows("conflicts") == [
        {
            "fact": CALL,
            "name": name,
            "disputed": ["status"],
            "source": source,
            "published": "2025-05-18",
            "status": status,
            "date": None,
            "local_time": None,
            "time_zone": None,
        }
        for source, status in (("says-hoped", "hoped"), ("says-planned", "planned"))
    ]
    later = report(tmp_path, "says-occurred", "2025-05-19", call_record("occurred"))
    target.load(later)
    call = target.graph().nodes[CALL].properties
    assert (call["status"], "conflicts" in call) == ("occurred", False)
    assert target.rows("conflicts") == []


def test_a_conflict_with_nothing_earlier_is_flagged(target: Target, tmp_path: Path) -> None:
    target.load(ARTICLE)
    new = "call-disputed"
    target.load(report(tmp_path, "b-not-reached", "2025-05-18", call_record("not_reached", new)))
    target.load(report(tmp_path, "a-occurred", "2025-05-18", call_record("occurred", new)))
    call = target.graph().nodes[new].properties
    # Nothing earlier to keep: the first claim by document id, flagged.
    assert (call["status"], call["conflicts"]) == ("occurred", ["status"])
    rows = target.rows("conflicts")
    assert [(r["fact"], r["source"], r["status"], r["disputed"]) for r in rows] == [
        (new, "a-occurred", "occurred", ["status"]),
        (new, "b-not-reached", "not_reached", ["status"]),
    ]


def test_settled_and_open_claims_of_one_day_do_not_conflict(target: Target, tmp_path: Path) -> None:
    target.load(ARTICLE)
    target.load(report(tmp_path, "a-announced", "2025-05-19", call_record("announced")))
    target.load(report(tmp_path, "b-occurred", "2025-05-19", call_record("occurred")))
    call = target.graph().nodes[CALL].properties
    assert (call["status"], "conflicts" in call) == ("occurred", False)
    assert target.rows("conflicts") == []


# ------------------------------------------------------------------------------------ 4. as of


def _calls(target: Target, *args: str) -> dict[str, dict[str, Any]]:
    return {row["call_id"]: row for row in target.rows("calls", *args)}


def test_calls_as_of_a_day(grown: Target) -> None:
    saturday = _calls(grown, "--as-of", "2025-05-18")
    assert sorted(saturday) == [
        "call-rubio-lavrov-2025-05-17",
        "call-trump-nato-members-after-2025-05-19",
        "call-trump-putin-2025-03-18",
        CALL,
        "call-trump-zelenskyy-after-2025-05-19",
    ]
    monday = saturday[CALL]
    assert (monday["status"], monday["local_time"], monday["time_zone"], monday["utc_time"]) == (
        "announced",
        "10:00",
        "unknown",
        None,
    )
    assert [saturday[plan]["status"] for plan in PLANS] == ["planned", "planned"]
    tuesday = _calls(grown, "--as-of", "2025-05-20")
    done = tuesday[CALL]
    assert (done["status"], done["date"], done["utc_time"]) == (
        "occurred",
        "2025-05-19",
        "2025-05-19T14:00:00Z",
    )
    assert tuesday[REALISING]["status"] == "occurred"
    assert tuesday["call-starmer-leaders-2025-05-18"]["status"] == "occurred"


def test_upcoming_calls_and_plans_as_of_a_day(grown: Target) -> None:
    def upcoming(day: str) -> list[str]:
        rows = grown.rows("upcoming_calls", "-p", "after=2025-05-17", "--as-of", day)
        return [r["call_id"] for r in rows]

    assert upcoming("2025-05-18") == [CALL, *PLANS]
    assert upcoming("2025-05-20") == []  # the call occurred, the two plans were carried out
    realised = {
        r["fact"]: (r["realised_by"], r["realised_status"])
        for r in grown.rows("facts_by_status", "-p", "status=planned")
    }
    assert realised == {
        PLANS[0]: ([REALISING], ["occurred"]),
        PLANS[1]: ([REALISING], ["occurred"]),
        "proposal-russia-ceasefire-conditions": ([], []),
    }
    saturday = grown.rows("facts_by_status", "-p", "status=planned", "--as-of", "2025-05-18")
    assert [(r["fact"], r["realised_by"]) for r in saturday] == [(p, []) for p in PLANS]


def test_the_view_as_of_a_day_is_the_graph_of_the_documents_published_by_then(
    grown: Target,
) -> None:
    stored = grown.graph()
    assert stored == load_facts(*DOCS)
    assert as_of_graph(stored, "2025-05-18") == load_facts(ARTICLE)
    assert as_of_graph(stored, "2025-05-19") == load_facts(ARTICLE, MATIN, SOIR)
    assert as_of_graph(stored, "2025-05-20") == stored
    assert as_of_graph(stored, "2025-05-16") == Graph()


def test_export_and_analyze_as_of_a_day(grown: Target, tmp_path: Path) -> None:
    out = tmp_path / "saturday.json"
    exported = grown.kg("export", "--as-of", "2025-05-18", "-o", str(out))
    assert (exported.exit_code, exported.stderr) == (0, f"Wrote {out} (json).\n")
    nodes = {n["id"]: n for n in json.loads(out.read_text(encoding="utf-8"))["nodes"]}
    assert set(nodes) == set(load_facts(ARTICLE).nodes)
    assert nodes[CALL]["status"] == "announced"
    analysed = grown.kg("analyze", "--as-of", "2025-05-18", "--format", "json")
    assert analysed.exit_code == 0, analysed.output
    timeline = {e["event"]: e["status"] for e in json.loads(analysed.stdout)["timeline"]}
    assert timeline[CALL] == "announced"
    assert "call-starmer-leaders-2025-05-18" not in timeline
    now = json.loads(grown.kg("analyze", "--as-of", "2025-05-20", "--format", "json").stdout)
    timeline = {e["event"]: e["status"] for e in now["timeline"]}
    assert (timeline[CALL], timeline["call-starmer-leaders-2025-05-18"]) == ("occurred", "occurred")


@pytest.mark.parametrize(
    "command",
    [
        ("query", "calls"),
        ("export", "--format", "turtle"),
        ("analyze",),
    ],
    ids=["query", "export", "analyze"],
)
def test_as_of_needs_a_date(target: Target, command: tuple[str, ...]) -> None:
    for day in ("notadate", "2025-02-30", "2025-5-18"):
        result = target.kg(*command, "--as-of", day)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr == f"Error: --as-of {day!r} is not a date (YYYY-MM-DD)\n"


# ------------------------------------------------------------------------------------ 5. time zones


def _timed(local_time: str, zone: str) -> str:
    return call_record(
        "announced",
        "call-timed",
        f"""\
        date: "2025-05-19"
        date_precision: minute
        local_time: "{local_time}"
        time_zone: {zone}
        """,
    )


def test_one_instant_in_two_time_zones_agrees(target: Target, tmp_path: Path) -> None:
    target.load(ARTICLE)
    target.load(report(tmp_path, "washington", "2025-05-18", _timed("10:00", "America/New_York")))
    target.load(report(tmp_path, "moscow", "2025-05-18", _timed("17:00", "Europe/Moscow")))
    call = target.graph().nodes["call-timed"].properties
    assert call["utc_time"] == "2025-05-19T14:00:00Z"
    assert "conflicts" not in call
    assert target.rows("conflicts") == []
    history = target.rows("fact_history", "-p", "fact=call-timed")
    assert [(r["source"], r["local_time"], r["time_zone"], r["utc_time"]) for r in history] == [
        ("moscow", "17:00", "Europe/Moscow", "2025-05-19T14:00:00Z"),
        ("washington", "10:00", "America/New_York", "2025-05-19T14:00:00Z"),
    ]


def test_two_instants_of_one_day_conflict(target: Target, tmp_path: Path) -> None:
    target.load(ARTICLE)
    target.load(report(tmp_path, "washington", "2025-05-18", _timed("10:00", "America/New_York")))
    target.load(report(tmp_path, "moscow", "2025-05-18", _timed("10:00", "Europe/Moscow")))
    call = target.graph().nodes["call-timed"].properties
    assert call["conflicts"] == ["date"]
    rows = target.rows("conflicts")
    assert [(r["source"], r["disputed"], r["time_zone"]) for r in rows] == [
        ("moscow", ["date"], "Europe/Moscow"),
        ("washington", ["date"], "America/New_York"),
    ]


def test_a_time_zone_that_does_not_exist_fails_with_file_and_line(
    target: Target, tmp_path: Path
) -> None:
    target.load(ARTICLE)
    before = target.graph()
    mars = report(tmp_path, "mars", "2025-05-18", _timed("10:00", "Mars/Olympus"))
    failed = target.kg("load", str(mars), "--quiet")
    assert failed.exit_code == 1
    assert failed.stderr == (
        f"Error: {mars}:16: node call-timed: time_zone 'Mars/Olympus' is not an IANA time zone "
        "name (Europe/Moscow, America/New_York) or unknown\n"
    )
    assert target.graph() == before


def test_an_unknown_time_zone_never_gives_a_utc_time(grown: Target, tmp_path: Path) -> None:
    grown.load(report(tmp_path, "vague", "2025-05-18", _timed("10:00", "unknown")))
    graph = grown.graph()
    assert "utc_time" not in graph.nodes["call-timed"].properties
    unknown = [n for n in graph.nodes.values() if n.properties.get("time_zone") == "unknown"]
    assert sorted(n.id for n in unknown) == [
        "call-timed",
        f"claim/article-2025-05-17/{CALL}",
    ]
    assert all("utc_time" not in n.properties for n in unknown)


# ------------------------------------------------------------------------------------ 6. unload


def test_unload_restores_the_store_as_before_the_load(target: Target) -> None:
    target.load(ARTICLE, MATIN, SOIR)
    before = target.graph()
    target.load(TUESDAY)
    after = target.graph()
    result = target.kg("unload", "followup-2025-05-20")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        f"Unloaded followup-2025-05-20 from {target.where}: 13 facts touched, "
        "16 nodes and 1 relationship deleted (besides those that went with their nodes), "
        "13 updated.\n"
    )
    assert target.graph() == before
    reloaded = target.kg("load", str(TUESDAY), "--quiet")
    assert reloaded.exit_code == 0, reloaded.output
    assert target.graph() == after


def test_unloading_every_followup_gives_back_the_article(grown: Target) -> None:
    for path in (TUESDAY, SOIR, MATIN):
        grown.unload(DOCUMENT_IDS[path])
    assert grown.graph() == load_facts(ARTICLE)


def test_unloading_the_followups_in_publication_order_gives_back_the_article(
    grown: Target,
) -> None:
    for path in (MATIN, SOIR, TUESDAY):
        grown.unload(DOCUMENT_IDS[path])
    assert grown.graph() == load_facts(ARTICLE)


def test_unloading_the_article_under_its_followups_refuses_and_changes_nothing(
    grown: Target,
) -> None:
    before = grown.graph()
    result = grown.kg("unload", "article-2025-05-17")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: cannot unload 'article-2025-05-17': '{REALISING}' (REALISES) refers to "
        f"'{PLANS[0]}', which only 'article-2025-05-17' describes; unload the document that "
        f"gives '{REALISING}' first, or describe '{PLANS[0]}' there\n"
    )
    assert grown.graph() == before
    # Without the report that refers to its plans, the article goes, and the call keeps what
    # the other reports say of it.
    grown.unload("followup-2025-05-19-soir")
    grown.unload("article-2025-05-17")
    assert grown.graph() == load_facts(MATIN, TUESDAY)
    call = grown.graph().nodes[CALL].properties
    assert (call["status"], call["documents"]) == (
        "occurred",
        ["followup-2025-05-19-matin", "followup-2025-05-20"],
    )


def test_unloading_an_unknown_document_fails_and_changes_nothing(target: Target) -> None:
    target.load(ARTICLE)
    before = target.graph()
    result = target.kg("unload", "no-such-document")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "Error: the store holds nothing from a document 'no-such-document'\n"
    assert target.graph() == before
    with pytest.raises(StoreError):
        target.unload("no-such-document")


# ------------------------------------------------------------------------------------ 7. order


def test_loading_a_followup_twice_changes_nothing(grown: Target) -> None:
    before = grown.graph()
    assert grown.load(TUESDAY).changed == 0
    again = grown.kg("load", str(SOIR), "--quiet", "--format", "json")
    summary = json.loads(again.stdout)
    assert (summary["nodes_created"], summary["nodes_updated"], summary["nodes_deleted"]) == (
        0,
        0,
        0,
    )
    assert summary["relationships_created"] + summary["relationships_updated"] == 0
    assert summary["relationships_deleted"] == 0
    assert grown.graph() == before


def _load_in_order(store: Any, order: tuple[Path, ...]) -> None:
    """Load documents one at a time; one whose references are not in yet waits for the rest."""
    waiting = []
    for path in order:
        before = store.stats()
        try:
            load_documents(store, [path])
        except FactsError as exc:
            assert "which no record defines" in str(exc)
            assert store.stats() == before
            waiting.append(path)
    for path in waiting:
        load_documents(store, [path])


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(order=st.permutations(DOCS))
@example(order=(SOIR, TUESDAY, MATIN, ARTICLE))
def test_the_order_of_loads_does_not_change_the_graph(
    target: Target, order: tuple[Path, ...]
) -> None:
    target.fresh()
    with target.store() as store:
        _load_in_order(store, order)
        assert store.read_graph() == load_facts(*DOCS)


def test_one_load_of_every_document_equals_loads_one_by_one(grown: Target) -> None:
    target = grown
    one_by_one = target.graph()
    target.fresh()
    result = target.kg("load", *map(str, DOCS), "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Loaded 116 nodes and 230 relationships into {target.where}: "
        "346 created, 0 updated, 0 unchanged.\n"
    )
    assert target.graph() == one_by_one == load_facts(*DOCS)


# ------------------------------------------------------------------------------------ 8. direction


def test_no_direction_is_invented(grown: Target) -> None:
    graph = grown.graph()
    march = interactions_of(graph, "call-trump-putin-2025-03-18")
    assert [e.properties["directed"] for e in march] == [False]
    lavrov = interactions_of(graph, "call-rubio-lavrov-2025-05-17")
    assert [(e.source, e.target, e.properties["directed"]) for e in lavrov] == [
        ("marco-rubio", "sergey-lavrov", True)
    ]
    # Undirected events keep the start their first report gave, whatever the engine.
    hoped = interactions_of(graph, "ceasefire-hoped-2025-05-19")
    assert [(e.source, e.target, e.properties["directed"]) for e in hoped] == [
        ("russia", "ukraine", False)
    ]
