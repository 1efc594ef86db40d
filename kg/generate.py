"""A synthetic corpus that follows the ontology: ordinary facts files, made up but plausible.

``generate_corpus(events, seed, out_dir)`` writes a registry file (actors, places, topics,
conflicts) and then one events file per ``events_per_file`` events, each with its own synthetic
document text that holds every quote its records cite, and a ``corpus.json`` manifest (events,
seed, files in load order, node and edge counts as :meth:`kg.model.Graph.counts` gives them once
the corpus is loaded). ``load_facts(*corpus_paths(out_dir))`` reads it like any set of facts files.

Everything the corpus is made of is asked from the ontology: the event classes, the actor and
source classes, and the relationship types, found by their endpoints (the type from events to
places, from agreements to actors ...). What the ontology cannot say, how often a status or a
precision occurs, comes from small tables keyed by property values and CAMEO codes; a class or a
value the tables do not know gets a default, so the generator follows the ontology as it grows.

The same (events, seed) gives byte-identical files: each file draws from its own
``random.Random`` seeded with a string, and nothing depends on time, hashing or set order. Files are
written as they are generated (one record at a time; only the actors' ids and names stay in
memory), and the YAML is written by hand, every string a JSON-style double-quoted scalar.

All names and facts are fictional; the documents say so.

>>> import tempfile
>>> from kg.facts import load_facts
>>> with tempfile.TemporaryDirectory() as folder:
...     paths = generate_corpus(40, seed=1, out_dir=Path(folder))
...     names = [p.name for p in corpus_paths(Path(folder))]
...     graph = load_facts(*paths)
...     manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
>>> names
['actors.facts.yaml', 'events-00001.facts.yaml']
>>> graph.counts() == manifest["counts"]
True
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import shutil
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import IO, Any

import yaml

from kg.errors import KGError, OntologyError
from kg.ontology import Ontology, RelationshipDef, load_ontology

__all__ = ["MANIFEST", "corpus_paths", "generate_corpus", "yaml_string"]

MANIFEST = "corpus.json"
ACTORS_FILE = "actors.facts.yaml"
CORPUS_FORMAT = 1
_YEAR = 2025  # event dates spread over this year (announced ones may run into the next)

Progress = Callable[[str, int, int], None]
Triple = tuple[str, str, str]  # a name part: (native script, English, French)

# ---------------------------------------------------------------------------------------- YAML text

# Characters YAML readers refuse raw or read as line breaks inside a quoted scalar; JSON leaves
# them raw, so they are escaped again.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def yaml_string(text: str) -> str:
    """A string as a YAML double-quoted scalar that every YAML 1.1 reader reads back exactly.

    >>> yaml_string('on "air" \\u2028 é')
    '"on \\\\"air\\\\" \\\\u2028 é"'
    >>> yaml.safe_load(yaml_string("tab\\there \\x85 🕊️")) == "tab\\there \\x85 🕊️"
    True
    """
    out = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(_escape, out) if _YAML_UNSAFE.search(out) else out


@cache
def _key(name: str) -> str:
    """An ontology name (property, label, type) plain when YAML reads it back as that string."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and yaml.safe_load(f"{name}: 0") == {name: 0}:
        return name
    return yaml_string(name)


# Generated ids are lowercase ASCII words joined by hyphens, the first a letter's: YAML reads them
# as plain strings (never a number, a date, a boolean or null), so they are written unquoted.


def _kebab(label: str) -> str:
    """``MediationOffer`` -> ``mediation-offer`` (id prefixes come from the labels).

    >>> _kebab("MediationOffer")
    'mediation-offer'
    """
    return re.sub(r"(?<!^)(?=[A-Z])", "-", label).lower()


_ASCII_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "ı": "i", "đ": "d"})


def _slug(text: str) -> str:
    """Lowercase ASCII words joined by hyphens.

    >>> _slug("Łucja Dvořák-Müller")
    'lucja-dvorak-muller'
    """
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text)) or "x"


# ---------------------------------------------------------------------------------------- names

# Person names combine a given name with two family-name parts, each written in its script and
# transliterated for English and French readers (Сергей: Sergey, Sergueï). Places and countries
# combine a root, a middle syllable and a suffix the same way. All of it is made up.


@dataclass(frozen=True)
class _Script:
    given: tuple[Triple, ...]
    family_a: tuple[Triple, ...]
    family_b: tuple[Triple, ...]
    roots: tuple[Triple, ...]
    mids: tuple[Triple, ...]
    country_suffixes: tuple[Triple, ...]
    place_suffixes: tuple[Triple, ...]
    family_first: bool = False  # family name first and no space (Chinese)


