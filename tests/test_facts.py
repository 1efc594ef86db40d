"""The article's facts, and the errors a bad facts file gets."""

from __future__ import annotations

import shutil
import textwrap

import pytest

from kg.errors import FactsError
from kg.facts import load_facts, parse_facts, sample_facts_path
from kg.resources import data_dir


@pytest.fixture(scope="module")
def graph():
    return load_facts(sample_facts_path())


def _props(graph, node_id):
    return graph.nodes[node_id].properties


def _targets(graph, node_id, rel_type):
    return sorted(
        e.target for e in graph.edges.values() if e.source == node_id and e.type == rel_type
    )


# ------------------------------------------------------------------------------------------ gold facts


def test_rubio_lavrov_call(graph):
    call = graph.nodes["call-rubio-lavrov-2025-05-17"]
    assert call.label == "Call"
    assert (
        call.properties["status"],
        call.properties["date"],
        call.properties["date_precision"],
    ) == ("occurred", "2025-05-17", "day")
    assert call.properties["cameo_code"] == "041"
    assert _targets(graph, call.id, "HAS_INITIATOR") == ["marco-rubio"]
    assert _targets(graph, call.id, "HAS_PARTICIPANT") == ["sergey-lavrov"]
    assert _targets(graph, call.id, "ACCORDING_TO") == [
        "post-rubio-x-2025-05-17",
        "statement-russian-foreign-ministry-2025-05-17",
    ]
    assert _targets(graph, "statement-russian-foreign-ministry-2025-05-17", "AUTHORED_BY") == [
        "russian-foreign-ministry"
    ]
    assert _targets(graph, "post-rubio-x-2025-05-17", "PUBLISHED_ON") == ["x-platform"]


def test_rubio_welcomed_the_prisoner_exchange(graph):
    welcome = graph.nodes["endorsement-rubio-istanbul-agreements"]
    assert welcome.properties["status"] == "occurred"
    assert _targets(graph, welcome.id, "ABOUT") == ["agreement-prisoner-exchange-2025-05-16"]
    assert _targets(graph, welcome.id, "SUB_EVENT_OF") == ["call-rubio-lavrov-2025-05-17"]


def test_istanbul_talks(graph):
    talks = graph.nodes["negotiation-istanbul-2025-05-16"]
    assert talks.label == "Negotiation"
    assert (
        talks.properties["date"],
        talks.properties["status"],
        talks.properties["first_since"],
    ) == ("2025-05-16", "occurred", "2022-03")
    assert "vendredi" in talks.properties["date_resolution"]
    assert _targets(graph, talks.id, "HAS_PARTICIPANT") == ["russia", "ukraine"]
    assert _targets(graph, talks.id, "HAS_PLACE") == ["istanbul"]
    outcomes = {t: _props(graph, t)["status"] for t in _targets(graph, talks.id, "HAS_OUTCOME")}
    assert outcomes == {
        "agreement-prisoner-exchange-2025-05-16": "occurred",
        "agreement-truce-2025-05-16": "not_reached",
    }


def test_russian_demand_per_reuters_citing_an_official(graph):
    demand = graph.nodes["demand-withdrawal-2025-05-16"]
    assert demand.properties["status"] == "occurred"
    assert _targets(graph, demand.id, "HAS_INITIATOR") == ["russia"]
    assert _targets(graph, demand.id, "HAS_TARGET") == ["ukraine"]
    assert _props(graph, "withdrawal-from-claimed-regions")["status"] == "demanded"
    report = _targets(graph, demand.id, "ACCORDING_TO")
    assert report == ["report-reuters-2025-05-16"]
    assert _targets(graph, report[0], "AUTHORED_BY") == ["reuters"]
    assert _targets(graph, report[0], "CITES") == ["statement-senior-ukrainian-official-2025-05-16"]


def test_announced_monday_call_keeps_local_time_without_time_zone(graph):
    call = _props(graph, "call-trump-putin-2025-05-19")
    assert call["status"] == "announced"
    assert (call["date"], call["local_time"], call["time_zone"], call["date_precision"]) == (
        "2025-05-19",
        "10:00",
        "unknown",
        "minute",
    )
    assert _targets(graph, "call-trump-putin-2025-05-19", "ABOUT") == [
        "russian-invasion-of-ukraine",
        "topic-bilateral-trade",
        "topic-end-of-bloodbath",
    ]
    assert "5 000 soldats" in _props(graph, "topic-end-of-bloodbath")["quote"]
    assert _targets(graph, "announcement-trump-truth-social-2025-05-17", "ACCORDING_TO") == [
        "post-trump-truth-social-2025-05-17"
    ]
    assert _targets(graph, "post-trump-truth-social-2025-05-17", "PUBLISHED_ON") == ["truth-social"]


