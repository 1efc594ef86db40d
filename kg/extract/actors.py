"""Actors of a report: the gazetteer of what kg already knows, then spaCy's named entities.

The gazetteer holds the names, labels and aliases of the actors and places of a graph (a store
or facts files), so "le chef de la diplomatie russe" is Lavrov when the store says so, plus the
countries and organisations of ``cues_fr.yaml``. A name the gazetteer does not know becomes a
draft record when spaCy's French pipeline tags it as a person, an organisation or a location.
A nationality adjective after an office ("le Premier ministre britannique") names a country.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from kg.extract.cues import load_cues
from kg.model import Graph
from kg.ontology import Ontology

__all__ = ["Actor", "Gazetteer", "Mention", "find_actors", "normalise", "slug"]

_ARTICLES = re.compile(r"^(?:le |la |les |l'|l’|un |une |des |du |de la |de l'|au |aux )", re.I)


def normalise(name: str) -> str:
    """A name as compared: no accents, lower case, no leading article.

    >>> normalise("Les États-Unis")
    'etats-unis'
    """
    name = _ARTICLES.sub("", name.strip().replace("’", "'"))
    plain = unicodedata.normalize("NFKD", name)
    return "".join(c for c in plain if not unicodedata.combining(c)).lower().strip(' .,;:"«»')


def slug(name: str) -> str:
    """A readable id from a name.

    >>> slug("Sergueï Lavrov")
    'serguei-lavrov'
    """
    plain = unicodedata.normalize("NFKD", name)
    ascii_name = "".join(c for c in plain if not unicodedata.combining(c) and ord(c) < 128)
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:80] or "x"


@dataclass
class Actor:
    """An actor (or place) of the draft, with every mention of it in the text."""

    id: str
    label: str  # Person | Country | Organisation | Place
    name: str
    confidence: float
    cue: str
    known: bool = False  # from the store or facts given
    properties: dict[str, Any] = field(default_factory=dict)
    aliases: set[str] = field(default_factory=set)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    country: str | None = None  # the country a national body or an office belongs to

    def names(self) -> set[str]:
        found = {normalise(self.name), *(normalise(a) for a in self.aliases)}
        for key in ("label_fr", "label_en"):
            if isinstance(self.properties.get(key), str):
                found.add(normalise(self.properties[key]))
        return found - {""}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    actor: str


@dataclass
class _Entry:
    id: str
    label: str
    name: str
    properties: dict[str, Any]
    known: bool
    country: str | None = None


class Gazetteer:
    """Names to actors: the graph's actors and places, then kg's own countries and organisations."""

    def __init__(self, graph: Graph | None, ont: Ontology) -> None:
        self.entries: dict[str, _Entry] = {}
        self.surfaces: dict[str, str] = {}  # surface form -> entry id
        self.demonyms: dict[str, str] = {}  # adjective -> country entry id
        self.capitals: set[str] = set()  # names that stand for a country, or are a city
        cues = load_cues()
        kinds = [*ont.actor_labels, "Place"]
        if graph is not None:
            for node in graph.nodes.values():
                if node.label not in kinds:
                    continue
                props: dict[str, Any] = {
                    k: node.properties[k]
                    for k in ("name", "label_fr", "label_en", "alias", "wikidata", "category")
                    if k in node.properties
                }
                self._add(_Entry(node.id, node.label, str(props.get("name", node.id)), props, True))
        for country in cues["countries"]:
            cid = self._known_id(country["en"], country["fr"]) or slug(country["en"])
            if cid not in self.entries:
                props = {
                    "name": country["en"],
                    "label_fr": country["fr"],
                    "label_en": country["en"],
                }
                self._add(_Entry(cid, "Country", country["en"], props, False))
            for other in country["other"]:
                self.surfaces.setdefault(other, cid)
            self.surfaces.setdefault(country["fr"], cid)
            for adj in country["adj"]:
                # Every gender and number: "israélien" gives "israéliennes" too.
                forms = {adj, adj + "s", adj + "e", adj + "es"}
                if adj.endswith("ien"):
                    forms |= {adj + "ne", adj + "nes"}
                for form in forms:
                    self.demonyms.setdefault(form, cid)
            self.capitals.update(country["other"])
        for surface, org in cues["organisations"].items():
            oid = self._known_id(org["name"], surface) or slug(org["name"])
            if oid not in self.entries:
                props = {"name": org["name"], "label_fr": surface, "label_en": org["name"]}
                props["category"] = org["category"]
                if org.get("alias"):
                    props["alias"] = list(org["alias"])
                self._add(_Entry(oid, "Organisation", org["name"], props, False))
            self.surfaces.setdefault(surface, oid)

    def _known_id(self, *names: str) -> str | None:
        for name in names:
            if name in self.surfaces:
                return self.surfaces[name]
        return None

    def _add(self, entry: _Entry) -> None:
        self.entries[entry.id] = entry
        props = entry.properties
        names = [props.get("name"), props.get("label_fr"), props.get("label_en")]
        names += list(props.get("alias") or [])
        for name in names:
            if isinstance(name, str) and len(name) > 1:
                self.surfaces.setdefault(name, entry.id)

    def pattern(self) -> re.Pattern[str]:
        forms = sorted(self.surfaces, key=len, reverse=True)
        alternatives = []
        for form in forms:
            first, rest = form[0], re.escape(form[1:])
            # A lower-case alias ("le chef du Kremlin") may open a sentence.
            # An organisation's name may lose its capital ("le département d'État").
            both = first.islower() or (
                " " in form and self.entries[self.surfaces[form]].label == "Organisation"
            )
            head = f"[{first.lower()}{first.upper()}]" if both else re.escape(first)
            alternatives.append(head + rest)
        return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


class ActorTable:
    """The actors of one text and where each is mentioned."""

    def __init__(self) -> None:
        self.actors: dict[str, Actor] = {}
        self.mentions: list[Mention] = []
        self.offices: list[tuple[int, int, str]] = []  # "président américain" phrases
        # Persons named as the subject of a clause: what "il" and "elle" refer back to.
        self.subjects: list[tuple[int, str]] = []

    def index_subjects(self, doc: Any) -> None:
        for m in self.mentions:
            if self.actors[m.actor].label != "Person":
                continue
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            root = span.root
            while root.dep_ in {"flat:name", "appos"} and root.head is not root:
                root = root.head
            if root.dep_.startswith("nsubj"):
                self.subjects.append((m.start, m.actor))
        self.subjects.sort()

    def of_phrase(self, token: Any) -> str | None:
        """The actor a noun phrase names: a mention in it, a person first ("le porte-parole du
        Kremlin, Dmitri Peskov" is Peskov)."""
        start, end = token.left_edge.idx, token.right_edge.idx + len(token.right_edge.text)
        own = self.at(token.idx, token.idx + len(token.text))
        found = [m.actor for m in self.mentions if start <= m.start and m.end <= end]
        persons = [a for a in [own, *found] if a and self.actors[a].label == "Person"]
        others = [a for a in [own, *found] if a and self.actors[a].label != "Place"]
        best = persons or others
        return best[0] if best else None

    def last_subject(self, before: int) -> str | None:
        """The person last named as a subject before an offset: who "il" is."""
        found = [a for start, a in self.subjects if start < before]
        return found[-1] if found else None

    def add(self, actor: Actor, start: int, end: int, alias: str | None = None) -> Actor:
        held = self.actors.setdefault(actor.id, actor)
        held.mentions.append((start, end))
        if alias:
            held.aliases.add(alias)
        held.confidence = max(held.confidence, actor.confidence)
        self.mentions.append(Mention(start, end, held.id))
        return held

    def at(self, start: int, end: int) -> str | None:
        """The actor mentioned within (or around) the span, if any; a person first."""
        found = [m.actor for m in self.mentions if m.start < end and start < m.end]
        persons = [a for a in found if self.actors[a].label == "Person"]
        best = persons or found
        return best[0] if best else None

    def spans(self) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in self.mentions]


