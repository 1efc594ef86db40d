"""Draft facts from a French news report: actors, events, dates, statuses and sources.

``kg extract`` reads a report, finds what it says with spaCy's French pipeline, the ontology's
trigger words (``kg:triggerFr``) and the cues of ``cues_fr.yaml``, and writes a facts file for a
person to review: every record quotes the text with its offsets and is marked as extracted with
a confidence. :func:`extract` gives the draft, :func:`kg.extract.score.score` compares one with
hand-written facts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.extract.actors import ActorTable, Gazetteer, find_actors
from kg.extract.draft import build_draft, draft_yaml
from kg.extract.events import Event, find_events
from kg.extract.nlp import ExtractError, check_french, load_model, read_text
from kg.extract.sources import Source, find_sources
from kg.model import Graph
from kg.ontology import load_ontology

__all__ = ["Draft", "ExtractError", "extract", "extract_text"]


@dataclass
class Draft:
    """What one report gave: the facts-file data, its YAML text and the findings behind them."""

    data: dict[str, Any]
    yaml: str
    actors: ActorTable
    events: list[Event]
    sources: list[Source]
    seconds: float

    def counts(self) -> dict[str, int]:
        labels: dict[str, int] = {}
        for node in self.data["nodes"]:
            labels[node["type"]] = labels.get(node["type"], 0) + 1
        return dict(sorted(labels.items()))


def extract_text(
    text: str,
    text_path: Path,
    published: dt.date,
    *,
    known: Graph | None = None,
    relative_to: Path | None = None,
    lang: str = "fr",
) -> Draft:
    """Draft the facts of ``text`` (read from ``text_path``), published on ``published``."""
    import time

    if lang != "fr":
        raise ExtractError(f"kg extract reads French reports only, not {lang!r}")
    check_french(text, str(text_path))
    ont = load_ontology()
    nlp = load_model()
    started = time.perf_counter()
    doc = nlp(text)
    gaz = Gazetteer(known, ont)
    table = find_actors(doc, text, gaz)
    sources = find_sources(doc, table, published)
    attributions = [s.quote for s in sources if s.phrase]
    events = find_events(doc, table, gaz.demonyms, published, ont, attributions)
    data = build_draft(
        text, text_path, published, table, events, sources, ont, relative_to=relative_to
    )
    seconds = time.perf_counter() - started
    return Draft(data, draft_yaml(data, text_path, published), table, events, sources, seconds)


def extract(
    text_path: Path,
    published: dt.date,
    *,
    known: Graph | None = None,
    relative_to: Path | None = None,
    lang: str = "fr",
) -> Draft:
    """Draft the facts of the report in ``text_path``."""
    return extract_text(
        read_text(text_path), text_path, published, known=known, relative_to=relative_to, lang=lang
    )
