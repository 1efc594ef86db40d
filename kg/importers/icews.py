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
import pyarrow.compute as pc

from kg.errors import KGError
from kg.importers.cameo import Codebook
from kg.importers.columns import Frame, either, empty_to_null, first_rows, lookup, named
from kg.importers.core import NUMBER, Check, ImportRowError, cameo_check
from kg.importers.resolve import Resolver, iso3_of, slug
from kg.ontology import load_ontology

__all__ = ["COLUMNS", "USED", "checks", "frame", "layout"]

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
USED = frozenset(COLUMNS)  # every column makes part of an event
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


def _clean(column: pa.ChunkedArray) -> pa.Array:
    """A text column with its absent values ("" and NA) as nulls."""
    column = column.combine_chunks()
    return pc.if_else(
        pc.is_in(column, value_set=pa.array(_ABSENT)), pa.scalar(None, pa.string()), column
    )


def _actors(text: pa.Table, resolver: Resolver, side: str) -> pa.Array:
    """The id of the ``side`` (Source, Target) actor of every row, resolved once per actor."""
    key = pc.binary_join_element_wise(
        *[
            text.column(f"{side} {part}").combine_chunks()
            for part in ("Name", "Sectors", "Country")
        ],
        "\t",
    )
    return lookup(key, lambda k: _actor(resolver, *k.split("\t")))


def _place(resolver: Resolver, key: str) -> tuple[str, str, str | None] | None:
    """A place's id, name and country from its City, District, Province and Country."""
    parts = key.split("\t")
    given = [p for p in parts if _value(p)]
    if not given:
        return None
    name = ", ".join(dict.fromkeys(given))
    country = resolver.country_by_name(parts[3]) if _value(parts[3]) else None
    return f"icews-place-{slug(name)}", name, country


def _places(
    text: pa.Table, resolver: Resolver, documents: pa.Array, lines: pa.Array
) -> tuple[pa.Array, pa.Table]:
    """Each row's place id, and the places new to the store (the first row's values)."""
    key = pc.binary_join_element_wise(
        *[text.column(c).combine_chunks() for c in ("City", "District", "Province", "Country")],
        "\t",
    )
    found: dict[str, tuple[str, str, str | None] | None] = {}

    def place(value: str) -> str | None:
        made = found[value] = _place(resolver, value)
        return made[0] if made else None

    ids = lookup(key, place)
    first = first_rows(ids)
    first = first.filter(pc.is_valid(ids.take(first)))
    new: list[int] = []
    names: list[str] = []
    countries: list[str | None] = []
    for at, value in zip(first.to_pylist(), key.take(first).to_pylist(), strict=True):
        place_id, name, country = found[value] or ("", "", None)
        if place_id in resolver.known:
            continue
        resolver.known[place_id] = "Place"
        new.append(at)
        names.append(name)
        countries.append(country)
    rows = pa.array(new, pa.int64())
    places = pa.table(
        {
            "id": ids.take(rows),
            "document": documents.take(rows),
            "line": lines.take(rows),
            "name": pa.array(names, pa.string()),
            "latitude": _clean(text.column("Latitude")).take(rows).cast(pa.float64()),
            "longitude": _clean(text.column("Longitude")).take(rows).cast(pa.float64()),
            "country": pa.array(countries, pa.string()),
        }
    )
    return ids, places


def _documents(
    text: pa.Table, lines: pa.Array, shown: str, resolver: Resolver
) -> tuple[pa.Array, pa.Table, list[pa.Table]]:
    """Each row's story (an Article), the stories, and their links to their publishers."""
    story = _clean(text.column("Story ID"))
    story = pc.fill_null(story, f"unknown-{slug(shown)}")
    ids = lookup(story, lambda s: f"icews-story-{slug(s)}")
    first = first_rows(ids)
    publisher = _clean(text.column("Publisher")).take(first)
    table = pa.table(
        {
            "id": ids.take(first),
            "label": pa.array(["Article"] * len(first), pa.string()),
            "line": lines.take(first),
            "name": pc.binary_join_element_wise(
                pc.fill_null(publisher, "ICEWS"), " story ", story.take(first), ""
            ),
            "published": text.column("Event Date").combine_chunks().take(first),
        }
    )
    outlet = lookup(
        publisher, lambda p: resolver.organisation(p, None, "news agency") if p else None
    )
    links = pa.table(
        {
            "type": pa.array([load_ontology().relationship_named("publishedOn")] * len(first)),
            "from": table.column("id"),
            "to": outlet,
            "document": table.column("id"),
        }
    ).filter(pc.is_valid(outlet))
    return ids, table, [links] if links.num_rows else []


def frame(text: pa.Table, lines: pa.Array, shown: str, book: Codebook, resolver: Resolver) -> Frame:
    """A file's checked rows as columns: an event per row, its stories and new places."""
    documents, document_table, links = _documents(text, lines, shown, resolver)
    source = _actors(text, resolver, "Source")
    target = _actors(text, resolver, "Target")
    places, place_table = _places(text, resolver, documents, lines)
    code = text.column("CAMEO Code").combine_chunks()
    day = text.column("Event Date").combine_chunks()
    names = either(_clean(text.column("Source Name")), _clean(text.column("Target Name")), " / ")
    same = pc.fill_null(pc.equal(source, target), False)
    event_text = empty_to_null(text.column("Event Text"))
    rows = text.num_rows
    events = pa.table(
        {
            "id": pc.binary_join_element_wise(
                "icews-", text.column("Event ID").combine_chunks(), "-", day, ""
            ),
            "label": lookup(code, lambda c: book.mapping(c).label),
            "document": documents,
            "line": lines,
            "initiator": source,
            "target": pc.if_else(same, pa.scalar(None, pa.string()), target),
            "place": places,
            "names": names,
            "name": named(
                pc.coalesce(event_text, lookup(code, lambda c: book.codes[c].name)), names
            ),
            "status": pa.array(["occurred"] * rows, pa.string()),
            "date": day,
            "date_precision": pa.array(["day"] * rows, pa.string()),
            "cameo_code": code,
            "cameo_root_code": pc.utf8_slice_codeunits(code, 0, 2),
            "cameo_concept": code,
            "intensity": empty_to_null(text.column("Intensity")).cast(pa.float64()),
            "sentence_number": _clean(text.column("Sentence Number")).cast(pa.int64()),
        }
    )
    unresolved = 0
    for side, ids in (("Source", source), ("Target", target)):
        given = pc.is_valid(_clean(text.column(f"{side} Name")))
        unresolved += pc.sum(pc.and_(given, pc.is_null(ids))).as_py() or 0
    return Frame(events, document_table, place_table, links, left_out=unresolved)