def _entity_actor(ent: Any, gaz: Gazetteer, table: ActorTable) -> Actor | None:
    text = ent.text.strip().rstrip(".,;:")
    if len(text) < 2 or not (text[0].isupper() or (ent.label_ == "ORG" and text != text.lower())):
        return None
    if ent.label_ == "PER":
        for actor in table.actors.values():
            # "Trump" after "Donald Trump": the same person.
            if actor.label == "Person" and (
                text == actor.name.split()[-1] or text in actor.aliases
            ):
                return actor
        name = _ARTICLES.sub("", text)
        return Actor(
            slug(name), "Person", name, 0.75, "spaCy PER entity", properties={"label_fr": name}
        )
    if ent.label_ == "ORG":
        name = _ARTICLES.sub("", text)
        lowered = name.lower()
        category = "other"
        if "ministère" in lowered or "département" in lowered:
            category = "ministry"
        elif "armée" in lowered or "forces" in lowered:
            category = "armed forces"
        elif "agence" in lowered:
            category = "news agency"
        return Actor(
            slug(name),
            "Organisation",
            name,
            0.6,
            "spaCy ORG entity",
            properties={"label_fr": name, "category": category},
        )
    if ent.label_ == "LOC" and all(w[:1].isupper() or len(w) < 3 for w in text.split()):
        return Actor(
            slug(text), "Place", text, 0.6, "spaCy LOC entity", properties={"label_fr": text}
        )
    return None