_SCRIPTS: tuple[tuple[_Script, int], ...] = (  # with their weight among persons
    (
        _Script(  # Latin with accents
            given=(
                ("Émile", "Émile", "Émile"),
                ("Hélène", "Hélène", "Hélène"),
                ("François", "François", "François"),
                ("Zoë", "Zoë", "Zoë"),
                ("Jürgen", "Jürgen", "Jürgen"),
                ("Łucja", "Łucja", "Łucja"),
                ("Søren", "Søren", "Søren"),
                ("Ayşe", "Ayşe", "Ayşe"),
                ("José", "José", "José"),
                ("Niamh", "Niamh", "Niamh"),
                ("Dóra", "Dóra", "Dóra"),
                ("Anna", "Anna", "Anna"),
            ),
            family_a=(
                ("Le", "Le", "Le"),
                ("Mar", "Mar", "Mar"),
                ("Dvo", "Dvo", "Dvo"),
                ("Öz", "Öz", "Öz"),
                ("Ber", "Ber", "Ber"),
                ("Gon", "Gon", "Gon"),
                ("Kow", "Kow", "Kow"),
                ("Fer", "Fer", "Fer"),
            ),
            family_b=(
                ("fèvre", "fèvre", "fèvre"),
                ("tínez", "tínez", "tínez"),
                ("řák", "řák", "řák"),
                ("demir", "demir", "demir"),
                ("nard", "nard", "nard"),
                ("çalves", "çalves", "çalves"),
                ("alski", "alski", "alski"),
                ("reira", "reira", "reira"),
            ),
            roots=(
                ("Mor", "Mor", "Mor"),
                ("Val", "Val", "Val"),
                ("Ost", "Ost", "Ost"),
                ("Kar", "Kar", "Kar"),
                ("Bel", "Bel", "Bel"),
                ("Tor", "Tor", "Tor"),
                ("Zan", "Zan", "Zan"),
                ("Lun", "Lun", "Lun"),
                ("Sélen", "Selen", "Sélen"),
                ("Ærd", "Aerd", "Ærd"),
            ),
            mids=(("", "", ""), ("ar", "ar", "ar"), ("en", "en", "en"), ("ov", "ov", "ov")),
            country_suffixes=(
                ("ia", "ia", "ie"),
                ("land", "land", "lande"),
                ("onia", "onia", "onie"),
            ),
            place_suffixes=(
                ("ville", "ville", "ville"),
                ("burg", "burg", "bourg"),
                ("port", "port", "port"),
            ),
        ),
        30,
    ),
    (
        _Script(  # Cyrillic
            given=(
                ("Иван", "Ivan", "Ivan"),
                ("Сергей", "Sergey", "Sergueï"),
                ("Ольга", "Olga", "Olga"),
                ("Андрій", "Andriy", "Andriï"),
                ("Юлия", "Yulia", "Ioulia"),
                ("Дмитрий", "Dmitry", "Dmitri"),
                ("Наталья", "Natalya", "Natalia"),
                ("Михаил", "Mikhail", "Mikhaïl"),
                ("Оксана", "Oksana", "Oksana"),
                ("Тарас", "Taras", "Taras"),
            ),
            family_a=(
                ("Шев", "Shev", "Chev"),
                ("Кова", "Kova", "Kova"),
                ("Пет", "Pet", "Pet"),
                ("Бонд", "Bond", "Bond"),
                ("Жук", "Zhuk", "Jouk"),
                ("Мель", "Mel", "Mel"),
                ("Гор", "Gor", "Gor"),
                ("Ткач", "Tkach", "Tkatch"),
            ),
            family_b=(
                ("ченко", "chenko", "tchenko"),
                ("ров", "rov", "rov"),
                ("ук", "uk", "ouk"),
                ("ский", "sky", "ski"),
                ("енко", "enko", "enko"),
                ("ов", "ov", "ov"),
            ),
            roots=(
                ("Бел", "Bel", "Bel"),
                ("Вол", "Vol", "Vol"),
                ("Жит", "Zhyt", "Jyt"),
                ("Кур", "Kur", "Kour"),
                ("Лип", "Lyp", "Lyp"),
                ("Ниж", "Nizh", "Nij"),
                ("Пол", "Pol", "Pol"),
                ("Сум", "Sum", "Soum"),
                ("Хар", "Khar", "Khar"),
                ("Чер", "Cher", "Tcher"),
            ),
            mids=(("", "", ""), ("ов", "ov", "ov"), ("ан", "an", "an"), ("ев", "ev", "ev")),
            country_suffixes=(("ия", "ia", "ie"), ("ания", "ania", "anie")),
            place_suffixes=(
                ("град", "grad", "grad"),
                ("ськ", "sk", "sk"),
                ("ополь", "opol", "opol"),
            ),
        ),
        18,
    ),
    (
        _Script(  # Arabic (right to left)
            given=(
                ("محمد", "Mohammed", "Mohamed"),
                ("فاطمة", "Fatima", "Fatima"),
                ("أحمد", "Ahmed", "Ahmed"),
                ("ليلى", "Layla", "Leïla"),
                ("يوسف", "Youssef", "Youssef"),
                ("نور", "Nour", "Nour"),
                ("عمر", "Omar", "Omar"),
                ("مريم", "Maryam", "Meryem"),
            ),
            family_a=(("ال", "al-", "el-"), ("بن ", "Ben ", "Ben "), ("أبو ", "Abu ", "Abou ")),
            family_b=(
                ("حسن", "Hassan", "Hassan"),
                ("رشيد", "Rashid", "Rachid"),
                ("منصور", "Mansour", "Mansour"),
                ("خطيب", "Khatib", "Khatib"),
                ("عطار", "Attar", "Attar"),
                ("نجار", "Najjar", "Najjar"),
                ("شامي", "Shami", "Chami"),
            ),
            roots=(
                ("زهر", "Zahr", "Zahr"),
                ("قمر", "Qamar", "Kamar"),
                ("نخل", "Nakhl", "Nakhl"),
                ("بحر", "Bahr", "Bahr"),
                ("رمل", "Raml", "Raml"),
                ("جبل", "Jabal", "Djebel"),
                ("سهل", "Sahl", "Sahl"),
                ("نجم", "Najm", "Najm"),
            ),
            mids=(("", "", ""), ("ان", "an", "ane"), ("ين", "in", "ine")),
            country_suffixes=(("ستان", "stan", "stan"), ("ية", "iya", "iya")),
            place_suffixes=(("آباد", "abad", "abad"), ("ة", "a", "a")),
        ),
        15,
    ),
    (
        _Script(  # Chinese
            given=(
                ("伟", "Wei", "Wei"),
                ("芳", "Fang", "Fang"),
                ("敏", "Min", "Min"),
                ("静", "Jing", "Jing"),
                ("强", "Qiang", "Qiang"),
                ("磊", "Lei", "Lei"),
                ("军", "Jun", "Jun"),
                ("杰", "Jie", "Jie"),
            ),
            family_a=(
                ("王", "Wang", "Wang"),
                ("李", "Li", "Li"),
                ("张", "Zhang", "Zhang"),
                ("刘", "Liu", "Liu"),
                ("陈", "Chen", "Chen"),
                ("杨", "Yang", "Yang"),
                ("赵", "Zhao", "Zhao"),
                ("黄", "Huang", "Huang"),
            ),
            family_b=(
                ("明", "ming", "ming"),
                ("华", "hua", "hua"),
                ("涛", "tao", "tao"),
                ("霞", "xia", "xia"),
                ("勇", "yong", "yong"),
                ("洋", "yang", "yang"),
            ),
            roots=(
                ("华", "Hua", "Hua"),
                ("东", "Dong", "Dong"),
                ("南", "Nan", "Nan"),
                ("安", "An", "An"),
                ("平", "Ping", "Ping"),
                ("云", "Yun", "Yun"),
                ("长", "Chang", "Chang"),
                ("宁", "Ning", "Ning"),
            ),
            mids=(("", "", ""), ("山", "shan", "shan"), ("江", "jiang", "jiang")),
            country_suffixes=(("兰", "lan", "lan"), ("国", "guo", "guo")),
            place_suffixes=(
                ("州", "zhou", "zhou"),
                ("城", "cheng", "cheng"),
                ("阳", "yang", "yang"),
            ),
            family_first=True,
        ),
        14,
    ),
    (
        _Script(  # Greek
            given=(
                ("Γιώργος", "Giorgos", "Yórgos"),
                ("Ελένη", "Eleni", "Eléni"),
                ("Νίκος", "Nikos", "Níkos"),
                ("Μαρία", "Maria", "María"),
                ("Δημήτρης", "Dimitris", "Dimítris"),
                ("Αθηνά", "Athina", "Athína"),
            ),
            family_a=(
                ("Παπα", "Papa", "Papa"),
                ("Κωνσταντ", "Konstant", "Konstant"),
                ("Γεωργ", "Georg", "Georg"),
                ("Αλεξ", "Alex", "Alex"),
                ("Νικολ", "Nikol", "Nikol"),
            ),
            family_b=(
                ("όπουλος", "opoulos", "opoulos"),
                ("ίου", "iou", "iou"),
                ("άκης", "akis", "akis"),
                ("ίδης", "idis", "idis"),
            ),
            roots=(
                ("Αργ", "Arg", "Arg"),
                ("Θεσ", "Thes", "Thes"),
                ("Κερ", "Ker", "Ker"),
                ("Λαρ", "Lar", "Lar"),
                ("Μεσ", "Mes", "Mes"),
                ("Πελ", "Pel", "Pel"),
                ("Σπαρ", "Spar", "Spar"),
                ("Χαλ", "Chal", "Chal"),
            ),
            mids=(("", "", ""), ("ον", "on", "on"), ("αν", "an", "an")),
            country_suffixes=(("ία", "ia", "ie"), ("άδα", "ada", "ade")),
            place_suffixes=(("όπολη", "opoli", "opoli"), ("ίνα", "ina", "ina")),
        ),
        10,
    ),
    (
        _Script(  # Hebrew (right to left)
            given=(
                ("דוד", "David", "David"),
                ("יעל", "Yael", "Yaël"),
                ("משה", "Moshe", "Moché"),
                ("נועה", "Noa", "Noa"),
                ("אורי", "Ori", "Ori"),
                ("תמר", "Tamar", "Tamar"),
            ),
            family_a=(
                ("בר", "Bar", "Bar"),
                ("גול", "Gol", "Gol"),
                ("רוז", "Roz", "Roz"),
                ("שפי", "Shapi", "Chapi"),
            ),
            family_b=(
                ("ן", "n", "n"),
                ("דמן", "dman", "dman"),
                ("נר", "ner", "ner"),
                ("ביץ", "witz", "witz"),
            ),
            roots=(
                ("גבע", "Geva", "Guéva"),
                ("הר", "Har", "Har"),
                ("נחל", "Nahal", "Nahal"),
                ("ערד", "Arad", "Arad"),
                ("רמת", "Ramat", "Ramat"),
                ("כפר", "Kfar", "Kfar"),
                ("תל", "Tel", "Tel"),
                ("באר", "Be'er", "Beer"),
            ),
            mids=(("", "", ""), ("ות", "ot", "ot"), ("יר", "ir", "ir")),
            country_suffixes=(("יה", "ia", "ie"), ("ה", "a", "a")),
            place_suffixes=(("ה", "a", "a"), ("ית", "it", "it")),
        ),
        8,
    ),
)

_EMOJI = ("🕊️", "🤝", "📢", "🌍", "✍️", "📰", "🇺🇳")

_TOPICS: tuple[tuple[str, str], ...] = (  # (English, French)
    ("trade", "commerce"),
    ("energy security", "sécurité énergétique"),
    ("grain exports", "exportations de céréales"),
    ("prisoner exchange", "échange de prisonniers"),
    ("maritime security", "sécurité maritime"),
    ("sanctions", "sanctions"),
    ("nuclear safety", "sûreté nucléaire"),
    ("humanitarian corridors", "couloirs humanitaires"),
    ("border demarcation", "démarcation de la frontière"),
    ("refugees", "réfugiés"),
    ("debt relief", "allègement de la dette"),
    ("arms control", "maîtrise des armements"),
    ("water rights", "droits sur l'eau"),
    ("reconstruction", "reconstruction"),
    ("ceasefire monitoring", "surveillance du cessez-le-feu"),
    ("cyber security", "cybersécurité"),
)

