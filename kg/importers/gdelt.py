"""GDELT event files: the 1.0 daily export (58 columns), the 1.0 backfile (57, no SOURCEURL) and
the 2.0 export (61, an ADM2 code in each geographic block), detected per file.

A row becomes an event ``gdelt-GLOBALEVENTID`` of the class its CAMEO code maps to
(:mod:`kg.importers.cameo`), with its code (a string), root code, QuadClass, Goldstein score,
mention, source and article counts and average tone; Actor1 is its initiator, Actor2 its target
(:mod:`kg.importers.resolve` says how they are found), the action place its Place. The document
that says so is the SOURCEURL (an Article published on DATEADDED); a backfile row has none, so its
document is the file (a Report). An intent code (03x) gives an Announcement, by Actor1 to
Actor2, that announces a planned event of both.

>>> names, header, layout = layout(b"1" + b"\\t" * 57 + b"\\n", "f")
>>> len(names), header, layout
(58, False, 'GDELT 1.0 daily (58 columns)')
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pyarrow as pa

from kg.errors import KGError
from kg.importers.cameo import Codebook
from kg.importers.core import (
    DATE8,
    INTEGER,
    NUMBER,
    Check,
    Document,
    ImportRowError,
    add_announced_event,
    cameo_check,
    file_document,
)
from kg.importers.resolve import Resolver, slug
from kg.model import Edge, Node

__all__ = ["LAYOUTS", "checks", "documents", "layout"]

_ACTOR = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_EVENT = (
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
)


def _geo(prefix: str, adm2: bool) -> list[str]:
    parts = ["Type", "FullName", "CountryCode", "ADM1Code"]
    parts += ["ADM2Code"] if adm2 else []
    parts += ["Lat", "Long", "FeatureID"]
    return [f"{prefix}Geo_{p}" for p in parts]


def _columns(adm2: bool, url: bool) -> list[str]:
    cols = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    cols += [f"Actor1{c}" for c in _ACTOR] + [f"Actor2{c}" for c in _ACTOR] + list(_EVENT)
    for prefix in ("Actor1", "Actor2", "Action"):
        cols += _geo(prefix, adm2)
    cols += ["DATEADDED"] + (["SOURCEURL"] if url else [])
    return cols


LAYOUTS = {
    57: ("GDELT 1.0 backfile (57 columns, no SOURCEURL)", _columns(False, False)),
    58: ("GDELT 1.0 daily (58 columns)", _columns(False, True)),
    61: ("GDELT 2.0 (61 columns)", _columns(True, True)),
}


def layout(data: bytes, shown: str) -> tuple[list[str], bool, str]:
    """The column names of a file, whether it has a header line (never), and its layout's name."""
    first = data.split(b"\n", 1)[0].rstrip(b"\r")
    if not first:
        raise KGError(f"{shown}: the file is empty")
    count = first.count(b"\t") + 1
    if count not in LAYOUTS:
        raise ImportRowError(
            shown,
            1,
            "-",
            f"{count} columns: not a GDELT layout (57: 1.0 backfile, 58: 1.0 daily, 61: 2.0)",
        )
    name, names = LAYOUTS[count]
    return names, False, name


def checks(names: Sequence[str], book: Codebook) -> list[Check]:
    """What every row must hold."""
    rules = [
        Check("GLOBALEVENTID", r"^[0-9]+$", what="an event id (digits)"),
        Check("SQLDATE", DATE8, what="a date YYYYMMDD", date_format="%Y%m%d"),
        cameo_check("EventCode", book),
        Check("QuadClass", r"^[1-4]$", what="a QuadClass (1 to 4)"),
        Check("GoldsteinScale", NUMBER, optional=True, what="a Goldstein score"),
        Check("NumMentions", INTEGER, optional=True, what="a number of mentions"),
        Check("NumSources", INTEGER, optional=True, what="a number of sources"),
        Check("NumArticles", INTEGER, optional=True, what="a number of articles"),
        Check("AvgTone", NUMBER, optional=True, what="an average tone"),
        Check("ActionGeo_Lat", NUMBER, optional=True, what="a latitude"),
        Check("ActionGeo_Long", NUMBER, optional=True, what="a longitude"),
        Check("DATEADDED", r"^([0-9]{8}|[0-9]{14})$", what="a date YYYYMMDD[HHMMSS]"),
    ]
    return rules


def _number(value: str) -> float | None:
    return float(value) if value else None


def _integer(value: str) -> int | None:
    return int(value) if value else None


def _day(value: str) -> str:
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}"