def _from_entry(entry: _Entry, confidence: float, cue: str) -> Actor:
    props = dict(entry.properties)
    aliases = set(props.pop("alias", []) or [])
    return Actor(
        entry.id,
        entry.label,
        entry.name,
        confidence,
        cue,
        known=entry.known,
        properties=props,
        aliases=aliases,
        country=entry.country,
    )


def find_actors(doc: Any, text: str, gaz: Gazetteer) -> ActorTable:
    """Every actor mention of the parsed text: gazetteer names first, then named entities."""
    table = ActorTable()
    for m in gaz.pattern().finditer(text):
        entry = gaz.entries[
            gaz.surfaces[m.group(0)] if m.group(0) in gaz.surfaces else _fold(gaz, m.group(0))
        ]
        cue = (
            "known to the store or facts given"
            if entry.known
            else "kg's list of countries and organisations"
        )
        if m.group(0) in gaz.capitals and text[max(0, m.start() - 2) : m.start()] == "à ":
            # "à Doha" is the city, where "Moscou a exigé" is the country.
            name = m.group(0)
            place = Actor(
                slug(name), "Place", name, 0.7, 'a capital after "à"', properties={"label_fr": name}
            )
            table.add(place, m.start(), m.end(), name)
            continue
        table.add(
            _from_entry(entry, 0.9 if entry.known else 0.85, cue), m.start(), m.end(), m.group(0)
        )
    for ent in doc.ents:
        span = (ent.start_char, ent.end_char)
        if _overlaps(span, table.spans()):
            continue
        actor = _entity_actor(ent, gaz, table)
        if actor is not None:
            end = ent.start_char + len(ent.text.strip().rstrip(".,;:"))
            table.add(actor, ent.start_char, end, ent.text.strip().rstrip(".,;:"))
    _national(text, gaz, table)
    _anonymous(text, gaz, table)
    _surnames(table)
    _office_holders(text, table)
    table.index_subjects(doc)
    return table


def _surnames(table: ActorTable) -> None:
    """ "Rubio" before or after "Marco Rubio": one person, under the full name."""
    full = {
        a.name.split()[-1]: a
        for a in table.actors.values()
        if a.label == "Person" and " " in a.name
    }
    for actor in list(table.actors.values()):
        holder = full.get(actor.name)
        if actor.label != "Person" or holder is None or holder is actor or actor.known:
            continue
        holder.mentions += actor.mentions
        holder.aliases |= actor.aliases | {actor.name}
        table.mentions = [
            Mention(m.start, m.end, holder.id) if m.actor == actor.id else m for m in table.mentions
        ]
        del table.actors[actor.id]


