"""Actors of coded event data resolved to the nodes a store already holds.

How it decides, and where it refuses to guess:

- A **country** is known by its ISO 3166 alpha-3 code (GDELT's actor country, ICEWS's country
  name looked up in the ISO table). It is the store's Country whose name, English or French
  label or alias is one of the country's names (ISO name, common name, official name, the short
  name kg uses, the name the row gives): GDELT's ``RUS`` and ICEWS's "Russian Federation" are the
  article's ``russia``. A country the store lacks gets the id of its short name (``russia``), so
  importing before or after the article gives one node. Region codes (``EUR``, ``AFR``, ``WST``)
  and names no ISO entry has are not countries: the actor is left out and counted.
- A **role inside a country** (GDELT ``RUSGOV``, ``USAMIL``) is the store's organisation of that
  category that is part of the country when there is exactly one (``USAMIL`` -> the United States'
  armed forces if the store has them), else an Organisation "Government (Russia)" part of the
  country. A role with no country (GDELT ``GOV`` alone) is left out.
- A **person** (ICEWS; a GDELT actor whose name is a person's the store knows, such as
  "VLADIMIR PUTIN" coded ``RUSGOV``) matches a store Person whose name, label or an alias of two words or more
  has the same first and last word as the row's name, accents and case aside: "Sergey Viktorovich
  Lavrov" is ``sergey-lavrov``. A match is never made on a surname alone (the alias "Lavrov" is not
  used), and when two store persons fit, none is taken: a new person is made from the row.
- An **organisation** by name (ICEWS sector actors "Foreign Affairs (Bangladesh)", GDELT known
  groups such as ``NATO``) matches a store Organisation with that exact name, label or alias, else
  is made, part of its country when the name gives one.

>>> normal("Sergueï  LAVROV")
'serguei lavrov'
>>> short_name("RUS"), short_name("KOR"), short_name("IRN")
('Russia', 'South Korea', 'Iran')
>>> iso3_of("Russian Federation"), iso3_of("the former Yugoslav Republic of Macedonia"), iso3_of("EUR")
('RUS', 'MKD', None)
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pycountry

from kg.model import Edge, Node
from kg.ontology import load_ontology

__all__ = ["ROLES", "Resolver", "iso3_of", "normal", "short_name", "slug"]

# Short names where the ISO name is long or has changed; the others are ISO's common name, or
# its name without a ", Republic of" tail.
_SHORT = {
    "RUS": "Russia",
    "USA": "United States",
    "GBR": "United Kingdom",
    "TUR": "Turkey",
    "COD": "Democratic Republic of the Congo",
    "VGB": "British Virgin Islands",
    "VIR": "United States Virgin Islands",
    "PSE": "Palestine",
    "BRN": "Brunei",
    "FSM": "Micronesia",
    "MKD": "North Macedonia",
    "CZE": "Czech Republic",
    "CPV": "Cape Verde",
    "SWZ": "Eswatini",
    "VAT": "Vatican City",
    "CIV": "Cote d'Ivoire",
}
# Names coded event data uses that the ISO table does not give.
_OTHER_NAMES = {
    "occupied palestinian territory": "PSE",
    "democratic republic of congo": "COD",
    "the former yugoslav republic of macedonia": "MKD",
    "macedonia": "MKD",
    "swaziland": "SWZ",
    "russia": "RUS",
    "turkey": "TUR",
    "cape verde": "CPV",
    "ivory coast": "CIV",
    "kosovo": "XKX",
}
# CAMEO role codes of actors inside a country: the organisation's name and kg category.
ROLES = {
    "GOV": ("Government", "government"),
    "MIL": ("Armed forces", "armed forces"),
    "COP": ("Police", "other"),
    "JUD": ("Judiciary", "other"),
    "LEG": ("Legislature", "other"),
    "OPP": ("Opposition", "other"),
    "REB": ("Rebels", "other"),
    "SPY": ("Intelligence services", "other"),
    "BUS": ("Business", "other"),
    "MED": ("Media", "other"),
    "CVL": ("Civilians", "other"),
    "EDU": ("Education", "other"),
    "HLH": ("Health", "other"),
    "LAB": ("Labour", "other"),
    "REF": ("Refugees", "other"),
    "ELI": ("Elites", "other"),
    "CRM": ("Criminals", "other"),
    "AGR": ("Agriculture", "other"),
    "ENV": ("Environment", "other"),
    "NGO": ("Non-governmental organisations", "other"),
    "IGO": ("Intergovernmental organisations", "other"),
    "MNC": ("Multinational corporations", "other"),
    "UAF": ("Armed groups", "other"),
    "INS": ("Insurgents", "other"),
    "SEP": ("Separatists", "other"),
    "SET": ("Settlers", "other"),
    "RAD": ("Radicals", "other"),
    "MOD": ("Moderates", "other"),
}
_ACTOR_LABELS = ("Country", "Person", "Organisation")


def normal(text: str) -> str:
    """A name for comparison: accents, case, punctuation and extra spaces aside."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain.casefold()).split())