# ---------------------------------------------------------------------------------------- realism
# How often things happen, keyed by property values and CAMEO codes, never by label. A value or a
# class these tables do not know gets the default, so a grown ontology still generates.

_STATUS_WEIGHTS = {
    "occurred": 70,
    "planned": 8,
    "announced": 8,
    "demanded": 5,
    "hoped": 4,
    "not_reached": 5,
}
_SETTLED = ("occurred", "not_reached")  # events that may have an agreement as outcome
_AGREEMENT_STATUS_WEIGHTS = {"occurred": 75, "not_reached": 15, "planned": 10}
_PRECISION_WEIGHTS = {"day": 86, "month": 8, "year": 3, "minute": 3}
_TIME_ZONES = (
    "Europe/Paris",
    "Europe/Kyiv",
    "Europe/Moscow",
    "America/New_York",
    "Asia/Shanghai",
    "Asia/Jerusalem",
    "Africa/Cairo",
    "Europe/Athens",
)
_UNKNOWN_ZONE = "unknown"
_LANGUAGES = ("fr", "en", "uk", "ru", "ar", "zh", "he", "el", "tr", "de")

_STATUS_FR = {
    "occurred": "c'est fait",
    "planned": "c'est prévu",
    "announced": "c'est annoncé",
    "demanded": "c'est exigé",
    "hoped": "c'est espéré",
    "not_reached": "sans aboutir",
}
_STATUS_EN = {
    "occurred": "it took place",
    "planned": "it is planned",
    "announced": "it is announced",
    "demanded": "it is demanded",
    "hoped": "it is hoped for",
    "not_reached": "it was not reached",
}


@dataclass(frozen=True)
class _Knobs:
    """How events of one CAMEO family look: how many actors, targets, places, outcomes."""

    target: float = 0.2  # share of the other actors that are targets rather than participants
    place: float = 0.35
    outcome: float = 0.0  # chance of an agreement as outcome
    multi_day: float = 0.02
    minute: float = 0.0  # extra chance that a day-precise date has a local time


# By longest CAMEO prefix (../shared/data/cameo-codes.csv): 04 consult, 041 by telephone,
# 046 negotiate, 03 express intent, 08 yield, 10 demand, 19 fight.
_CAMEO_KNOBS = {
    "03": _Knobs(target=0.1, place=0.1),
    "04": _Knobs(target=0.0, place=0.6),
    "041": _Knobs(target=0.0, place=0.03, minute=0.08),
    "046": _Knobs(target=0.0, place=0.85, outcome=0.4, multi_day=0.25),
    "08": _Knobs(target=0.3, place=0.6),
    "10": _Knobs(target=0.9, place=0.2),
    "19": _Knobs(target=0.95, place=0.8, multi_day=0.3),
}


def _knobs(cameo: str | None) -> _Knobs:
    for n in range(len(cameo or ""), 0, -1):
        found = _CAMEO_KNOBS.get((cameo or "")[:n])
        if found is not None:
            return found
    return _Knobs()


_CATEGORY_WEIGHTS = {
    "ministry": 30,
    "government": 12,
    "armed forces": 12,
    "news agency": 14,
    "platform": 5,
    "alliance": 5,
    "other": 22,
}
_PLATFORM, _AGENCY, _ALLIANCE = "platform", "news agency", "alliance"
_COUNTRY_BOUND = ("ministry", "government", "armed forces")  # part of a country

_MINISTRIES = (
    ("Ministry of Foreign Affairs", "ministère des Affaires étrangères"),
    ("Ministry of Defence", "ministère de la Défense"),
    ("Ministry of the Interior", "ministère de l'Intérieur"),
    ("Ministry of Energy", "ministère de l'Énergie"),
    ("Ministry of Trade", "ministère du Commerce"),
)
_HEAD_POSITIONS = (
    ("President", "président"),
    ("Prime Minister", "Premier ministre"),
    ("Minister of Foreign Affairs", "ministre des Affaires étrangères"),
)
_COUNTRY_POSITIONS = (
    ("ambassador", "ambassadeur"),
    ("senior official", "haut responsable"),
    ("special envoy", "envoyé spécial"),
    ("member of parliament", "député"),
    ("diplomat", "diplomate"),
    ("spokesperson", "porte-parole"),
)
_ORG_POSITIONS = {
    "ministry": (
        ("minister", "ministre"),
        ("spokesperson", "porte-parole"),
        ("deputy minister", "vice-ministre"),
    ),
    "government": (
        ("government spokesperson", "porte-parole du gouvernement"),
        ("adviser", "conseiller"),
    ),
    "armed forces": (("commander", "commandant"), ("general", "général")),
    "news agency": (("correspondent", "correspondant"), ("editor", "rédacteur")),
    "alliance": (("Secretary General", "secrétaire général"), ("envoy", "envoyé")),
    "platform": (("chief executive", "directeur général"),),
    "other": (("director", "directeur"), ("negotiator", "négociateur")),
}
_MEMBER = ("member", "membre")

_MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WORDS_FR = {
    "in": "à",
    "at": "à",
    "with": "avec",
    "against": "visant",
    "according to": "selon",
    "no zone": "fuseau horaire non précisé",
}
_WORDS_EN = {
    "in": "in",
    "at": "at",
    "with": "with",
    "against": "targeting",
    "according to": "according to",
    "no zone": "time zone not given",
}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------------------- ontology


@dataclass(frozen=True)
class _Vocabulary:
    """The labels and relationship types a corpus is made of, found in the ontology by shape."""

    persons: tuple[str, ...]
    countries: tuple[str, ...]
    organisations: tuple[str, ...]  # every other actor label, those sources are published on first
    platforms: tuple[str, ...]  # actor labels a source may be published on
    places: tuple[str, ...]
    topics: tuple[str, ...]
    agreements: tuple[str, ...]
    conflicts: tuple[str, ...]
    occurrences: tuple[str, ...]  # event labels of the events files
    announcers: tuple[str, ...]  # event labels that may announce another event
    sources: tuple[str, ...]
    initiator: str
    other_roles: tuple[str, ...]
    attribution: str
    belligerent: str
    place: str
    about: str
    outcome: str
    announces: str
    sequence: tuple[str, ...]  # event-to-event types (follows, part of ...)
    party: str
    author: str
    published_on: str
    cites: str
    position: str
    member: str
    part: str
    located: str

    @classmethod
    def from_ontology(cls, ont: Ontology) -> _Vocabulary:
        rels = [r for r in ont.relationships.values() if not r.derived]
        actors = frozenset(ont.actor_labels)
        events = frozenset(ont.event_labels)
        sources = frozenset(ont.source_labels)
        others = [lb for lb in ont.fact_labels if lb not in actors | events | sources]

        def ordered(labels: Iterable[str]) -> tuple[str, ...]:
            wanted = set(labels)
            return tuple(lb for lb in ont.node_labels if lb in wanted)

        def one(what: str, test: Callable[[RelationshipDef], bool]) -> RelationshipDef:
            for rel in rels:
                if test(rel):
                    return rel
            raise OntologyError(
                f"kg generate needs a relationship type {what}; the ontology has none"
            )

        def own_properties(rel: RelationshipDef) -> bool:
            return any(not ont.properties[p].provenance for p in rel.properties)

        conflicts = ordered(ont.relationships[ont.belligerent_type].sources)
        occurrences = tuple(lb for lb in ont.event_labels if lb not in conflicts)
        occ = frozenset(occurrences)
        author = one(
            "from sources to every actor", lambda r: r.sources == sources and r.targets == actors
        )
        cites = one(
            "from sources to sources", lambda r: r.sources == sources and r.targets == sources
        )
        published_on = one(
            "from sources to some actors", lambda r: r.sources == sources and r.targets < actors
        )
        position = one(
            "from some actors to others, with properties of its own",
            lambda r: r.sources < actors and r.targets < actors and own_properties(r),
        )
        located = one(
            "from places to some actors",
            lambda r: r.sources <= set(others) and bool(r.sources) and r.targets < actors,
        )
        countries = ordered(located.targets)
        party = one(
            "from agreements to every actor",
            lambda r: r.sources <= set(others) and bool(r.sources) and r.targets == actors,
        )
        places, agreements = ordered(located.sources), ordered(party.sources)
        topics = tuple(lb for lb in others if lb not in places and lb not in agreements)
        if not topics or not occurrences:
            raise OntologyError("kg generate needs topic and event classes; the ontology has none")
        outcome = one(
            "from events to agreements", lambda r: occ <= r.sources and r.targets == set(agreements)
        )
        place = one(
            "from events to places", lambda r: occ <= r.sources and r.targets == set(places)
        )
        about = one(
            "from events to topics", lambda r: occ <= r.sources and set(topics) <= r.targets
        )
        announces = one(
            "from some events to events", lambda r: r.sources < events and occ <= r.targets
        )
        member = one(
            "from countries to some actors",
            lambda r: (
                r.sources < actors
                and r.targets < actors
                and r is not position
                and bool(set(countries) & r.sources)
            ),
        )
        part = one(
            "from some actors to countries",
            lambda r: (
                r.sources < actors
                and r.targets < actors
                and r is not position
                and r is not member
                and bool(set(countries) & r.targets)
            ),
        )
        persons = ordered(position.sources)
        sequence = tuple(r.type for r in rels if r.sources == events and r.targets == events)
        roles = ont.actor_role_types
        return cls(
            persons=persons,
            countries=countries,
            organisations=ordered(actors - set(persons) - set(countries)),
            platforms=ordered(published_on.targets),
            places=places,
            topics=topics,
            agreements=agreements,
            conflicts=conflicts,
            occurrences=occurrences,
            announcers=ordered(announces.sources),
            sources=tuple(ont.source_labels),
            initiator=ont.initiator_type,
            other_roles=tuple(roles[1:]),
            attribution=ont.attribution_type,
            belligerent=ont.belligerent_type,
            place=place.type,
            about=about.type,
            outcome=outcome.type,
            announces=announces.type,
            sequence=sequence,
            party=party.type,
            author=author.type,
            published_on=published_on.type,
            cites=cites.type,
            position=position.type,
            member=member.type,
            part=part.type,
            located=located.type,
        )


