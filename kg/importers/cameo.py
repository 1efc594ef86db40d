"""The CAMEO event code book, and how a code maps onto kg's event classes.

The code book (``kg/data/cameo-codes.csv``, from andybega/icews, MIT) gives every code with its
name and Goldstein score. Codes are strings: ``"036"``, never 36. A code's broader code drops its
last digit (``"0311"`` -> ``"031"`` -> ``"03"``); the two-digit root codes have none.

The class of a code comes from the ontology (``kg:classCameoCode`` on event classes): the class
whose code it is, else the class of the nearest broader code that has one, where a root code
stands for its "not specified" code (``"04"`` -> ``"040"``). Intent codes (root ``03``,
"express intent to ...") are never an occurred event: they are an ``Announcement`` that announces
a planned event of the class of the intended action (:data:`INTENDED`).

>>> book = load_codebook()
>>> book.codes["0311"].broader, book.codes["031"].broader, book.codes["03"].broader
('031', '03', None)
>>> book.mapping("041"), book.mapping("042"), book.mapping("193")
(Mapping(label='Call', announces=None), Mapping(label='Consultation', announces=None), \
Mapping(label='MilitaryAction', announces=None))
>>> book.mapping("036")
Mapping(label='Announcement', announces='Negotiation')
>>> book.mapping("0311")
Mapping(label='Announcement', announces='Collaboration')
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kg.errors import KGError
from kg.ontology import Ontology, load_ontology
from kg.resources import data_dir

__all__ = [
    "CAMEO",
    "INTENDED",
    "Code",
    "Codebook",
    "Mapping",
    "codebook_path",
    "generate_turtle",
    "load_codebook",
]

CAMEO = "https://w3id.org/kg-diplo/cameo/"
INTENT_ROOT = "03"
# What an intent code announces, by the code of the intended action: express intent to engage
# in material cooperation (031) announces material cooperation (06), to meet or negotiate (036)
# a negotiation (046) ... The code book says so in each name; CAMEO gives no machine link.
INTENDED = {
    "030": "050",
    "031": "060",
    "032": "050",
    "033": "070",
    "034": "080",
    "035": "080",
    "036": "046",
    "037": "050",
    "038": "040",
    "039": "040",
}


@dataclass(frozen=True)
class Code:
    """One code of the book."""

    code: str
    name: str
    goldstein: float | None
    description: str | None

    @property
    def broader(self) -> str | None:
        """The code one level up, None for a root code."""
        return self.code[:-1] if len(self.code) > 2 else None

    @property
    def root(self) -> str:
        """The two-digit root code."""
        return self.code[:2]


@dataclass(frozen=True)
class Mapping:
    """The kg class an event with a code becomes, and for an intent code the announced class."""

    label: str
    announces: str | None = None


@dataclass
class Codebook:
    """The CAMEO codes by code, and their kg classes."""

    codes: dict[str, Code]
    ontology: Ontology
    _by_code: dict[str, str] = field(default_factory=dict)
    _mappings: dict[str, Mapping] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for cls in self.ontology.classes.values():
            if cls.cameo and not cls.abstract and self.ontology.is_a(cls.name, "Event"):
                self._by_code.setdefault(cls.cameo, cls.name)

    def _plain(self, code: str) -> str:
        """The class of a code that is not an intent, from the nearest code that has one."""
        here: str | None = code
        while here is not None:
            # A root code is the level of its "not specified" code (04 -> 040); the classes whose
            # code is a root (kg:Conflict, 19) are wars, not rows of event data.
            key = here + "0" if len(here) == 2 else here
            if key in self._by_code:
                return self._by_code[key]
            here = self.codes[here].broader if here in self.codes else here[:-1] or None
        raise KGError(f"no kg event class for CAMEO code {code!r}")  # pragma: no cover

    def mapping(self, code: str) -> Mapping:
        """The class of an event with this code (a KGError for a code not in the book)."""
        found = self._mappings.get(code)
        if found is not None:
            return found
        if code not in self.codes:
            raise KGError(f"unknown CAMEO code {code!r}")
        if code[:2] == INTENT_ROOT:
            intended = INTENDED.get(code[:3], "050")
            found = Mapping(self._by_code["036"], self._plain(intended))
        else:
            found = Mapping(self._plain(code))
        self._mappings[code] = found
        return found

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes.values())


def codebook_path() -> Path:
    """The bundled code book."""
    return data_dir() / "cameo-codes.csv"


def _text(raw: str) -> str | None:
    """A description field, or None when absent or garbled by the release's encoding."""
    text = " ".join(raw.split())
    if not text or text == "NA" or not text.isascii():
        return None
    return text


def _read(path: Path) -> dict[str, Code]:
    # The release mixes encodings in its free-text fields; codes, names and scores are ASCII.
    text = path.read_bytes().decode("latin-1")
    codes: dict[str, Code] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["code"].strip()
        score = row["goldstein"].strip()
        codes[code] = Code(
            code=code,
            name=" ".join(row["name"].split()),
            goldstein=float(score) if score not in ("", "NA") else None,
            description=_text(row.get("description") or ""),
        )
    return codes


@cache
def load_codebook(path: Path | None = None) -> Codebook:
    """The code book (the bundled one unless a path is given); cached."""
    return Codebook(_read(path or codebook_path()), load_ontology())


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate_turtle(book: Codebook | None = None) -> str:
    """The code book as a SKOS concept scheme in Turtle (``ontology/cameo.ttl``)."""
    book = book or load_codebook()
    lines = [
        "# The CAMEO event code book as a SKOS concept scheme, generated by kg.importers.cameo",
        "# from kg/data/cameo-codes.csv (data-raw/cameo-codes.csv of andybega/icews, MIT).",
        "# Do not edit: `python -m kg.importers.cameo > ontology/cameo.ttl` writes it again.",
        "",
        "@prefix cameo: <https://w3id.org/kg-diplo/cameo/> .",
        "@prefix kg:    <https://w3id.org/kg-diplo/ontology#> .",
        "@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix skos:  <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix xsd:   <http://www.w3.org/2001/XMLSchema#> .",
        "",
        "cameo:scheme a skos:ConceptScheme ;",
        '    skos:prefLabel "code CAMEO des événements"@fr , "CAMEO event codes"@en ;',
        "    rdfs:comment "
        + _literal(
            "Conflict and Mediation Event Observations: the codes of GDELT and ICEWS events, "
            "one concept per code, each under its broader code."
        )
        + "@en .",
        "",
    ]
    for code in book:
        mapping = book.mapping(code.code)
        props = [
            "a skos:Concept",
            "skos:inScheme cameo:scheme",
            f"skos:notation {_literal(code.code)}",
            f"skos:prefLabel {_literal(code.name)}@en",
        ]
        if code.broader is None:
            props.append("skos:topConceptOf cameo:scheme")
        else:
            props.append(f"skos:broader cameo:{code.broader}")
        if code.goldstein is not None:
            props.append(f'kg:cameoGoldstein "{code.goldstein}"^^xsd:double')
        if code.description:
            props.append(f"skos:definition {_literal(code.description)}@en")
        props.append(f"kg:cameoEventClass kg:{mapping.label}")
        if mapping.announces:
            props.append(f"kg:cameoAnnouncedClass kg:{mapping.announces}")
        lines.append(f"cameo:{code.code} " + " ;\n    ".join(props) + " .")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(generate_turtle(), end="")