def _office_holders(text: str, table: ActorTable) -> None:
    """An office named with a person ("le président américain Donald Trump") names that person
    wherever else the text gives the office alone ("le président américain a déclaré")."""
    holders: dict[str, str] = {}
    for start, end, office in table.offices:
        after = [
            m
            for m in table.mentions
            if end <= m.start <= end + 3 and table.actors[m.actor].label == "Person"
        ]
        before = [
            m
            for m in table.mentions
            if start - 3 <= m.end <= start and table.actors[m.actor].label == "Person"
        ]
        if after or before:
            holders.setdefault(office, (after or before)[0].actor)
    for start, end, office in table.offices:
        person = holders.get(office)
        if person and not any(
            m.start < end and start < m.end and m.actor == person for m in table.mentions
        ):
            table.mentions.append(Mention(start, end, person))
            table.actors[person].aliases.add(text[start:end])


def _fold(gaz: Gazetteer, found: str) -> str:
    for surface, entry in gaz.surfaces.items():
        if surface[:1].lower() + surface[1:] == found[:1].lower() + found[1:]:
            return entry
    raise KeyError(found)


def _national(text: str, gaz: Gazetteer, table: ActorTable) -> None:
    """Nationality adjectives after an office or a national body: the country, and the body."""
    cues = load_cues()
    offices = "|".join(re.escape(o) for o in sorted(cues["offices"], key=len, reverse=True))
    adjectives = "|".join(re.escape(a) for a in sorted(gaz.demonyms, key=len, reverse=True))
    if not adjectives:
        return
    pattern = re.compile(rf"(?<!\w)(?P<office>{offices})\s+(?P<adj>{adjectives})(?!\w)", re.I)
    bodies = cues["national_bodies"]
    for m in pattern.finditer(text):
        country = gaz.entries[gaz.demonyms[m.group("adj").lower()]]
        office = m.group("office").lower()
        if office in bodies:
            body = bodies[office]
            name = f"{country.name} {body['en']}"
            actor = Actor(
                slug(name),
                "Organisation",
                name,
                0.7,
                f'"{office}" with a nationality adjective',
                properties={"label_fr": f"{office} {m.group('adj')}", "category": body["category"]},
                country=country.id,
            )
            if not _overlaps((m.start(), m.end()), table.spans()):
                table.add(actor, m.start(), m.end(), m.group(0))
        elif not _overlaps((m.start("adj"), m.end("adj")), table.spans()):
            actor = _from_entry(
                country, 0.7, f'nationality adjective "{m.group("adj")}" of an office'
            )
            table.add(actor, m.start("adj"), m.end("adj"))
            table.offices.append((m.start(), m.end(), normalise(m.group(0))))


def _anonymous(text: str, gaz: Gazetteer, table: ActorTable) -> None:
    """Unnamed persons a source quotes: "un haut responsable ukrainien"."""
    nouns = load_cues()["attribution"]["anonymous_persons"]
    words = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
    adjectives = "|".join(re.escape(a) for a in sorted(gaz.demonyms, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:un|une) (?P<noun>{words})(?: (?P<adj>{adjectives}))?(?!\w)")
    for m in pattern.finditer(text):
        country = gaz.demonyms.get((m.group("adj") or "").lower())
        phrase = m.group(0)
        name = f"{phrase[phrase.index(' ') + 1 :]} (unnamed)"
        actor = Actor(
            "unnamed-" + slug(phrase[phrase.index(" ") + 1 :]),
            "Person",
            name,
            0.6,
            "an unnamed person quoted as a source",
            properties={"label_fr": phrase[phrase.index(" ") + 1 :]},
            country=country,
        )
        table.mentions = [
            mm for mm in table.mentions if not (m.start() <= mm.start and mm.end <= m.end())
        ]
        table.add(actor, m.start(), m.end())