def test_planned_follow_up_calls(graph):
    for call_id, partner in [
        ("call-trump-zelenskyy-after-2025-05-19", "volodymyr-zelenskyy"),
        ("call-trump-nato-members-after-2025-05-19", "nato"),
    ]:
        props = _props(graph, call_id)
        assert (props["status"], props["date"], props["date_qualifier"]) == (
            "planned",
            "2025-05-19",
            "after",
        )
        assert _targets(graph, call_id, "HAS_PARTICIPANT") == [partner]
        assert _targets(graph, call_id, "FOLLOWS") == ["call-trump-putin-2025-05-19"]


def test_hoped_ceasefire_attacks_previous_call_and_peace_plan(graph):
    assert _props(graph, "ceasefire-hoped-2025-05-19")["status"] == "hoped"
    attacks = _props(graph, "attacks-russia-ukraine-2025-05-16-night")
    assert (attacks["status"], attacks["date"], attacks["date_end"]) == (
        "occurred",
        "2025-05-16",
        "2025-05-17",
    )
    previous = _props(graph, "call-trump-putin-2025-03-18")
    assert (previous["status"], previous["date"]) == ("occurred", "2025-03-18")
    assert _props(graph, "proposal-us-peace-plan")["status"] == "occurred"
    assert _props(graph, "mediation-offer-us-2025-05-17")["status"] == "occurred"


def test_offices_memberships_and_wikidata(graph):
    positions = {
        (e.source, e.target): e.properties["position"]
        for e in graph.edges.values()
        if e.type == "HOLDS_POSITION"
    }
    assert positions[("donald-trump", "united-states")] == "President"
    assert positions[("vladimir-putin", "russia")] == "President"
    assert positions[("volodymyr-zelenskyy", "ukraine")] == "President"
    assert positions[("marco-rubio", "united-states")] == "Secretary of State"
    assert positions[("sergey-lavrov", "russia")] == "Minister of Foreign Affairs"
    assert _targets(graph, "united-states", "MEMBER_OF") == ["nato"]
    wikidata = {
        n.id: n.properties["wikidata"] for n in graph.nodes.values() if "wikidata" in n.properties
    }
    assert (
        wikidata["donald-trump"] == "Q22686"
        and wikidata["istanbul"] == "Q406"
        and wikidata["nato"] == "Q7184"
    )
    assert not {"sergey-lavrov", "truth-social", "russian-foreign-ministry"} & set(wikidata)


def test_every_quote_is_at_its_offsets(graph):
    text = (data_dir() / "article.txt").read_text(encoding="utf-8")
    quoted = [x for x in [*graph.nodes.values(), *graph.edges.values()] if "quote" in x.properties]
    assert len(quoted) > 50
    for item in quoted:
        p = item.properties
        assert text[p["quote_start"] : p["quote_end"]] == p["quote"]
        assert p["document"] == "article-2025-05-17"


def test_every_event_has_a_status_and_a_source(graph):
    for node in graph.nodes.values():
        if node.label in ("Call", "Negotiation", "Demand", "Agreement"):
            assert node.properties["status"]
            assert _targets(graph, node.id, "ACCORDING_TO"), node.id


def test_interaction_edges_point_back_to_their_event(graph):
    edges = {e.id: e.properties for e in graph.edges.values() if e.type == "INTERACTS_WITH"}
    assert edges["donald-trump|INTERACTS_WITH|vladimir-putin|call-trump-putin-2025-05-19"] == {
        "event": "call-trump-putin-2025-05-19",
        "event_type": "Call",
        "date": "2025-05-19",
        "status": "announced",
        "directed": True,
    }
    # No source says who called whom on 18 March: the first participant stands in, undirected.
    assert (
        edges["vladimir-putin|INTERACTS_WITH|donald-trump|call-trump-putin-2025-03-18"]["directed"]
        is False
    )
    assert len(edges) == 11


def test_loading_twice_gives_the_same_graph():
    assert load_facts(sample_facts_path()) == load_facts(sample_facts_path())
    assert load_facts(sample_facts_path(), sample_facts_path()) == load_facts(sample_facts_path())


# ------------------------------------------------------------------------------------------ errors

HEAD = """\
kg: 1
document:
  id: doc
  type: Article
  name: A test article
  text: article.txt
nodes:
"""