def _weighted(
    values: Sequence[str], table: dict[str, int], default: int = 1
) -> tuple[list[str], list[float]]:
    """Values with their cumulative weights for ``random.choices``; unknown values get ``default``."""
    total, cum = 0.0, []
    for v in values:
        total += table.get(v, default)
        cum.append(total)
    return list(values), cum


def _zipf(values: Sequence[str]) -> tuple[list[str], list[float]]:
    """Values weighted 1, 1/2, 1/3 ... in the ontology's order (its main classes come first)."""
    total, cum = 0.0, []
    for i in range(len(values)):
        total += 1 / (i + 1)
        cum.append(total)
    return list(values), cum


# ---------------------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class _Day:
    iso: str
    month: str
    year: str
    fr: str  # "le 4 mars 2025"
    en: str  # "on 4 March 2025"
    month_fr: str
    month_en: str
    weekday_fr: str
    weekday_en: str


@cache
def _day(offset: int) -> _Day:
    d = date(_YEAR, 1, 1) + timedelta(days=offset)
    return _Day(
        iso=d.isoformat(),
        month=d.isoformat()[:7],
        year=str(d.year),
        fr=f"le {d.day} {_MONTHS_FR[d.month - 1]} {d.year}",
        en=f"on {d.day} {_MONTHS_EN[d.month - 1]} {d.year}",
        month_fr=f"en {_MONTHS_FR[d.month - 1]} {d.year}",
        month_en=f"in {_MONTHS_EN[d.month - 1]} {d.year}",
        weekday_fr=_WEEKDAYS_FR[d.weekday()],
        weekday_en=_WEEKDAYS_EN[d.weekday()],
    )


# ---------------------------------------------------------------------------------------- writing