def slug(text: str) -> str:
    """An id from a name: ``Russia`` -> ``russia``.

    >>> slug("Foreign Affairs (Bangladesh)"), slug("Zoë  Ødegård")
    ('foreign-affairs-bangladesh', 'zoe-degard')
    >>> slug("习近平")
    'name-1256015561cf'
    """
    ascii_only = normal(text).encode("ascii", "ignore").decode("ascii")
    made = "-".join(ascii_only.replace("_", " ").split())[:180]
    # A name with no Latin letters (Chinese, Arabic) keeps an id from its own text's hash.
    return made or "name-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


@cache
def _country(iso3: str) -> Any:
    if len(iso3) != 3 or not iso3.isalpha():
        return None
    return pycountry.countries.get(alpha_3=iso3.upper())


def short_name(iso3: str) -> str | None:
    """The short English name kg gives a country (None when the code is no country)."""
    if iso3 == "XKX":
        return "Kosovo"
    country = _country(iso3)
    if country is None:
        return None
    if iso3 in _SHORT:
        return _SHORT[iso3]
    common = getattr(country, "common_name", None)
    if common:
        return str(common)
    return re.sub(r"\s*\(.*\)|,.*$", "", str(country.name)).strip()


@cache
def iso3_of(name: str) -> str | None:
    """The ISO alpha-3 code of a country name, None when no country has it."""
    key = normal(name)
    if not key or key in ("na", "none"):
        return None
    if key in _OTHER_NAMES:
        return _OTHER_NAMES[key]
    for code, short in _SHORT.items():
        if normal(short) == key:
            return code
    try:
        found = pycountry.countries.lookup(name.strip())
    except LookupError:
        return None
    code = str(found.alpha_3)
    # lookup() also takes alpha-2 and alpha-3 codes; a region code such as EUR is not a name.
    return code if len(key) > 3 or key.upper() == code else None


def _names(iso3: str) -> list[str]:
    names = [short_name(iso3) or ""]
    country = _country(iso3)
    if country is not None:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names.append(str(value))
    return [n for n in dict.fromkeys(names) if n]