def _actor(resolver: Resolver, row: dict[str, str], n: int) -> str | None:
    code = row[f"Actor{n}Code"]
    if not code:
        return None
    group = row[f"Actor{n}KnownGroupCode"]
    country = row[f"Actor{n}CountryCode"]
    role = row[f"Actor{n}Type1Code"]
    name = row[f"Actor{n}Name"]
    if group:
        found = resolver.find("Organisation", [group, name])
        return found or resolver.organisation(name.title() if name else group)
    country_id = resolver.country(country, name) if country else None
    if country_id is None:
        resolver.left_out += 1  # a region (EUR, AFR) or a role with no country: no guess
        return None
    if role and role in code:
        return resolver.role(country_id, role, code)
    return country_id


def _place(resolver: Resolver, row: dict[str, str]) -> Node | None:
    name = row["ActionGeo_FullName"]
    if not name:
        return None
    feature = row["ActionGeo_FeatureID"] or name
    props: dict[str, object] = {
        "name": name,
        "latitude": _number(row["ActionGeo_Lat"]),
        "longitude": _number(row["ActionGeo_Long"]),
    }
    return Node(f"gdelt-place-{slug(feature)}", "Place", props)


def documents(
    text: pa.Table,
    lines: pa.Array,
    shown: str,
    book: Codebook,
    resolver: Resolver,
    held: dict[str, Document],
) -> tuple[list[Document], int]:
    """The documents of a file's rows (added to ``held``, shared across files), and its events."""
    touched: dict[str, Document] = {}
    events = 0
    columns = {n: text.column(n).to_pylist() for n in text.column_names}
    line_list = lines.to_pylist()
    for i, line in enumerate(line_list):
        row = {n: columns[n][i] for n in columns}
        url = row.get("SOURCEURL", "")
        added = row["DATEADDED"]
        if url:
            doc_id = "gdelt-source-" + hashlib.sha1(url.encode()).hexdigest()[:16]
            doc = held.get(doc_id)
            if doc is None:
                doc = held[doc_id] = Document(
                    Node(
                        doc_id,
                        "Article",
                        {"name": url[:200], "url": url, "published": _day(added)},
                    )
                )
        else:
            doc = file_document("gdelt", shown, held)
        touched[doc.node.id] = doc
        graph = doc.graph
        graph.add_node(doc.node)
        doc.lines.setdefault(doc.node.id, line)
        code = row["EventCode"]
        mapping = book.mapping(code)
        a1, a2 = _actor(resolver, row, 1), _actor(resolver, row, 2)
        names = " / ".join(row[f"Actor{n}Name"] for n in (1, 2) if row[f"Actor{n}Name"])
        event_id = f"gdelt-{row['GLOBALEVENTID']}"
        day = _day(row["SQLDATE"])
        props: dict[str, object] = {
            "name": f"{book.codes[code].name}" + (f" ({names})" if names else ""),
            "status": "occurred",
            "date": day,
            "date_precision": "day",
            "cameo_code": code,
            "cameo_root_code": code[:2],
            "cameo_concept": code,
            "quad_class": int(row["QuadClass"]),
            "goldstein": _number(row["GoldsteinScale"]),
            "num_mentions": _integer(row["NumMentions"]),
            "num_sources": _integer(row["NumSources"]),
            "num_articles": _integer(row["NumArticles"]),
            "avg_tone": _number(row["AvgTone"]),
        }
        held_event = graph.nodes.get(event_id)
        event = Node(event_id, mapping.label, props)
        if held_event is not None and held_event != event:
            raise ImportRowError(
                shown,
                line,
                "GLOBALEVENTID",
                f"event {row['GLOBALEVENTID']} given twice by one source with other values",
            )
        graph.add_node(event)
        doc.lines.setdefault(event_id, line)
        events += 1
        graph.add_edge(Edge.between(event_id, "ACCORDING_TO", doc.node.id))
        if a1:
            graph.add_edge(Edge.between(event_id, "HAS_INITIATOR", a1))
        if a2 and a2 != a1:
            graph.add_edge(Edge.between(event_id, "HAS_TARGET", a2))
        place = _place(resolver, row)
        if place is not None:
            if place.id not in resolver.known:
                resolver.known[place.id] = place.label
                graph.add_node(place)
                doc.lines.setdefault(place.id, line)
                country_name = row["ActionGeo_FullName"].rsplit(",", 1)[-1].strip()
                country = resolver.country_by_name(country_name)
                if country:
                    graph.add_edge(Edge.between(place.id, "LOCATED_IN", country))
            graph.add_edge(Edge.between(event_id, "HAS_PLACE", place.id))
        if mapping.announces:
            add_announced_event(
                doc, book, code, mapping.announces, event_id, names, (a1, a2), doc.node.id, line
            )
    return list(touched.values()), events
