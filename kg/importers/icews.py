"""ICEWS event files: tab-separated with a header line (Event ID, Event Date, Source Name ...).

An event is identified by its Event ID together with its Event Date (``icews-ID-DATE``), the
ID alone is not unique. Its class comes from its CAMEO code (:mod:`kg.importers.cameo`); it keeps
its intensity and sentence number. The source actor is its initiator, the target its target:
a name that is its country's is the Country, a sector actor "Foreign Affairs (Bangladesh)" an
Organisation part of its country, any other name a Person resolved by first and last name
(:mod:`kg.importers.resolve`), unless it reads as an organisation. The document that says so is
the story (an Article ``icews-story-ID`` published on the event date) published on its publisher.
ICEWS often writes one symmetric interaction as two rows (A consults B, B consults A, same story
and sentence): they stay two events, as the data set gives them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyarrow as pa

from kg.errors import KGError
from kg.importers.cameo import Codebook
from kg.importers.core import (
    NUMBER,
    Check,
    Document,
    ImportRowError,
    add_announced_event,
    cameo_check,
)
from kg.importers.resolve import Resolver, iso3_of, slug
from kg.model import Edge, Node

__all__ = ["COLUMNS", "checks", "documents", "layout"]

COLUMNS = [
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
]
_ABSENT = ("", "NA")
# Words that make a plain name an organisation rather than a person.
_ORGANISATION_WORDS = re.compile(
    r"\b(union|nations|party|council|ministry|army|group|organi[sz]ation|bank|court|committee|"
    r"association|front|movement|agency|company|corporation|police|forces|government|parliament|"
    r"commission|fund|alliance|league|assembly|media|university|news|office|authority|"
    r"taliban|hamas|hezbollah|state|republic|federation|club|institute|church)\b",
    re.IGNORECASE,
)
_IN_COUNTRY = re.compile(r"^(?P<name>.*)\((?P<country>[^()]+)\)\s*$")


def layout(data: bytes, shown: str) -> tuple[list[str], bool, str]:
    """The columns of an ICEWS file (its header must be the known one)."""
    first = data.split(b"\n", 1)[0].rstrip(b"\r").lstrip(b"\xef\xbb\xbf")
    if not first:
        raise KGError(f"{shown}: the file is empty")
    header = first.decode("utf-8", "replace").split("\t")
    if header != COLUMNS:
        raise ImportRowError(
            shown, 1, "-", f"not an ICEWS header (expected {len(COLUMNS)} columns: Event ID, ...)"
        )
    return list(COLUMNS), True, f"ICEWS events ({len(COLUMNS)} columns with a header)"


def checks(names: Sequence[str], book: Codebook) -> list[Check]:
    """What every row must hold."""
    return [
        Check("Event ID", r"^[0-9]+$", what="an event id (digits)"),
        Check(
            "Event Date",
            r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            what="a date YYYY-MM-DD",
            date_format="%Y-%m-%d",
        ),
        cameo_check("CAMEO Code", book),
        Check("Intensity", NUMBER, optional=True, what="an intensity"),
        Check("Sentence Number", r"^([0-9]+|NA)$", optional=True, what="a sentence number"),
        Check("Latitude", r"^(-?[0-9]+(\.[0-9]+)?|NA)$", optional=True, what="a latitude"),
        Check("Longitude", r"^(-?[0-9]+(\.[0-9]+)?|NA)$", optional=True, what="a longitude"),
    ]


def _value(text: str) -> str | None:
    return None if text in _ABSENT else text


def _actor(resolver: Resolver, name: str, sectors: str, country: str) -> str | None:
    name, country = name.strip(), country.strip()
    if name in _ABSENT:
        return None
    country_id = resolver.country_by_name(country) if country not in _ABSENT else None
    if iso3_of(name) is not None and (country in _ABSENT or iso3_of(name) == iso3_of(country)):
        return resolver.country_by_name(name)
    sector = _IN_COUNTRY.match(name)
    if sector:
        country_id = resolver.country_by_name(sector["country"].strip()) or country_id
        category = "other"
        if "Ministry" in sectors:
            category = "ministry"
        elif "Military" in sectors:
            category = "armed forces"
        elif "Government" in sectors or "Executive" in sectors:
            category = "government"
        return resolver.organisation(name, country_id, category)
    known = resolver.find("Organisation", [name]) or resolver.find("Country", [name])
    if known is not None:
        return known
    if _ORGANISATION_WORDS.search(name) or len(name.split()) < 2:
        return resolver.organisation(name, country_id)
    return resolver.person(name)


def _place(resolver: Resolver, row: dict[str, str]) -> tuple[Node, str | None] | None:
    parts = [row[c] for c in ("City", "District", "Province", "Country") if _value(row[c])]
    if not parts:
        return None
    name = ", ".join(dict.fromkeys(parts))
    lat, long = _value(row["Latitude"]), _value(row["Longitude"])
    node = Node(
        f"icews-place-{slug(name)}",
        "Place",
        {
            "name": name,
            "latitude": float(lat) if lat else None,
            "longitude": float(long) if long else None,
        },
    )
    country = resolver.country_by_name(row["Country"]) if _value(row["Country"]) else None
    return node, country


def documents(
    text: pa.Table,
    lines: pa.Array,
    shown: str,
    book: Codebook,
    resolver: Resolver,
    held: dict[str, Document],
) -> tuple[list[Document], int]:
    """The documents (stories) of a file's rows, added to ``held``, and the number of events."""
    touched: dict[str, Document] = {}
    events = 0
    columns = {n: text.column(n).to_pylist() for n in text.column_names}
    for i, line in enumerate(lines.to_pylist()):
        row = {n: columns[n][i] for n in columns}
        day = row["Event Date"]
        story = _value(row["Story ID"]) or f"unknown-{slug(shown)}"
        doc_id = f"icews-story-{slug(story)}"
        doc = held.get(doc_id)
        if doc is None:
            publisher = _value(row["Publisher"])
            doc = held[doc_id] = Document(
                Node(
                    doc_id,
                    "Article",
                    {
                        "name": f"{publisher or 'ICEWS'} story {story}",
                        "published": day,
                    },
                )
            )
            doc.graph.add_node(doc.node)
            doc.lines[doc_id] = line
            if publisher:
                outlet = resolver.organisation(publisher, None, "news agency")
                doc.graph.add_edge(Edge.between(doc_id, "PUBLISHED_ON", outlet))
        touched[doc_id] = doc
        graph = doc.graph
        code = row["CAMEO Code"]
        mapping = book.mapping(code)
        source = _actor(resolver, row["Source Name"], row["Source Sectors"], row["Source Country"])
        target = _actor(resolver, row["Target Name"], row["Target Sectors"], row["Target Country"])
        event_id = f"icews-{row['Event ID']}-{day}"
        names = " / ".join(n for n in (row["Source Name"], row["Target Name"]) if _value(n))
        sentence = _value(row["Sentence Number"])
        intensity = row["Intensity"]
        event = Node(
            event_id,
            mapping.label,
            {
                "name": f"{row['Event Text'] or book.codes[code].name}"
                + (f" ({names})" if names else ""),
                "status": "occurred",
                "date": day,
                "date_precision": "day",
                "cameo_code": code,
                "cameo_root_code": code[:2],
                "cameo_concept": code,
                "intensity": float(intensity) if intensity else None,
                "sentence_number": int(sentence) if sentence else None,
            },
        )
        old = graph.nodes.get(event_id)
        if old is not None and old != event:
            raise ImportRowError(
                shown, line, "Event ID", f"event {row['Event ID']} of {day} given twice"
            )
        graph.add_node(event)
        doc.lines.setdefault(event_id, line)
        events += 1
        graph.add_edge(Edge.between(event_id, "ACCORDING_TO", doc_id))
        if source:
            graph.add_edge(Edge.between(event_id, "HAS_INITIATOR", source))
        if target and target != source:
            graph.add_edge(Edge.between(event_id, "HAS_TARGET", target))
        place = _place(resolver, row)
        if place is not None:
            node, country = place
            if node.id not in resolver.known:
                resolver.known[node.id] = node.label
                graph.add_node(node)
                doc.lines.setdefault(node.id, line)
                if country:
                    graph.add_edge(Edge.between(node.id, "LOCATED_IN", country))
            graph.add_edge(Edge.between(event_id, "HAS_PLACE", node.id))
        if mapping.announces:
            add_announced_event(
                doc, book, code, mapping.announces, event_id, names, (source, target), doc_id, line
            )
    return list(touched.values()), events