@dataclass
class Resolver:
    """Resolves actors against what a store holds; what it makes goes into ``created``.

    ``created`` maps a new node's id to the node and the edges it needs (PART_OF its country);
    the importer gives each one's record in the first document that names it.
    """

    by_name: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # label -> name -> ids
    person_keys: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    parts: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (country, category)
    known: dict[str, str] = field(default_factory=dict)  # store id -> label
    created: dict[str, tuple[Node, list[Edge]]] = field(default_factory=dict)
    left_out: int = 0  # actors not resolved and not made (region codes, roles without country)

    @classmethod
    def from_store(cls, store: Any) -> Resolver:
        """Read the store's actors: names, labels, aliases and the organisations of countries."""
        resolver = cls()
        for label in _ACTOR_LABELS:
            result = store.query(
                f"MATCH (n:{label}) RETURN n.id, n.name, n.label_en, n.label_fr, n.alias"
            )
            for node_id, *names in result.rows:
                resolver.add_known(node_id, label, names)
        result = store.query(
            "MATCH (o:Organisation)-[:PART_OF]->(c:Country) RETURN o.id, o.category, c.id"
        )
        for org, category, country in result.rows:
            resolver.parts.setdefault((country, category or ""), set()).add(org)
        # Places the store holds are linked to, never described again by another document.
        for (place,) in store.query("MATCH (p:Place) RETURN p.id").rows:
            resolver.known[place] = "Place"
        return resolver

    def add_known(self, node_id: str, label: str, names: Iterable[Any]) -> None:
        """Register a store node under its names (a name may be a list of aliases)."""
        self.known[node_id] = label
        flat: list[str] = []
        for value in names:
            if isinstance(value, list):
                flat.extend(str(v) for v in value)
            elif value:
                flat.append(str(value))
        for name in flat:
            key = normal(name)
            self.by_name.setdefault(label, {}).setdefault(key, set()).add(node_id)
            words = key.split()
            if label == "Person" and len(words) >= 2:
                self.person_keys.setdefault((words[0], words[-1]), set()).add(node_id)

    def find(self, label: str, names: Iterable[str]) -> str | None:
        """The one store node of this label with one of these names, None when none or several."""
        table = self.by_name.get(label, {})
        for name in names:
            ids = table.get(normal(name))
            if ids and len(ids) == 1:
                return next(iter(ids))
        return None

    def _named(self, name: str) -> str | None:
        """The organisation of exactly this name: when several have it (two sources made it),
        the one kg names after it, else the first id, so that an import made again finds the
        same one."""
        ids = self.by_name.get("Organisation", {}).get(normal(name))
        if not ids:
            return None
        own = slug(name)
        return own if own in ids else min(ids)

    def _make(self, node: Node, edges: list[Edge] | None = None) -> str:
        if node.id not in self.created and node.id not in self.known:
            self.created[node.id] = (node, edges or [])
            self.add_known(node.id, node.label, [node.properties.get("name")])
            category = str(node.properties.get("category") or "")
            for edge in edges or []:
                self.parts.setdefault((edge.target, category), set()).add(node.id)
        return node.id

    def _part_of(self, node_id: str, country_id: str) -> Edge:
        return Edge.between(node_id, load_ontology().relationship_named("partOf"), country_id)

    def country(self, iso3: str, given: str | None = None) -> str | None:
        """The id of a country by ISO alpha-3 code; None for a code that is no country."""
        short = short_name(iso3)
        if short is None:
            return None
        names = _names(iso3) + ([given] if given else [])
        found = self.find("Country", names)
        if found is not None:
            return found
        node_id = slug(short)
        if node_id in self.known and self.known[node_id] != "Country":
            node_id = f"country-{iso3.lower()}"
        aliases = [n for n in _names(iso3) if n != short]
        return self._make(
            Node(
                node_id,
                "Country",
                {"name": short, "label_en": short, "alias": aliases},
            )
        )

    def country_by_name(self, name: str) -> str | None:
        """The id of a country by name, through the ISO table; None when no country has it."""
        iso3 = iso3_of(name)
        return self.country(iso3, name) if iso3 else None

    def role(self, country_id: str, role_code: str, code: str) -> str:
        """The organisation of a role inside a country (``RUSGOV``)."""
        role_name, category = ROLES.get(role_code, (role_code, "other"))
        if category != "other":
            held = self.parts.get((country_id, category), set())
            if len(held) == 1:
                return next(iter(held))
        country_name = self._name_of(country_id)
        name = f"{role_name} ({country_name})"
        found = self._named(name)
        if found is not None:
            return found
        node = Node(
            f"{country_id}-{role_code.lower()}",
            "Organisation",
            {"name": name, "label_en": name, "alias": [code], "category": category},
        )
        return self._make(node, [self._part_of(node.id, country_id)])

    def _name_of(self, node_id: str) -> str:
        if node_id in self.created:
            return self.created[node_id][0].name
        for names in self.by_name.get("Country", {}).items():
            if node_id in names[1] and len(names[0]) > 3:
                return names[0].title()
        return node_id.replace("-", " ").title()

    def organisation(
        self, name: str, country_id: str | None = None, category: str = "other"
    ) -> str:
        """An organisation by name, part of its country when one is given."""
        found = self._named(name)
        if found is not None:
            return found
        node = Node(
            slug(name) if slug(name) not in self.known else f"org-{slug(name)}",
            "Organisation",
            {"name": name, "label_en": name, "category": category},
        )
        edges = [self._part_of(node.id, country_id)] if country_id else []
        return self._make(node, edges)

    def known_person(self, name: str) -> str | None:
        """The person a full name is (first and last word, see the module), None when no person
        or several fit, or the name has fewer than two words."""
        words = normal(name).split()
        if len(words) < 2:
            return None
        exact = self.find("Person", [name])
        if exact is not None:
            return exact
        ids = self.person_keys.get((words[0], words[-1]), set())
        return next(iter(ids)) if len(ids) == 1 else None

    def person(self, name: str) -> str:
        """A person by full name: first and last word against the store's names (see module)."""
        exact = self.find("Person", [name])
        if exact is not None:
            return exact
        found = self.known_person(name)
        if found is not None:
            return found
        node_id = slug(name)
        if node_id in self.known and self.known[node_id] != "Person":
            node_id = f"person-{node_id}"
        return self._make(Node(node_id, "Person", {"name": name, "label_en": name}))
