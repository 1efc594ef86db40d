"""A draft facts file: the findings of one report as kg's own records, for a person to review.

Every record is marked as extracted with a confidence in its ``note`` ("extracted by kg extract,
confidence 0.75: ..."), quotes the text with its offsets, and the draft is valid for ``kg
validate`` as written. Known actors keep the id the store or facts gave them, so the draft
loads onto what the store holds.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import yaml

from kg import __version__
from kg.extract.actors import Actor, ActorTable, slug
from kg.extract.events import Event
from kg.extract.sources import Source
from kg.ontology import Ontology

__all__ = ["MARK", "build_draft", "draft_yaml", "header"]

MARK = "extracted by kg extract, confidence"


def header(text_path: Path, published: dt.date) -> str:
    """The comment that opens a draft: what it is and how to review it."""
    return (
        f"# Draft facts of {text_path.name} (published {published.isoformat()}), written by kg extract\n"
        f"# {__version__} for a person to review; nothing here has been checked yet.\n"
        f'# Every record\'s note starts with "{MARK} C" (0 to 1) and the cue it was read from.\n'
        "# To review: read each quote in the text; fix the type, status, date and roles, or delete\n"
        "# the record; give wikidata ids you have verified; then replace the note with your own (or\n"
        "# drop it), and run `kg validate` on this file (with --db to check it against the store)\n"
        "# before `kg load`. Ids of actors the store or the facts given already hold are reused.\n"
    )


def _note(confidence: float, cue: str) -> str:
    return f"{MARK} {confidence:.2f}: {cue}"


def _quote(text: str, start: int, end: int) -> dict[str, Any]:
    return {"quote": text[start:end], "quote_start": start, "quote_end": end}


def _actor_record(actor: Actor, text: str) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": actor.id, "type": actor.label, "name": actor.name}
    for key in ("label_fr", "label_en", "wikidata", "description"):
        if key in actor.properties:
            rec[key] = actor.properties[key]
    aliases = sorted(a for a in actor.aliases if a != actor.name and a != rec.get("label_fr"))
    if aliases:
        rec["alias"] = aliases
    if actor.label == "Organisation":
        rec["category"] = actor.properties.get("category", "other")
    start, end = min(actor.mentions)
    rec.update(_quote(text, start, end))
    rec["note"] = _note(actor.confidence, actor.cue)
    return rec


def _event_id(ev: Event, table: ActorTable, taken: set[str]) -> str:
    names = [slug(table.actors[a].name.split()[-1]) for a in ev.actors()[:2]]
    day = ev.date.date if ev.date else "undated"
    base = "-".join([slug(ev.cls), *names, day])
    found, n = base, 2
    while found in taken:
        found, n = f"{base}-{n}", n + 1
    taken.add(found)
    return found


def _event_record(ev: Event, ev_id: str, table: ActorTable, text: str) -> dict[str, Any]:
    who = " and ".join(table.actors[a].name for a in ev.actors()[:3])
    rec: dict[str, Any] = {
        "id": ev_id,
        "type": ev.cls,
        "name": f"{ev.cls}{' of ' + who if who else ''} ({ev.status})",
        "status": ev.status,
    }
    if ev.date:
        rec["date"] = ev.date.date
        rec["date_precision"] = ev.date.precision
        if ev.date.date_end:
            rec["date_end"] = ev.date.date_end
        if ev.local_time and ev.date.precision == "day":
            rec["date_precision"] = "minute"
            rec["local_time"], rec["time_zone"] = ev.local_time
        resolution = ev.date.resolution
        if ev.local_time and ev.date.precision == "day":
            zone = ev.local_time[1]
            resolution += f" Local time {ev.local_time[0]}, " + (
                "time zone not given in the text." if zone == "unknown" else f"in {zone}."
            )
        if resolution:
            rec["date_resolution"] = resolution
    rec.update(_quote(text, *ev.quote))
    rec["note"] = _note(
        ev.confidence, f'trigger "{text[ev.start : ev.end]}"; status from {ev.status_cue}'
    )
    return rec


def build_draft(
    text: str,
    text_path: Path,
    published: dt.date,
    table: ActorTable,
    events: list[Event],
    sources: list[Source],
    ont: Ontology,
    *,
    relative_to: Path | None,
) -> dict[str, Any]:
    """The draft as the data of a facts file (``kg``, ``document``, ``nodes``, ``edges``)."""
    doc_id = f"article-{slug(text_path.stem)}"
    first_line = text.strip().splitlines()[0].strip() if text.strip() else text_path.stem
    where = (
        os.path.relpath(text_path.resolve(), relative_to.resolve())
        if relative_to
        else str(text_path.resolve())
    )
    document = {
        "id": doc_id,
        "type": "Article",
        "text": where,
        "name": first_line[:200],
        "published": published.isoformat(),
        "language": "fr",
        "description": "Drafted by kg extract; review before loading.",
    }
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    used = {a for ev in events for a in ev.actors() + ev.places}
    used |= {s.author for s in sources} | {s.platform for s in sources if s.platform}
    for actor in table.actors.values():
        if actor.mentions and (actor.label != "Place" or actor.id in used):
            nodes.append(_actor_record(actor, text))
    source_ids: dict[int, str] = {}
    taken = {doc_id, *(n["id"] for n in nodes)}
    for src in sources:
        sid = src.id
        while sid in taken and source_ids.get(id(src)) != sid:
            sid += "-2"
        taken.add(sid)
        source_ids[id(src)] = sid
    by_sentence: dict[int, str] = {}
    for src in sources:
        rec: dict[str, Any] = {
            "id": source_ids[id(src)],
            "type": src.type,
            "name": f"{src.type} by {table.actors[src.author].name}",
        }
        if src.published:
            rec["published"] = src.published
        rec.update(_quote(text, *src.quote))
        rec["note"] = _note(0.7, src.cue)
        links: dict[str, Any] = {}
        if ont.allows("AUTHORED_BY", src.type, table.actors[src.author].label):
            links["AUTHORED_BY"] = src.author
        if src.platform and ont.allows("PUBLISHED_ON", src.type, table.actors[src.platform].label):
            links["PUBLISHED_ON"] = src.platform
        if src.cites is not None:
            links["CITES"] = source_ids[id(src.cites)]
        if links:
            rec["links"] = links
        nodes.append(rec)
        if src.outer:
            for number in [src.sentence, *src.also]:
                by_sentence.setdefault(number, source_ids[id(src)])
            edge = {"type": "CITES", "from": doc_id, "to": source_ids[id(src)]}
            edge.update(_quote(text, *src.quote))
            edges.append(edge)
    ids = {id(ev): _event_id(ev, table, taken) for ev in events}
    for ev in events:
        rec = _event_record(ev, ids[id(ev)], table, text)
        links = {}
        for role, actors in ev.roles.items():
            links[role] = actors[0] if len(actors) == 1 else list(actors)
        if ev.places:
            links["HAS_PLACE"] = ev.places[0] if len(ev.places) == 1 else ev.places
        announced = [
            ids[id(e)]
            for e in ev.announces
            if id(e) in ids and ont.allows("ANNOUNCES", ev.cls, e.cls)
        ]
        if announced:
            links["ANNOUNCES"] = announced[0] if len(announced) == 1 else sorted(set(announced))
        links["ACCORDING_TO"] = by_sentence.get(ev.sentence, doc_id)
        rec["links"] = links
        nodes.append(rec)
    return {"kg": 1, "document": document, "nodes": nodes, "edges": edges}


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """libyaml's emitter where PyYAML has it: five times faster on a long draft."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Quotes keep their exact characters: double-quoted scalars, never folded.
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')


_Dumper.add_representer(str, _str)


def draft_yaml(data: dict[str, Any], text_path: Path, published: dt.date) -> str:
    """The draft as YAML text, its review header first."""
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    # Keys are plain names; only values keep their double quotes.
    body = _QUOTED_KEY.sub(r"\1\2:", body)
    return header(text_path, published) + body


_QUOTED_KEY = re.compile(r'^(\s*(?:- )?)"([A-Za-z_]+)":', re.M)
