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
import pyarrow.compute as pc

from kg.errors import KGError
from kg.importers.cameo import Codebook
from kg.importers.columns import Frame, day, either, empty_to_null, first_rows, lookup, named
from kg.importers.core import (
    DATE8,
    INTEGER,
    NUMBER,
    Check,
    ImportRowError,
    cameo_check,
    file_document_id,
    file_document_name,
)
from kg.importers.resolve import Resolver, slug

__all__ = ["LAYOUTS", "USED", "checks", "frame", "layout"]

_ACTOR_KEY = ("Code", "KnownGroupCode", "CountryCode", "Type1Code", "Name")
# The columns a row's event is made of (the others are checked, then dropped).
USED = frozenset(
    ["GLOBALEVENTID", "SQLDATE", "EventCode", "QuadClass", "GoldsteinScale", "NumMentions"]
    + ["NumSources", "NumArticles", "AvgTone", "DATEADDED", "SOURCEURL"]
    + [f"ActionGeo_{c}" for c in ("FullName", "FeatureID", "Lat", "Long")]
    + [f"Actor{n}{c}" for n in (1, 2) for c in _ACTOR_KEY]
)

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


def _actor(
    resolver: Resolver, code: str, group: str, country: str, role: str, name: str
) -> str | None:
    """The id of a row's actor, None when it has none or is a region (no guess is made)."""
    if not code:
        return None
    person = resolver.known_person(name) if name else None
    if person is not None:
        return person  # GDELT names persons it knows ("VLADIMIR PUTIN", coded RUSGOV)
    if group:
        found = resolver.find("Organisation", [group, name])
        return found or resolver.organisation(name.title() if name else group)
    country_id = resolver.country(country, name) if country else None
    if country_id is None:
        return None  # a region (EUR, AFR) or a role with no country
    if role and role in code:
        return resolver.role(country_id, role, code)
    return country_id


def _actors(text: pa.Table, resolver: Resolver, n: int) -> tuple[pa.Array, int]:
    """Actor ``n``'s id on every row (resolved once per distinct actor) and how many rows name
    an actor that was left out."""
    key = pc.binary_join_element_wise(
        *[text.column(f"Actor{n}{part}").combine_chunks() for part in _ACTOR_KEY], "\t"
    )
    ids = lookup(key, lambda k: _actor(resolver, *k.split("\t")))
    named = pc.not_equal(text.column(f"Actor{n}Code"), "")
    return ids, pc.sum(pc.and_(named, pc.is_null(ids))).as_py() or 0


def _places(
    text: pa.Table, resolver: Resolver, documents: pa.Array, lines: pa.Array
) -> tuple[pa.Array, pa.Table]:
    """Each row's action place id, and the places new to the store (the first row's values)."""
    name = text.column("ActionGeo_FullName").combine_chunks()
    feature = text.column("ActionGeo_FeatureID").combine_chunks()
    key = pc.if_else(pc.equal(name, ""), "", pc.if_else(pc.equal(feature, ""), name, feature))
    ids = lookup(key, lambda k: f"gdelt-place-{slug(k)}" if k else None)
    first = first_rows(ids)
    first = first.filter(pc.is_valid(ids.take(first)))
    fresh = [i not in resolver.known for i in ids.take(first).to_pylist()]
    first = first.filter(pa.array(fresh, pa.bool_()))
    names = name.take(first)
    countries = []
    for place_id, place_name in zip(ids.take(first).to_pylist(), names.to_pylist(), strict=True):
        resolver.known[place_id] = "Place"
        countries.append(resolver.country_by_name(place_name.rsplit(",", 1)[-1].strip()))
    places = pa.table(
        {
            "id": ids.take(first),
            "document": documents.take(first),
            "line": lines.take(first),
            "name": names,
            "latitude": empty_to_null(text.column("ActionGeo_Lat")).take(first).cast(pa.float64()),
            "longitude": empty_to_null(text.column("ActionGeo_Long"))
            .take(first)
            .cast(pa.float64()),
            "country": pa.array(countries, pa.string()),
        }
    )
    return ids, places


def _documents(text: pa.Table, lines: pa.Array, shown: str) -> tuple[pa.Array, pa.Table]:
    """Each row's document id (its SOURCEURL, else the file), and the documents."""
    if "SOURCEURL" in text.column_names:
        url = text.column("SOURCEURL").combine_chunks()
    else:
        url = pa.array([""] * text.num_rows, pa.string())
    whole = file_document_id("gdelt", shown)

    def document(value: str) -> str:
        if not value:
            return whole
        return "gdelt-source-" + hashlib.sha1(value.encode()).hexdigest()[:16]

    ids = lookup(url, document)
    first = first_rows(ids)
    urls = url.take(first)
    given = pc.not_equal(urls, "")
    table = pa.table(
        {
            "id": ids.take(first),
            "label": pc.if_else(given, "Article", "Report"),
            "line": pc.if_else(given, lines.take(first), 1),
            "name": pc.if_else(
                given, pc.utf8_slice_codeunits(urls, 0, 200), file_document_name("gdelt", shown)
            ),
            "url": empty_to_null(urls),
            # The file is published when its first row was added.
            "published": pc.if_else(
                given,
                day(text.column("DATEADDED").take(first)),
                pc.min(day(text.column("DATEADDED"))),
            ),
        }
    )
    return ids, table


def frame(text: pa.Table, lines: pa.Array, shown: str, book: Codebook, resolver: Resolver) -> Frame:
    """A file's checked rows as columns: an event per row, its documents and new places."""
    documents, document_table = _documents(text, lines, shown)
    first, left_first = _actors(text, resolver, 1)
    second, left_second = _actors(text, resolver, 2)
    places, place_table = _places(text, resolver, documents, lines)
    code = text.column("EventCode").combine_chunks()
    names = either(
        empty_to_null(text.column("Actor1Name")), empty_to_null(text.column("Actor2Name")), " / "
    )
    same = pc.fill_null(pc.equal(first, second), False)
    rows = text.num_rows

    def number(column: str, type_: pa.DataType) -> pa.Array:
        return empty_to_null(text.column(column)).cast(type_)

    events = pa.table(
        {
            "id": pc.binary_join_element_wise(
                "gdelt-", text.column("GLOBALEVENTID").combine_chunks(), ""
            ),
            "label": lookup(code, lambda c: book.mapping(c).label),
            "document": documents,
            "line": lines,
            "initiator": first,
            "target": pc.if_else(same, pa.scalar(None, pa.string()), second),
            "place": places,
            "names": names,
            "name": named(lookup(code, lambda c: book.codes[c].name), names),
            "status": pa.array(["occurred"] * rows, pa.string()),
            "date": day(text.column("SQLDATE")),
            "date_precision": pa.array(["day"] * rows, pa.string()),
            "cameo_code": code,
            "cameo_root_code": pc.utf8_slice_codeunits(code, 0, 2),
            "cameo_concept": code,
            "quad_class": text.column("QuadClass").cast(pa.int64()),
            "goldstein": number("GoldsteinScale", pa.float64()),
            "num_mentions": number("NumMentions", pa.int64()),
            "num_sources": number("NumSources", pa.int64()),
            "num_articles": number("NumArticles", pa.int64()),
            "avg_tone": number("AvgTone", pa.float64()),
        }
    )
    return Frame(events, document_table, place_table, left_out=left_first + left_second)