class _FactsFile:
    """One facts file and its document text, written as records come; edges are spooled."""

    def __init__(self, out_dir: Path, stem: str, counts: Counter[str], comment: str) -> None:
        self.path = out_dir / f"{stem}.facts.yaml"
        self.text_name = f"{stem}.txt"
        self.counts = counts
        self.yaml: IO[str] = open(self.path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        self.text: IO[str] = open(out_dir / self.text_name, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        self.edges: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")  # noqa: SIM115
        self.pos = 0
        self.has_edges = False
        self.yaml.write(f"{comment}kg: 1\n")

    def say(self, words: str) -> tuple[int, int]:
        """Append words to the document text; their offsets in code points (end-exclusive)."""
        start = self.pos
        self.text.write(words)
        self.pos += len(words)
        return start, self.pos

    def quote(self, words: str) -> str:
        """Say the words and return them as the quote lines of a record."""
        start, end = self.say(words)
        return f"    quote: {yaml_string(words)}\n    quote_start: {start}\n    quote_end: {end}\n"

    def link(self, target: str, words: str, quoted: bool) -> str:
        """Say the words; a link to ``target``, with the words as its quote when ``quoted``."""
        start, end = self.say(words)
        if not quoted:
            return target
        return (
            f"{{to: {target}, quote: {yaml_string(words)}, quote_start: {start}, quote_end: {end}}}"
        )

    def document(self, doc_id: str, label: str, props: str) -> None:
        self.yaml.write(
            f"document:\n  id: {doc_id}\n  type: {_key(label)}\n"
            f"  text: {yaml_string(self.text_name)}\n{props}nodes:\n"
        )
        self.counts[label] += 1

    def node(self, label: str, record: str) -> None:
        self.yaml.write(record)
        self.counts[label] += 1

    def edge(self, rel_type: str, source: str, target: str, props: str = "") -> None:
        self.edges.write(f"  - {{type: {_key(rel_type)}, from: {source}, to: {target}{props}}}\n")
        self.counts[rel_type] += 1
        self.has_edges = True

    def close(self) -> None:
        try:
            if self.has_edges:
                self.yaml.write("edges:\n")
                self.edges.seek(0)
                shutil.copyfileobj(self.edges, self.yaml)
        finally:
            self.edges.close()
            self.yaml.close()
            self.text.close()


def _links(links: dict[str, list[str]]) -> str:
    """The links block of a record: one id, a flow list of ids, or a list of mappings."""
    out = ["    links:\n"]
    for rel_type, items in links.items():
        key = _key(rel_type)
        if len(items) == 1:
            out.append(f"      {key}: {items[0]}\n")
        elif not any(i.startswith("{") for i in items):
            out.append(f"      {key}: [{', '.join(items)}]\n")
        else:
            out.append(f"      {key}:\n")
            out.extend(f"        - {i}\n" for i in items)
    return "".join(out)


def _props(indent: str = "    ", /, **props: Any) -> str:
    """Record lines for the given properties (None skipped; strings quoted; lists in flow style)."""
    out = []
    for name, value in props.items():
        if value is None:
            continue
        if isinstance(value, list):
            rendered = "[" + ", ".join(yaml_string(v) for v in value) + "]"
        elif isinstance(value, str):
            rendered = yaml_string(value)
        else:
            rendered = str(value)
        out.append(f"{indent}{_key(name)}: {rendered}\n")
    return "".join(out)


# ---------------------------------------------------------------------------------------- actors


@dataclass
class _Registry:
    """What event files need to know of the actors file: ids, and names to write in texts."""

    persons: list[tuple[str, str, str]]  # (id, name as texts write it, Latin name)
    countries: list[tuple[str, str, str]]  # (id, French name, English name)
    organisations: list[tuple[str, str, str]]
    platforms: list[int]  # indices into organisations
    agencies: list[int]
    places: list[tuple[str, str, str]]
    topics: list[tuple[str, str, str]]
    conflicts: list[str]


def _compose(parts: Sequence[Sequence[Triple]], index: int) -> Triple:
    """The index-th combination of one part from each list (mixed radix), joined."""
    native, en, fr = [], [], []
    for options in parts:
        n_native, n_en, n_fr = options[index % len(options)]
        index //= len(options)
        native.append(n_native)
        en.append(n_en)
        fr.append(n_fr)
    return "".join(native), "".join(en), "".join(fr)


def _script_for(index: int) -> _Script:
    return _SCRIPTS[index % len(_SCRIPTS)][0]


def _write_actors(
    out_dir: Path, voc: _Vocabulary, ont: Ontology, events: int, seed: int, counts: Counter[str]
) -> tuple[Path, _Registry]:
    rng = random.Random(f"kg-generate:{seed}:actors")
    n_persons = max(12, events // 10)
    n_countries = min(200, max(8, events // 20))
    n_orgs = max(len(_CATEGORY_WEIGHTS) + 2, events // 100)
    n_places = min(5000, max(6, events // 50))
    n_topics = min(len(_TOPICS) * 40, max(8, events // 200))
    n_conflicts = min(25, 1 + events // 20000)
    f = _FactsFile(
        out_dir,
        "actors",
        counts,
        f"# Synthetic corpus written by kg generate (events={events}, seed={seed}): the actors,\n"
        "# places, topics and conflicts the events files refer to. Every name is made up.\n",
    )
    doc_label = voc.sources[0]
    doc_id = f"{_kebab(doc_label)}-register"
    f.document(
        doc_id,
        doc_label,
        _props(
            "  ",
            name="Registre synthétique des acteurs, lieux et sujets",
            published=f"{_YEAR}-01-01",
            language="fr",
            description="Synthetic text written by kg generate; every name and fact in it is fictional.",
        ),
    )
    f.say(
        "Registre synthétique des acteurs, lieux et sujets (généré par kg generate ; noms et faits fictifs).\n\n"
    )
    cls = ont.classes
    rel_fr = {
        t: ont.relationships[t].labels.get("fr", t) for t in (voc.part, voc.member, voc.located)
    }

    # Countries: one script each, named root + middle + suffix.
    countries: list[tuple[str, str, str]] = []
    country_alias: list[str] = []
    for j in range(n_countries):
        label = voc.countries[j % len(voc.countries)]
        script = _script_for(j)
        native, en, fr = _compose(
            (script.roots, script.mids, script.country_suffixes), j // len(_SCRIPTS)
        )
        en, fr = en[:1].upper() + en[1:], fr[:1].upper() + fr[1:]
        cid = f"{_kebab(label)}-{j + 1}-{_slug(en)}"
        line = f"{fr} ({native}), {cls[label].labels.get('fr', label)}.\n"
        start = f.pos
        f.say(line)
        f.node(
            label,
            f"  - id: {cid}\n    type: {_key(label)}\n"
            + _props(name=en, label_fr=fr, label_en=en, alias=[native] if native != en else None)
            + f"    quote: {yaml_string(fr)}\n    quote_start: {start}\n    quote_end: {start + len(fr)}\n",
        )
        countries.append((cid, fr, en))
        country_alias.append(native)

    # Organisations: every category at least once, then by weight; ministries and the like are
    # part of a country, countries and some organisations members of alliances.
    orgs: list[tuple[str, str, str]] = []
    org_category: list[str] = []
    platforms: list[int] = []
    agencies: list[int] = []
    alliances: list[int] = []
    category_values = ont.properties["category"].allowed
    cats, cum = _weighted(category_values, _CATEGORY_WEIGHTS)
    for j in range(n_orgs):
        label = voc.platforms[0] if j < len(cats) else voc.organisations[j % len(voc.organisations)]
        has_category = "category" in cls[label].properties
        category = cats[j] if j < len(cats) else rng.choices(cats, cum_weights=cum)[0]
        script = _script_for(rng.randrange(len(_SCRIPTS)))
        native_root, root_en, root_fr = script.roots[rng.randrange(len(script.roots))]
        home = rng.randrange(n_countries)
        c_fr, c_en = countries[home][1], countries[home][2]
        alias: list[str] | None = None
        if category == "ministry":
            en, fr = _MINISTRIES[(j // 7) % len(_MINISTRIES)]
            en, fr = f"{en} of {c_en}", f"{fr} de {c_fr}"
        elif category == "government":
            en, fr = f"Government of {c_en}", f"gouvernement de {c_fr}"
        elif category == "armed forces":
            en, fr = f"{c_en} Armed Forces", f"forces armées de {c_fr}"
        elif category == _AGENCY:
            en, fr = f"{root_en} Press Agency {j + 1}", f"Agence de presse {root_fr} {j + 1}"
            alias = [f"{native_root} {j + 1}"] if native_root != root_en else None
        elif category == _PLATFORM:
            en = fr = f"{root_en}{('gram', 'Net', ' Social', 'Chat')[j % 4]} {j + 1}"
            alias = [f"@{_slug(en).replace('-', '')}"]
        elif category == _ALLIANCE:
            en, fr = (
                f"{root_en} Treaty Organisation {j + 1}",
                f"Organisation du traité de {root_fr} {j + 1}",
            )
            alias = ["".join(w[0] for w in en.split()[:3]).upper()]
        else:
            topic_en, topic_fr = _TOPICS[j % len(_TOPICS)]
            en, fr = f"Committee for {topic_en} {j + 1}", f"Comité pour {topic_fr} {j + 1}"
        oid = f"{_kebab(label)}-{j + 1}-{_slug(en)}"
        f.node(
            label,
            f"  - id: {oid}\n    type: {_key(label)}\n"
            + _props(
                name=en,
                label_fr=fr,
                label_en=en,
                alias=alias,
                category=category if has_category else None,
            )
            + f.quote(fr)
            + (
                ""
                if category not in _COUNTRY_BOUND
                else f"    links:\n      {_key(voc.part)}: {countries[home][0]}\n"
            ),
        )
        if category in _COUNTRY_BOUND:
            counts[voc.part] += 1
        f.say(f", {rel_fr[voc.part]} {c_fr}.\n" if category in _COUNTRY_BOUND else ".\n")
        orgs.append((oid, fr, en))
        org_category.append(category)
        if category == _PLATFORM and label in voc.platforms:
            platforms.append(j)
        elif category == _AGENCY and label in voc.platforms:
            agencies.append(j)
        elif category == _ALLIANCE:
            alliances.append(j)

    # Memberships: most countries belong to one or two alliances, a few organisations to one.
    for cid, c_fr, _en in countries:
        if not alliances:
            break
        chosen = {alliances[rng.randrange(len(alliances))] for _ in range(rng.choice((0, 1, 1, 2)))}
        for a in sorted(chosen):
            words = f"{c_fr} {rel_fr[voc.member]} {orgs[a][1]}"
            start, end = f.say(words)
            f.say(".\n")
            f.edge(voc.member, cid, orgs[a][0], _edge_quote(words, start, end))
    for j, (oid, o_fr, _en) in enumerate(orgs):
        if alliances and org_category[j] == "other" and rng.random() < 0.2:
            a = alliances[rng.randrange(len(alliances))]
            words = f"{o_fr} {rel_fr[voc.member]} {orgs[a][1]}"
            start, end = f.say(words)
            f.say(".\n")
            f.edge(voc.member, oid, orgs[a][0], _edge_quote(words, start, end))

    # Places, each in a country.
    places: list[tuple[str, str, str]] = []
    for j in range(n_places):
        label = voc.places[j % len(voc.places)]
        script = _script_for(j)
        native, en, fr = _compose(
            (script.roots, script.mids, script.place_suffixes), j // len(_SCRIPTS)
        )
        en, fr = en[:1].upper() + en[1:], fr[:1].upper() + fr[1:]
        pid = f"{_kebab(label)}-{j + 1}-{_slug(en)}"
        country = rng.randrange(n_countries)
        f.node(
            label,
            f"  - id: {pid}\n    type: {_key(label)}\n"
            + _props(name=native, label_fr=fr, label_en=en, alias=[en] if native != en else None)
            + f.quote(native),
        )
        f.say(f" ({fr})" if fr != native else "")
        words = f"{rel_fr[voc.located]} {countries[country][1]}"
        f.say(" ")
        start, end = f.say(words)
        f.say(".\n")
        f.edge(voc.located, pid, countries[country][0], _edge_quote(words, start, end))
        places.append((pid, native, native))

    # Topics: a subject, then the subject in a country.
    topics: list[tuple[str, str, str]] = []
    for j in range(n_topics):
        label = voc.topics[j % len(voc.topics)]
        en, fr = _TOPICS[j % len(_TOPICS)]
        if j >= len(_TOPICS):
            c = countries[(j // len(_TOPICS) - 1) % n_countries]
            en, fr = f"{en} in {c[2]}", f"{fr} en {c[1]}"
        tid = f"{_kebab(label)}-{j + 1}-{_slug(en)}"
        f.node(
            label,
            f"  - id: {tid}\n    type: {_key(label)}\n"
            + _props(name=en, label_fr=fr, label_en=en)
            + f.quote(fr),
        )
        f.say(f", {cls[label].labels.get('fr', label)}.\n")
        topics.append((tid, fr, en))

    # Persons: named in their script, each holding a position in a country or an organisation
    # (the first persons of a country are its heads), sometimes a second one.
    persons: list[tuple[str, str, str]] = []
    heads: Counter[int] = Counter()
    scripts, script_cum = [s for s, _ in _SCRIPTS], []
    total = 0
    for _, weight in _SCRIPTS:
        total += weight
        script_cum.append(total)
    for j in range(n_persons):
        label = voc.persons[j % len(voc.persons)]
        script = rng.choices(scripts, cum_weights=script_cum)[0]
        g = script.given[rng.randrange(len(script.given))]
        fa = script.family_a[rng.randrange(len(script.family_a))]
        fb = script.family_b[rng.randrange(len(script.family_b))]
        if script.family_first:
            native = fa[0] + g[0] + fb[0]
            en, fr = f"{fa[1]} {g[1]}{fb[1]}", f"{fa[2]} {g[2]}{fb[2]}"
            family_native, family_en = fa[0], fa[1]
        else:
            native, en, fr = (
                f"{g[0]} {fa[0]}{fb[0]}",
                f"{g[1]} {fa[1]}{fb[1]}",
                f"{g[2]} {fa[2]}{fb[2]}",
            )
            family_native, family_en = fa[0] + fb[0], fa[1] + fb[1]
        pid = f"{_kebab(label)}-{j + 1}-{_slug(en)}"
        alias = sorted({family_native, family_en}) if rng.random() < 0.5 else None
        positions: list[tuple[tuple[str, str, str], tuple[str, str]]] = []
        for _ in range(2 if rng.random() < 0.1 else 1):
            if rng.random() < 0.55:
                ci = int(n_countries * rng.random() ** 1.5)
                pos = _HEAD_POSITIONS[heads[ci]] if heads[ci] < len(_HEAD_POSITIONS) else None
                heads[ci] += 1
                pos = pos or _COUNTRY_POSITIONS[rng.randrange(len(_COUNTRY_POSITIONS))]
                target = countries[ci]
            else:
                o = rng.randrange(n_orgs)
                choices = _ORG_POSITIONS.get(org_category[o], (_MEMBER,))
                pos = choices[rng.randrange(len(choices))]
                target = orgs[o]
            if all(t[0] != target[0] for t, _ in positions):
                positions.append((target, pos))
        record = [
            f"  - id: {pid}\n    type: {_key(label)}\n",
            _props(name=native, label_fr=fr, label_en=en, alias=alias),
            f.quote(native),
        ]
        f.say(f" ({fr})" if fr != native else "")
        held = []
        for target, (pos_en, pos_fr) in positions:
            f.say(", ")
            words = f"{pos_fr} — {target[1]}"
            start, end = f.say(words)
            held.append(
                f"{{to: {target[0]}, position: {yaml_string(pos_en)}, "
                f"position_fr: {yaml_string(pos_fr)}, quote: {yaml_string(words)}, "
                f"quote_start: {start}, quote_end: {end}}}"
            )
            counts[voc.position] += 1
        f.say(".\n")
        record.append(_links({voc.position: held}))
        f.node(label, "".join(record))
        persons.append((pid, native, en))

    # Conflicts between countries, stated by the register itself.
    conflicts: list[str] = []
    armies = [j for j, c in enumerate(org_category) if c == "armed forces"]
    statuses = ont.status_values()
    for j in range(n_conflicts if voc.conflicts else 0):
        label = voc.conflicts[j % len(voc.conflicts)]
        sides = sorted(set(rng.sample(range(n_countries), 2)))
        if armies and rng.random() < 0.4:  # an army on one side
            sides.append(-1 - armies[rng.randrange(len(armies))])
        names = [countries[s] if s >= 0 else orgs[-1 - s] for s in sides]
        year = _YEAR - 1 - rng.randrange(12)
        cid = f"{_kebab(label)}-{j + 1}"
        cls_fr, cls_en = cls[label].labels.get("fr", label), cls[label].labels.get("en", label)
        fr = f"{cls_fr} entre {names[0][1]} et {' et '.join(n[1] for n in names[1:])}"
        en = f"{cls_en} between {names[0][2]} and {' and '.join(n[2] for n in names[1:])}"
        month = rng.random() < 0.6
        f.node(
            label,
            f"  - id: {cid}\n    type: {_key(label)}\n"
            + _props(
                name=en,
                label_fr=fr,
                label_en=en,
                status="occurred" if "occurred" in statuses else statuses[0],
                date=f"{year}-{rng.randrange(1, 13):02d}" if month else str(year),
                date_precision="month" if month else "year",
            )
            + f.quote(fr)
            + _links(
                {
                    voc.belligerent: [n[0] for n in names],
                    voc.attribution: [doc_id],
                }
            ),
        )
        f.say(f", depuis {year}.\n")
        counts[voc.belligerent] += len(names)
        counts[voc.attribution] += 1
        conflicts.append(cid)
    f.close()
    return f.path, _Registry(
        persons=persons,
        countries=countries,
        organisations=orgs,
        platforms=platforms,
        agencies=agencies,
        places=places,
        topics=topics,
        conflicts=conflicts,
    )


def _edge_quote(words: str, start: int, end: int) -> str:
    return f", quote: {yaml_string(words)}, quote_start: {start}, quote_end: {end}"


# ---------------------------------------------------------------------------------------- events


def _write_events(
    out_dir: Path,
    number: int,
    first: int,
    count: int,
    n_files: int,
    voc: _Vocabulary,
    ont: Ontology,
    reg: _Registry,
    seed: int,
    events: int,
    counts: Counter[str],
) -> Path:
    """Write events ``first`` .. ``first + count - 1`` (1-based, over the corpus) to one file."""
    rng = random.Random(f"kg-generate:{seed}:events:{number}")
    rand, randrange = rng.random, rng.randrange
    stem = f"events-{number:05d}"
    lang = "fr" if rand() < 0.7 else "en"
    lo, hi = number - 1, number
    day_lo, day_hi = lo * 365 // n_files, max(lo * 365 // n_files + 1, hi * 365 // n_files)
    pub = day_hi - 1
    f = _FactsFile(
        out_dir,
        stem,
        counts,
        f"# Synthetic corpus written by kg generate (events={events}, seed={seed}), events file {number}\n"
        "# of a synthetic press review. Every name and fact is made up.\n",
    )
    cls = ont.classes
    fr = lang == "fr"

    doc_label = voc.sources[0] if rand() < 0.8 else voc.sources[randrange(len(voc.sources))]
    doc_id = f"{_kebab(doc_label)}-{number:05d}"
    title = (
        f"Revue de presse synthétique nº {number} ({_day(day_lo).iso} – {_day(pub).iso})"
        if fr
        else f"Synthetic press review no. {number} ({_day(day_lo).iso} – {_day(pub).iso})"
    )
    doc_props = _props(
        "  ",
        name=title,
        published=_day(pub).iso,
        language=lang,
        url=f"https://example.org/kg-corpus/{seed}/{stem}",
        description="Synthetic text written by kg generate; every name and fact in it is fictional.",
    )
    f.document(doc_id, doc_label, doc_props)
    f.say(f"{title}\n\n")

    # Sources: every class at least once, then weighted to the first; each authored by an actor,
    # some published on a platform or by a news agency, some citing an earlier one.
    n_sources = max(len(voc.sources), count // 8)
    src_values, src_cum = _zipf(voc.sources)
    persons, countries, orgs = reg.persons, reg.countries, reg.organisations
    n_persons, n_countries, n_orgs = len(persons), len(countries), len(orgs)
    sources: list[tuple[str, str, int]] = []  # (id, how the text names it, day published)
    for k in range(1, n_sources + 1):
        label = (
            src_values[k - 1]
            if k <= len(src_values)
            else rng.choices(src_values, cum_weights=src_cum)[0]
        )
        sid = f"{_kebab(label)}-{number:05d}-{k}"
        r = rand()
        if r < 0.5:
            author = persons[int(n_persons * rand() ** 2)]
        elif r < 0.9:
            author = orgs[randrange(n_orgs)]
        else:
            author = countries[randrange(n_countries)]
        author_name = author[1] if fr else author[2]
        published_day = day_lo + randrange(day_hi - day_lo)
        published = _day(published_day)
        on: str | None = None
        r = rand()
        if r < 0.35 and reg.platforms:
            on = orgs[reg.platforms[randrange(len(reg.platforms))]][0]
        elif r < 0.6 and reg.agencies:
            on = orgs[reg.agencies[randrange(len(reg.agencies))]][0]
        cls_label = cls[label].labels.get(lang, label)
        name = f"{author[2]}: {cls[label].labels.get('en', label)} no. {k}"
        if on is not None and rand() < 0.15:
            name += " " + _EMOJI[randrange(len(_EMOJI))]
        mention = (
            f"{author_name} ({cls_label} nº {k})" if fr else f"{author_name} ({cls_label} no. {k})"
        )
        f.say(f"[{k}] ")
        start, end = f.say(mention)
        f.say(f" — {name}, {published.fr if fr else published.en}.\n")
        src_links = {voc.author: [author[0]]}
        if on is not None:
            src_links[voc.published_on] = [on]
        if k > 1 and rand() < 0.25:
            src_links[voc.cites] = [sources[randrange(max(0, k - 6), k - 1)][0]]
        f.node(
            label,
            f"  - id: {sid}\n    type: {_key(label)}\n"
            + _props(
                name=name,
                published=published.iso,
                language=lang if rand() < 0.7 else _LANGUAGES[randrange(len(_LANGUAGES))],
            )
            + f"    quote: {yaml_string(mention)}\n    quote_start: {start}\n    quote_end: {end}\n"
            + _links(src_links),
        )
        for rel_type, targets in src_links.items():
            counts[rel_type] += len(targets)
        f.edge(voc.cites, doc_id, sid, _edge_quote(mention, start, end))
        sources.append((sid, mention, published_day))
    f.say("\n")

    # Events.
    labels, label_cum = _zipf(voc.occurrences)
    statuses = list(ont.status_values())
    status_values, status_cum = _weighted(statuses, _STATUS_WEIGHTS)
    announced = [s for s in ("announced", "planned") if s in statuses] or statuses
    agreement_statuses, agreement_cum = _weighted(statuses, _AGREEMENT_STATUS_WEIGHTS, default=0)
    precisions = list(ont.properties["date_precision"].allowed)
    precision_values, precision_cum = _weighted(precisions, _PRECISION_WEIGHTS)
    qualifiers = ont.properties["date_qualifier"].allowed
    knobs = {lb: _knobs(cls[lb].cameo) for lb in voc.occurrences}
    class_names = {
        lb: tuple(_capital(cls[lb].labels.get(x, lb)) for x in ("fr", "en"))
        for lb in voc.occurrences
    }
    kebabs = {lb: _kebab(lb) for lb in voc.occurrences}
    agreement_label = voc.agreements[0]
    agreement_kebab = _kebab(agreement_label)
    ag_fr, ag_en = (cls[agreement_label].labels.get(x, agreement_label) for x in ("fr", "en"))
    announcers = set(voc.announcers)
    places, topics, conflicts = reg.places, reg.topics, reg.conflicts
    n_places, n_topics, n_sources = len(places), len(topics), len(sources)
    initiator, attribution = voc.initiator, voc.attribution
    participant_role, target_role = voc.other_roles[0], voc.other_roles[-1]
    type_key = {lb: _key(lb) for lb in voc.occurrences}
    k_status, k_date, k_precision = _key("status"), _key("date"), _key("date_precision")
    nm = 1 if fr else 2  # the name texts write: French (or native) or English
    words_ = _WORDS_FR if fr else _WORDS_EN
    status_words = _STATUS_FR if fr else _STATUS_EN
    recent: list[str] = []  # the last events, for event-to-event links
    interactions = 0

    def pick_actor() -> tuple[str, str, str]:
        r = rand()
        if r < 0.55:
            return persons[int(n_persons * rand() ** 2)]
        if r < 0.85:
            return countries[int(n_countries * rand() ** 1.5)]
        return orgs[int(n_orgs * rand() ** 1.5)]

    def draw_label(n: int) -> str:
        # The first events of the corpus go through every class once.
        return labels[n - 1] if n <= len(labels) else rng.choices(labels, cum_weights=label_cum)[0]

    label = draw_label(first)
    forced: tuple[str, int] | None = None  # the status and day of an announced event
    for n in range(first, first + count):
        next_label = draw_label(n + 1)
        kn = knobs[label]
        eid = f"{kebabs[label]}-{n}"

        # Status, date and precision; the first events of the corpus go through every value.
        if n <= len(statuses):
            status = statuses[n - 1]
        elif forced is not None:
            status = forced[0]
        else:
            status = rng.choices(status_values, cum_weights=status_cum)[0]
        # The source first: a date may be given relative to its publication ("jeudi").
        src = sources[int(n_sources * rand() ** 1.5)]
        relative = forced is None and src[2] >= 7 and rand() < 0.05
        if forced is not None:
            day = forced[1]
        elif relative:
            day = src[2] - 1 - randrange(6)
        else:
            day = day_lo + randrange(day_hi - day_lo)
        forced = None
        if n <= len(precisions):
            precision = precisions[n - 1]
        elif relative:
            precision = "day"
        else:
            precision = rng.choices(precision_values, cum_weights=precision_cum)[0]
            if precision == "day" and "minute" in precisions and rand() < kn.minute:
                precision = "minute"
        d = _day(day)
        record = [
            f"  - id: {eid}\n    type: {type_key[label]}\n",
            "",
            f"    {k_status}: {yaml_string(status)}\n",
        ]
        if precision == "month":
            record.append(f'    {k_date}: "{d.month}"\n    {k_precision}: "month"\n')
            when = d.month_fr if fr else d.month_en
        elif precision == "year":
            record.append(f'    {k_date}: "{d.year}"\n    {k_precision}: "year"\n')
            when = f"{words_['in']} {d.year}"
        else:
            record.append(f'    {k_date}: "{d.iso}"\n    {k_precision}: {yaml_string(precision)}\n')
            when = d.fr if fr else d.en
            if precision == "minute":
                clock = f"{8 + randrange(12):02d}:{15 * randrange(4):02d}"
                zone = _UNKNOWN_ZONE if rand() < 0.5 else _TIME_ZONES[randrange(len(_TIME_ZONES))]
                record.append(_props(local_time=clock, time_zone=zone))
                when += f" {words_['at']} {clock}"
                when += f" ({words_['no zone'] if zone == _UNKNOWN_ZONE else zone})"
            elif rand() < kn.multi_day:
                record.append(_props(date_end=_day(day + 1 + randrange(3)).iso))
            if relative and precision == "day":
                weekday = d.weekday_fr if fr else d.weekday_en
                when = weekday if fr else f"on {weekday}"
                record.append(
                    _props(
                        date_resolution=f'"{weekday}" before the publication date '
                        f"{_day(src[2]).iso} of the source: {d.iso}."
                    )
                )
        if qualifiers and rand() < 0.03:
            record.append(_props(date_qualifier=qualifiers[randrange(len(qualifiers))]))

        # Actors: an initiator and one to three others, participants or targets.
        init = pick_actor()
        others: list[tuple[tuple[str, str, str], str]] = []
        seen = {init[0]}
        for _ in range(1 + int(3 * rand() ** 2)):
            actor = pick_actor()
            if actor[0] not in seen:
                seen.add(actor[0])
                others.append((actor, target_role if rand() < kn.target else participant_role))
        if not others:  # every draw was the initiator: take the first other person
            others.append((next(p for p in persons if p[0] not in seen), participant_role))
        interactions += len(others)
        links: dict[str, list[str]] = {initiator: [init[0]]}
        for actor, role in others:
            links.setdefault(role, []).append(actor[0])

        # The sentence. The event's quote is its core: what, who, with or against whom, when.
        with_ = [a[nm] for a, role in others if role != target_role]
        against = [a[nm] for a, role in others if role == target_role]
        core = f"{class_names[label][0 if fr else 1]} — {init[nm]}"
        if with_:
            core += f" {words_['with']} {', '.join(with_)}"
        if against:
            core += f", {words_['against']} {', '.join(against)}"
        record.append(f.quote(f"{core}, {when}"))
        if rand() < kn.place:
            place = places[int(n_places * rand() ** 1.5)]
            f.say(" ")
            links[voc.place] = [f.link(place[0], f"{words_['in']} {place[1]}", rand() < 0.3)]
        topic = None
        if rand() < 0.8:
            topic = topics[int(n_topics * rand() ** 1.5)]
            f.say(", ")
            words = f"au sujet de « {topic[1]} »" if fr else f"about {topic[2]}"
            links[voc.about] = [f.link(topic[0], words, rand() < 0.3)]
        if conflicts and rand() < 0.12:
            links.setdefault(voc.about, []).append(conflicts[int(len(conflicts) * rand() ** 2)])
        if recent and voc.sequence and rand() < 0.08:
            links[voc.sequence[randrange(len(voc.sequence))]] = [recent[randrange(len(recent))]]
        if label in announcers and n < first + count - 1 and rand() < 0.7:
            links[voc.announces] = [f"{kebabs[next_label]}-{n + 1}"]
            forced = (announced[randrange(len(announced))], day + 1 + randrange(10))
        f.say(
            f" : {status_words.get(status, status)}"
            if fr
            else f": {status_words.get(status, status)}"
        )

        # An agreement as outcome, the event's actors its parties.
        agreement = ""
        if agreement_statuses and status in _SETTLED and rand() < kn.outcome:
            aid = f"{agreement_kebab}-{n}"
            a_status = rng.choices(agreement_statuses, cum_weights=agreement_cum)[0]
            if status != "occurred":  # talks that were not reached reach no agreement
                a_status = status
            missed = a_status == "not_reached"
            subject_fr, subject_en = (
                (topic[1], topic[2]) if topic else ("la suite", "the next steps")
            )
            f.say(", ")
            words = (
                f"{'sans ' if missed else ''}{ag_fr} sur « {subject_fr} »"
                if fr
                else f"{'no ' if missed else ''}{ag_en} on {subject_en}"
            )
            parties = [init[0]] + [a[0] for a, _ in others]
            agreement = (
                f"  - id: {aid}\n    type: {_key(agreement_label)}\n"
                + _props(
                    name=f"{ag_en} on {subject_en} ({init[2]}, {others[0][0][2]})",
                    status=a_status,
                    date=d.year
                    if precision == "year"
                    else d.month
                    if precision == "month"
                    else d.iso,
                    date_precision="day" if precision == "minute" else precision,
                )
                + f.quote(words)
            )
            links[voc.outcome] = [aid]

        # According to the source, sometimes a second one too.
        f.say(f" ({words_['according to']} ")
        cited = [f.link(src[0], src[1], rand() < 0.3)]
        if rand() < 0.1:
            second = sources[randrange(n_sources)]
            if second[0] != src[0]:
                f.say(" ; " if fr else "; ")
                cited.append(f.link(second[0], second[1], False))
        f.say(").\n")
        links[attribution] = cited

        # Its name, and French and English labels now and then.
        record[1] = _props(
            name=f"{class_names[label][1]}: {init[2]} – {', '.join(a[2] for a, _ in others)}"
        )
        if rand() < 0.2:
            record.append(
                _props(
                    label_fr=f"{class_names[label][0]} : {init[2]} et {others[0][0][2]}",
                    label_en=f"{class_names[label][1]}: {init[2]} and {others[0][0][2]}",
                )
            )
        record.append(_links(links))
        f.node(label, "".join(record))
        for rel_type, targets in links.items():
            counts[rel_type] += len(targets)
        if agreement:
            parties_links = {voc.party: parties, attribution: [src[0]]}
            f.node(agreement_label, agreement + _links(parties_links))
            counts[voc.party] += len(parties)
            counts[attribution] += 1
        recent.append(eid)
        if len(recent) > 50:
            del recent[0]
        label = next_label
    counts[ont.interaction_type] += interactions
    f.close()
    return f.path


# ---------------------------------------------------------------------------------------- corpus


def generate_corpus(
    events: int,
    seed: int,
    out_dir: Path,
    *,
    events_per_file: int = 10_000,
    progress: Progress | None = None,
) -> list[Path]:
    """Write a synthetic corpus of ``events`` events to ``out_dir``; its facts files in load order.

    Args:
        events: how many events the events files hold (conflicts and agreements come on top).
        seed: the same events and seed give byte-identical files.
        out_dir: the folder to write into (created if needed). Files a corpus written there
            before listed and this one does not write are removed.
        events_per_file: events per events file.
        progress: called with (step, events written, events) after each file.

    Raises:
        KGError: events or events_per_file is not a positive number, or a file cannot be written.
        OntologyError: the ontology lacks a class or relationship type a corpus needs.
    """
    if isinstance(events, bool) or not isinstance(events, int) or events < 1:
        raise KGError(f"the number of events must be a whole number of at least 1, not {events!r}")
    if (
        isinstance(events_per_file, bool)
        or not isinstance(events_per_file, int)
        or events_per_file < 1
    ):
        raise KGError(
            f"events per file must be a whole number of at least 1, not {events_per_file!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise KGError(f"the seed must be a whole number, not {seed!r}")
    ont = load_ontology()
    voc = _Vocabulary.from_ontology(ont)
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stale = _previous_files(out_dir)
        (out_dir / MANIFEST).unlink(missing_ok=True)
        counts: Counter[str] = Counter()
        actors_path, registry = _write_actors(out_dir, voc, ont, events, seed, counts)
        paths = [actors_path]
        n_files = -(-events // events_per_file)
        if progress is not None:
            progress("generating events", 0, events)
        for number in range(1, n_files + 1):
            first = (number - 1) * events_per_file + 1
            count = min(events_per_file, events - first + 1)
            paths.append(
                _write_events(
                    out_dir, number, first, count, n_files, voc, ont, registry, seed, events, counts
                )
            )
            if progress is not None:
                progress("generating events", first + count - 1, events)
        written = {p.name for p in paths} | {p.name[: -len(".facts.yaml")] + ".txt" for p in paths}
        for name in sorted(stale - written):
            (out_dir / name).unlink(missing_ok=True)
        _write_manifest(out_dir, events, seed, events_per_file, paths, counts, ont, voc)
    except OSError as exc:
        raise KGError(f"cannot write the corpus in {out_dir}: {exc.strerror or exc}") from None
    return paths


def _write_manifest(
    out_dir: Path,
    events: int,
    seed: int,
    events_per_file: int,
    paths: list[Path],
    counts: Counter[str],
    ont: Ontology,
    voc: _Vocabulary,
) -> None:
    labels = set(ont.node_labels)
    nodes = {k: v for k, v in sorted(counts.items()) if k in labels and v}
    edges = {k: v for k, v in sorted(counts.items()) if k not in labels and v}
    manifest = {
        "format": CORPUS_FORMAT,
        "generator": "kg generate",
        "events": events,
        "seed": seed,
        "events_per_file": events_per_file,
        "files": [p.name for p in paths],
        "texts": [p.name[: -len(".facts.yaml")] + ".txt" for p in paths],
        "nodes": sum(nodes.values()),
        "edges": sum(edges.values()),
        "counts": {**nodes, **edges},
    }
    (out_dir / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def _read_manifest(out_dir: Path) -> dict[str, Any]:
    path = out_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KGError(f"{out_dir} holds no generated corpus (no {MANIFEST})") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KGError(f"{path}: cannot read the corpus manifest: {exc}") from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(
        isinstance(f, str) and f and Path(f).name == f for f in files
    ):
        raise KGError(f"{path}: the manifest has no list of file names")
    return data


def _previous_files(out_dir: Path) -> set[str]:
    """The files a corpus written in ``out_dir`` before says are its own."""
    with contextlib.suppress(KGError):
        data = _read_manifest(out_dir)
        texts = data.get("texts") or []
        return set(data["files"]) | {t for t in texts if isinstance(t, str) and Path(t).name == t}
    return set()


def corpus_paths(out_dir: Path) -> list[Path]:
    """The facts files of a corpus written by :func:`generate_corpus`, in load order.

    Raises:
        KGError: the folder holds no corpus manifest, or it cannot be read.
    """
    out_dir = Path(out_dir)
    return [out_dir / name for name in _read_manifest(out_dir)["files"]]