def write_facts(tmp_path, body: str, text: str = "Rubio a appelé Lavrov le 17 mai."):
    (tmp_path / "article.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "facts.yaml"
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return path


def error_of(path) -> str:
    with pytest.raises(FactsError) as info:
        parse_facts(path)
    return str(info.value)


def test_bad_date(tmp_path):
    path = write_facts(
        tmp_path,
        """\
        - id: c1
          type: Call
          name: A call
          status: occurred
          date: "2025-02-30"
    """,
    )
    assert (
        error_of(path)
        == f"{path}:12: node c1: date '2025-02-30' is not a real date: day is out of range for month"
    )


def test_unknown_type(tmp_path):
    path = write_facts(
        tmp_path,
        """\
        - id: c1
          type: Telegram
          name: A telegram
    """,
    )
    assert error_of(path).startswith(
        f"{path}:9: node c1: type 'Telegram' is not one of: Person, Country,"
    )


def test_reference_to_a_missing_node(tmp_path):
    path = write_facts(
        tmp_path,
        """\
        - id: c1
          type: Call
          name: A call
          status: occurred
          links:
            HAS_PARTICIPANT: nobody
    """,
    )
    assert (
        error_of(path)
        == f"{path}:13: edge c1 HAS_PARTICIPANT nobody: refers to 'nobody', which no record defines"
    )


def test_quote_not_at_its_offsets(tmp_path):
    path = write_facts(
        tmp_path,
        """\
        - id: rubio
          type: Person
          name: Marco Rubio
          quote: Lavrov
          quote_start: 0
          quote_end: 6
    """,
    )
    assert (
        error_of(path)
        == f"{path}:11: node rubio: quote is not at its offsets 0-6: the text there is 'Rubio '; it is at 15-21"
    )


def test_relationship_the_ontology_forbids(tmp_path):
    path = write_facts(
        tmp_path,
        """\
        - id: rubio
          type: Person
          name: Marco Rubio
        - id: lavrov
          type: Person
          name: Sergey Lavrov
          links:
            HAS_PARTICIPANT: rubio
    """,
    )
    assert "HAS_PARTICIPANT cannot go from a Person to a Person" in error_of(path)


def test_wrong_status_and_duplicate_id(tmp_path):
    path = write_facts(
        tmp_path,
        """\
        - id: c1
          type: Call
          name: A call
          status: rumoured
    """,
    )
    assert (
        error_of(path)
        == f"{path}:11: node c1: status 'rumoured' is not one of: announced, demanded, hoped, not_reached, occurred, planned"
    )
    path = write_facts(
        tmp_path,
        """\
        - id: rubio
          type: Person
          name: Marco Rubio
        - id: rubio
          type: Person
          name: Marco Rubio again
    """,
    )
    assert (
        error_of(path)
        == f"{path}:11: node rubio: id 'rubio' is already used by the record on line 8"
    )


def test_yaml_syntax_error_and_empty_file(tmp_path):
    path = write_facts(tmp_path, "- id: [unclosed\n")
    assert error_of(path).startswith(f"{path}:9: YAML error")
    path.write_text("", encoding="utf-8")
    assert error_of(path) == f"{path}:1: the file is empty"


def test_yaml_tags_that_build_objects_are_refused(tmp_path):
    path = write_facts(tmp_path, "- !!python/object/apply:os.system ['true']\n")
    assert "YAML error" in error_of(path)


def test_conflicting_files(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(data_dir() / "article.txt", other / "article.txt")
    text = (
        sample_facts_path()
        .read_text(encoding="utf-8")
        .replace("name: Marco Rubio\n", "name: Marco A. Rubio\n", 1)
    )
    (other / "facts.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(
        FactsError,
        match=r"node 'marco-rubio' is defined twice with different content \(a file given before it says otherwise\)",
    ):
        load_facts(sample_facts_path(), other / "facts.yaml")


def test_records_may_refer_to_nodes_of_another_file(tmp_path):
    actors = tmp_path / "actors"
    events = tmp_path / "events"
    actors.mkdir()
    events.mkdir()
    write_facts(
        actors,
        """\
        - id: rubio
          type: Person
          name: Marco Rubio
    """,
    )
    write_facts(
        events,
        """\
        - id: c1
          type: Call
          name: A call
          status: occurred
          links:
            HAS_INITIATOR: rubio
    """,
    )
    with pytest.raises(FactsError, match="refers to 'rubio', which no record defines"):
        parse_facts(events / "facts.yaml")
    graph = load_facts(actors / "facts.yaml", events / "facts.yaml")
    assert graph.edges["c1|HAS_INITIATOR|rubio"].target == "rubio"
