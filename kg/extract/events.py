"""Events of a report: trigger words of the ontology, roles from the parse, status from modality.

A trigger (``kg:triggerFr`` of an event class) names an event. Its roles come from the
dependency parse: the subject of the clause starts it (who calls, who demands), "avec" and
"entre" give participants, the object or the subject of a demanded clause is the target.
Its status comes from the words that govern it: "exige que" (demanded), "espère" and "en vue
de" (hoped), "prévoit de", "doit", the future (planned), a future said by its speaker ("a
déclaré qu'il s'entretiendrait": announced, with an Announcement that announces it), and a
negation or a failure ("aucune trêve", "sans aboutir à un accord": not reached).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kg.extract.actors import ActorTable
from kg.extract.cues import event_triggers, lemma_key, load_cues
from kg.extract.dates import DateMention, find_dates, find_times
from kg.ontology import Ontology

__all__ = ["Event", "find_events", "inverted"]

_PRONOUNS = {"il", "elle", "-il", "-elle"}
_DEFINITE = {"le", "la", "l'", "l’", "ce", "cette", "cet"}


@dataclass
class Event:
    """One event found in the text, before it becomes a record of the draft."""

    cls: str
    start: int  # trigger span in the text
    end: int
    sentence: int
    status: str
    status_cue: str
    quote: tuple[int, int]
    roles: dict[str, list[str]] = field(default_factory=dict)
    date: DateMention | None = None
    date_offset: int = 0  # where the sentence starts, to place the date phrase in the text
    local_time: tuple[str, str] | None = None
    places: list[str] = field(default_factory=list)
    announces: list[Event] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    definite: bool = False
    announcer: Any = None  # the commitment verb token that made it announced
    merged: int = 0
    headline: bool = False  # named in a title line, told again in the body
    right_after: str | None = None  # "aussitôt après": dated by the event told before it

    @property
    def confidence(self) -> float:
        score = 0.45 + 0.15 * min(2, len(self.actors())) + (0.1 if self.date else 0.0)
        return round(min(score + 0.05 * self.merged, 0.95), 2)

    def actors(self) -> list[str]:
        return [a for ids in self.roles.values() for a in ids]

    def add_role(self, role: str, actor: str) -> None:
        if actor not in self.actors():
            self.roles.setdefault(role, []).append(actor)


def _words(token: Any) -> set[str]:
    text = token.text.lower().replace("’", "'")
    return {token.lemma_.lower(), text, lemma_key(text)[0] if lemma_key(text) else text}


def _cue(token: Any, cues: list[str]) -> bool:
    """Whether the token is one of the cue words: its lemma or form, or for a verb in -er a form
    of its stem (the tagger reads "réclame" as the noun réclame)."""
    words = _words(token)
    for cue in cues:
        if cue in words:
            return True
        if (
            cue.endswith("er")
            and len(cue) > 5
            and token.lower_.startswith(cue[:-2])
            and len(token.lower_) <= len(cue) + 3
        ):
            return True
    return False


def _triggers_in(
    sent: Any, triggers: dict[tuple[str, ...], str], skip: set[int]
) -> list[tuple[int, int, str]]:
    """Trigger phrases of the sentence, longest first: (first token, end token, class)."""
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for key, cls in sorted(triggers.items(), key=lambda kv: -len(kv[0])):
        by_first.setdefault(key[0], []).append((key, cls))
    found = []
    tokens = list(sent)
    i = 0
    while i < len(tokens):
        hit = None
        for word in _words(tokens[i]):
            for key, cls in by_first.get(word, ()):
                window = tokens[i : i + len(key)]
                if len(window) == len(key) and all(
                    k in _words(t) for k, t in zip(key[1:], window[1:], strict=True)
                ):
                    if hit is None or len(key) > hit[1] - hit[0]:
                        hit = (i, i + len(key), cls)
                    break
        if hit and not any(tokens[j].idx in skip for j in range(hit[0], hit[1])):
            found.append((tokens[hit[0]].i, tokens[hit[1] - 1].i + 1, hit[2]))
            i = hit[1]
        else:
            i += 1
    return found


def _attribution(token: Any, cues: dict[str, Any]) -> bool:
    """ "..., a annoncé le département d'État": a reporting verb with its subject after it gives
    the source of the sentence, not an event."""
    if token.pos_ != "VERB" or token.lemma_.lower() not in cues["reporting_verbs"]:
        return False
    return inverted(token) or any(
        c.dep_ == "nsubj" and (c.i > token.i or c.text.startswith("-")) for c in token.children
    )


def inverted(token: Any) -> bool:
    """A reporting verb after a comma that ends its sentence with its speaker: ", a annoncé le
    département d'État", ", a-t-il écrit sur X" (the tagger often misses the inverted subject)."""
    before = token.i - 1
    while before >= token.sent.start and (
        token.doc[before].pos_ == "AUX" or token.doc[before].text.startswith("-")
    ):
        before -= 1
    rest = [t for t in token.doc[token.i + 1 : token.sent.end] if not t.is_punct and not t.is_space]
    return before >= token.sent.start and token.doc[before].text == "," and 0 < len(rest) <= 8


def _attributive(token: Any) -> bool:
    """ "l'entretien téléphonique annoncé": a participle that describes a noun names no event."""
    return (
        token.pos_ in {"VERB", "ADJ"}
        and "Part" in token.morph.get("VerbForm")
        and token.dep_ in {"acl", "amod"}
        and not any(c.dep_.startswith("aux") for c in token.children)
    )


def _modifier(token: Any, cues: dict[str, Any]) -> bool:
    """ "prisonniers de guerre": an event word after "de" with no article qualifies a noun."""
    if token.pos_ != "NOUN" or token.head.pos_ != "NOUN" or token.head is token:
        return False
    has_det = any(c.dep_ == "det" for c in token.children)
    case = _case(token)
    return (
        case in {"de", "d'"}
        and not has_det
        and token.head.lemma_.lower() not in cues["frame_nouns"]
    )


def _governors(token: Any, limit: int = 5) -> list[Any]:
    """The words that govern ``token`` through complements, up to the first loose attachment
    (a parenthetical, a coordination, an adverbial): what can give it a modality."""
    chain: list[Any] = []
    while token.head is not token and len(chain) < limit:
        if token.dep_ in {"parataxis", "conj", "advmod", "punct", "obl:mod", "appos", "dep"}:
            break
        token = token.head
        chain.append(token)
    return chain


def _ancestors(token: Any, limit: int = 5) -> list[Any]:
    chain: list[Any] = []
    while token.head is not token and len(chain) < limit:
        token = token.head
        chain.append(token)
    return chain


_FUTURE_ENDINGS = ("rait", "raient", "ra", "ront", "rons", "rez")


def _is_future(verb: Any) -> bool:
    """Future or conditional, from the morphology or, where the tagger missed it, the ending."""
    forms = [verb, *(c for c in verb.children if c.dep_.startswith("aux"))]
    for t in forms:
        if "Fut" in t.morph.get("Tense") or "Cnd" in t.morph.get("Mood"):
            return True
        if (
            t.pos_ in {"VERB", "AUX"}
            and "Fin" in t.morph.get("VerbForm")
            and t.lower_.endswith(_FUTURE_ENDINGS)
        ):
            return True
    return verb.head.lemma_ == "aller" and verb.dep_ == "xcomp"


def _clause_verb(token: Any) -> Any:
    """The verb whose subject is the event's actor: the trigger itself, the verb of which the
    event noun is the subject ("les pourparlers se sont déroulés"), or a light verb that takes
    it as object ("ont eu l'entretien")."""
    if token.pos_ in {"VERB", "AUX"}:
        return token
    head = token.head
    if head.pos_ not in {"VERB", "AUX"}:
        return token
    if token.dep_ in {"nsubj", "nsubj:pass"}:
        return head
    if token.dep_ == "obj" and head.lemma_.lower() in load_cues()["light_verbs"]:
        return head
    return token


def _negated(token: Any, cues: dict[str, Any]) -> bool:
    neg = set(cues["status"]["not_reached"])
    failure = set(cues["status"]["failure"])
    doc = token.doc
    before = [t.lower_ for t in doc[max(token.i - 3, token.sent.start) : token.i]]
    if before[-2:] in (["pas", "de"], ["pas", "d'"]) or "aucun" in before or "aucune" in before:
        return True
    for t in [token, *_ancestors(token, 3)]:
        kids = {c.lemma_.lower() for c in t.children} | {c.lower_ for c in t.children}
        if t is token and kids & {"aucun", "aucune", "pas", "jamais"}:
            return True
        if t is not token and t.lemma_.lower() in failure and kids & neg:
            return True
        if t is not token and t.pos_ == "NOUN" and kids & {"aucun", "aucune"}:
            return True
    return False


# How an event word may hang under the word that gives it a status ("les négociations doivent
# reprendre": the subject of a modal verb).
_COMPLEMENTS = {"xcomp", "ccomp", "obj", "nsubj", "nsubj:pass", "acl", "csubj", "obl:arg", "nmod"}
_ARTICLES = ("un", "une", "le", "la", "les", "des", "du")


def _purpose(token: Any, phrases: list[str]) -> str | None:
    """A purpose or a need just before the event word: "en vue d'un cessez-le-feu"."""
    rel = token.idx - token.sent.start_char
    words = token.sent.text[max(0, rel - 40) : rel].lower().replace("’", "'").replace("d'", "de ")
    words = words.replace("l'", "le ").split()
    while words and words[-1] in _ARTICLES:
        words.pop()
    text = " ".join(words)
    return next((p for p in phrases if text.endswith(p)), None)


def _cue_in_chain(token: Any, cues: list[str]) -> Any:
    """The first word governing ``token`` through complements that is one of the cues."""
    below = token
    for above in _governors(token):
        if below.dep_ in _COMPLEMENTS and _cue(above, cues):
            return above
        below = above
    return None


def _status(token: Any, cls: str, cues: dict[str, Any]) -> tuple[str, str, Any]:
    """The status of the event named at ``token``, the cue that gave it, and its announcer."""
    if _negated(token, cues):
        return "not_reached", "a negation or a failure governs it", None
    if cls in cues["stative_classes"]:
        return "occurred", "a state the report takes as given", None
    status_cues: dict[str, list[str]] = cues["status"]
    if cls not in cues["speech_act_classes"]:
        phrase = _purpose(token, cues["purpose_phrases"])
        if phrase:
            return "hoped", f'"{phrase}"', None
        for status in ("demanded", "hoped"):
            cue = _cue_in_chain(token, status_cues[status])
            if cue is not None or (
                status == "hoped" and any(a.lower_.startswith("espér") for a in _governors(token))
            ):
                return status, f'"{cue.text if cue is not None else "espérer"}"', None
    chain = [token, *_governors(token)]
    verb = _clause_verb(token)
    future = _is_future(verb) or any(_is_future(a) for a in chain[1:3] if a.pos_ in {"VERB", "AUX"})
    planner = _cue_in_chain(token, status_cues["planned"])
    if future or planner is not None:
        said = _cue_in_chain(verb, cues["commitment_verbs"]) or _cue_in_chain(
            token, cues["commitment_verbs"]
        )
        if said is not None:
            return "announced", f'future said with "{said.text}"', said
        reported = _cue_in_chain(verb, cues["reporting_verbs"]) or _cue_in_chain(
            token, cues["reporting_verbs"]
        )
        if reported is not None:
            return "announced", f'future reported with "{reported.text}"', None
        return (
            "planned",
            f'"{planner.text}"' if planner is not None else "future or conditional",
            None,
        )
    if cls not in cues["speech_act_classes"]:
        ready = _cue_in_chain(token, status_cues["announced"])
        if ready is not None:
            return "announced", f'"{ready.text}"', None
    return "occurred", "past or present indicative", None


class _Roles:
    """Actors of a token, from the mentions, nationality adjectives and pronouns."""

    def __init__(
        self, table: ActorTable, gaz_demonyms: dict[str, str], ont: Ontology, doc: Any
    ) -> None:
        self.table = table
        self.demonyms = gaz_demonyms
        self.ont = ont
        self.excluded: list[tuple[int, int]] = []  # attribution phrases ("selon X")

    def _mention(self, token: Any) -> str | None:
        if any(s <= token.idx < e for s, e in self.excluded):
            return None
        actor = self.table.at(token.idx, token.idx + len(token.text))
        if actor and self.table.actors[actor].label != "Place":
            return actor
        return None

    def of(self, token: Any, strict: bool = False) -> list[str]:
        found = self._one(token, strict)
        for conj in token.conjuncts:
            found += [a for a in self._one(conj, strict) if a not in found]
        return found

    def _one(self, token: Any, strict: bool = False) -> list[str]:
        if any(s <= token.idx < e for s, e in self.excluded):
            return []
        if token.lower_ in _PRONOUNS:
            person = self.table.last_subject(token.idx)
            return [person] if person else []
        persons: list[str] = []
        others: list[str] = []
        if token.pos_ == "ADJ" and not strict:
            return self._demonyms(token)
        own = self._mention(token)
        if own:
            (persons if self.table.actors[own].label == "Person" else others).append(own)
        for child in token.children:
            if child.dep_ not in {"amod", "nmod", "appos", "flat:name"}:
                continue
            if strict and child.dep_ not in {"appos", "flat:name"}:
                continue
            a = self._mention(child)
            if a:
                (persons if self.table.actors[a].label == "Person" else others).append(a)
                continue
            if strict or child.dep_ != "amod":
                continue
            others += [c for c in self._demonyms(child) if c not in others]
        return persons[:1] if persons else others

    def _demonyms(self, token: Any) -> list[str]:
        """Countries of a nationality adjective, both of "russo-ukrainiennes"."""
        found: list[str] = []
        for piece in token.lower_.split("-"):
            country = self.demonyms.get(piece) or next(
                (
                    c
                    for adj, c in self.demonyms.items()
                    if len(piece) > 3 and adj.startswith(piece.rstrip("o"))
                ),
                None,
            )
            if country and country in self.table.actors and country not in found:
                found.append(country)
        return found


def _case(token: Any) -> str:
    return next((c.lower_ for c in token.children if c.dep_ in {"case", "mark"}), "")


def _roles(ev: Event, token: Any, roles: _Roles, cues: dict[str, Any]) -> None:
    symmetric: dict[str, str] = cues["symmetric_classes"]
    verb = _clause_verb(token)
    subjects: list[str] = []
    others: list[str] = []
    objects: list[str] = []
    heads = [verb] if verb is token else [verb, token]
    for head in heads:
        for child in head.children:
            dep = child.dep_
            if dep in {"nsubj", "nsubj:pass", "expl:subj"} and head is verb and child is not token:
                subjects += roles.of(child)
            elif dep in {"obl:mod", "obl:arg", "obl", "nmod", "iobj"} and _case(child) in {
                "avec",
                "entre",
            }:
                others += roles.of(child)
            elif dep in {"obj", "iobj"} and head is token:
                objects += roles.of(child)
            elif (
                dep in {"obl:arg", "obl:mod", "obl"}
                and head is token
                and _case(child) in {"à", "au", "aux"}
            ):
                objects += roles.of(child, strict=True)
    if token.pos_ == "NOUN":
        for child in token.children:
            if child.dep_ in {"nmod", "amod"} and _case(child) in {"", "de", "du", "des"}:
                for a in roles.of(child):
                    (others if ev.cls in symmetric else subjects).append(a)
    if not subjects and verb.dep_ in {"xcomp", "advcl"} and verb.head.pos_ in {"VERB", "AUX"}:
        for child in verb.head.children:
            if child.dep_ == "nsubj":
                subjects += roles.of(child)
    if not subjects and not others and ev.cls in cues["speech_act_classes"]:
        # "les États-Unis étaient prêts à poursuivre leurs efforts de médiation": the subject
        # of the nearest clause above speaks the offer.
        for above in _ancestors(token, 4):
            if above.pos_ == "VERB" and any(
                k[0] in _words(above) for k in event_triggers(roles.ont)
            ):
                break  # "a rejeté la proposition": the subject rejects, it does not propose
            found = [a for c in above.children if c.dep_ == "nsubj" for a in roles.of(c)]
            if found:
                subjects += found
                break
    if ev.cls == "Demand" and not objects:
        for child in token.children:
            if child.dep_ in {"ccomp", "xcomp"}:
                objects += [a for c in child.children if c.dep_ == "nsubj" for a in roles.of(c)]
    if ev.cls in symmetric:
        for a in subjects + others + objects:
            ev.add_role(symmetric[ev.cls], a)
        return
    for i, a in enumerate(subjects):
        ev.add_role("HAS_INITIATOR" if i == 0 else "HAS_PARTICIPANT", a)
    for a in others:
        ev.add_role("HAS_PARTICIPANT", a)
    target = "HAS_PARTICIPANT" if ev.cls in {"Call", "Consultation"} else "HAS_TARGET"
    for a in objects:
        ev.add_role(target, a)


def _allowed(ev: Event, table: ActorTable, ont: Ontology) -> None:
    for role in list(ev.roles):
        ev.roles[role] = [
            a for a in ev.roles[role] if ont.allows(role, ev.cls, table.actors[a].label)
        ]
        if not ev.roles[role]:
            del ev.roles[role]


def find_events(
    doc: Any,
    table: ActorTable,
    demonyms: dict[str, str],
    published: dt.date,
    ont: Ontology,
    excluded: list[tuple[int, int]] = (),  # type: ignore[assignment]
) -> list[Event]:
    """The events of the parsed text, merged where two mentions name one event.

    ``excluded`` spans are attribution phrases ("selon le ministère"): their actors are sources,
    never the actors of an event.
    """
    cues = load_cues()
    triggers = event_triggers(ont)
    roles = _Roles(table, demonyms, ont, doc)
    roles.excluded = list(excluded)
    skip = {m.start for m in table.mentions}
    events: list[Event] = []
    for number, sent in enumerate(doc.sents):
        found: list[Event] = []
        tokens_of: dict[int, Any] = {}
        for first, last, cls in _triggers_in(sent, triggers, skip):
            token = doc[first]
            if _modifier(token, cues) or _attributive(token) or _attribution(token, cues):
                continue
            status, cue, announcer = _status(token, cls, cues)
            start, end = doc[first].idx, doc[last - 1].idx + len(doc[last - 1].text)
            ev = Event(cls, start, end, number, status, cue, (start, end), announcer=announcer)
            prev = doc[first - 1].lower_ if first > sent.start else ""
            ev.definite = prev in _DEFINITE
            _roles(ev, token, roles, cues)
            _allowed(ev, table, ont)
            tokens_of[id(ev)] = token
            found.append(ev)
        _dates(found, tokens_of, sent, published, cues)
        _inherit_dates(found, tokens_of)
        _places(found, tokens_of, sent, table, ont)
        for ev in found:
            _quote(ev, tokens_of[id(ev)], table)
        events += _announcements(found, tokens_of, roles, published)
        events += _intents(sent, number, found, roles, cues, published)
        if _headline(sent):
            for ev in found:
                ev.headline = True
        events += found
    kept = _merge(events)
    _date_from_previous(kept)
    return kept


def _date_from_previous(events: list[Event]) -> None:
    """ "Aussitôt après, Trump s'est entretenu avec Zelensky": the day of the event told before."""
    for i, ev in enumerate(events):
        if ev.date is not None or ev.right_after is None:
            continue
        before = [
            e
            for e in events[:i]
            if e.date is not None and e.date.start >= 0 and e.cls != "Announcement"
        ]
        if before:
            d = before[-1].date
            assert d is not None
            ev.date = DateMention(
                -1,
                -1,
                d.date,
                d.precision,
                f'"{ev.right_after}" the {before[-1].cls} told before it, of {d.date}: {d.date}.',
            )


def _headline(sent: Any) -> bool:
    """A title line: alone on its line, short, with no closing full stop."""
    text = sent.text.strip()
    doc_text = sent.doc.text
    alone = (sent.start_char == 0 or doc_text[sent.start_char - 1] == "\n") and (
        sent.end_char >= len(doc_text.rstrip())
        or "\n" in doc_text[sent.end_char - 1 : sent.end_char + 1]
    )
    return alone and len(text.split()) <= 16 and not text.endswith((".", "!", "?", "…"))


def _intents(
    sent: Any,
    number: int,
    found: list[Event],
    roles: _Roles,
    cues: dict[str, Any],
    published: dt.date,
) -> list[Event]:
    """ "Poutine a affirmé que la Russie était disposée à travailler ...": a stated readiness to
    talk, an Announcement (CAMEO 036), even when no event word follows."""
    made = []
    ready = cues["status"]["announced"]
    for token in sent:
        if token.pos_ != "VERB" or not _cue(token, cues["commitment_verbs"]):
            continue
        if any(e.cls == "Announcement" and e.start <= token.idx < e.end for e in found):
            continue
        said = [c for c in token.children if c.dep_ in {"ccomp", "xcomp", "parataxis"}]
        if not any(_cue(t, ready) for c in said for t in c.subtree):
            continue
        start, end = token.idx, max(t.idx + len(t.text) for c in said for t in c.subtree)
        ann = Event(
            "Announcement",
            start,
            end,
            number,
            "occurred",
            f'readiness said with "{token.text}"',
            (start, end),
        )
        for child in token.children:
            if child.dep_ == "nsubj":
                actor = roles.table.of_phrase(child)
                if actor:
                    ann.add_role("HAS_INITIATOR", actor)
                    mention = [
                        m.start
                        for m in roles.table.mentions
                        if m.actor == actor and sent.start_char <= m.start < token.idx
                    ]
                    if mention:
                        ann.quote = (min(mention), end)
        ann.date = DateMention(
            -1,
            -1,
            published.isoformat(),
            "day",
            f"No date for the statement: the publication date {published.isoformat()}.",
        )
        made.append(ann)
    return made


def _owner(at: int, found: list[Event], tokens_of: dict[int, Any], doc: Any) -> Event:
    """The event a date or place phrase belongs to: the one whose trigger or clause verb it
    depends on in the parse, else the nearest trigger."""
    span = doc.char_span(at, at + 1, alignment_mode="expand")
    if span is not None:
        anchors: dict[int, Event] = {}
        for ev in found:
            token = tokens_of[id(ev)]
            anchors.setdefault(token.i, ev)
            anchors.setdefault(_clause_verb(token).i, ev)
        for above in [span.root, *_ancestors(span.root, 6)]:
            if above.i in anchors:
                return anchors[above.i]
    return min(found, key=lambda e: abs(e.start - at))


def _dates(
    found: list[Event],
    tokens_of: dict[int, Any],
    sent: Any,
    published: dt.date,
    cues: dict[str, Any],
) -> None:
    if not found:
        return
    text = sent.text
    base = sent.start_char
    for ev in found:
        future = ev.status != "occurred" and ev.status != "not_reached"
        dates = [
            d
            for d in find_dates(text, published, future=future)
            if not text[: d.start].rstrip().lower().endswith(("depuis", "premiers", "premières"))
            and not text[max(0, d.start - 8) : d.start].lower().strip().endswith("depuis")
        ]

        def owner(d: DateMention) -> Event:
            return _owner(base + d.start, found, tokens_of, sent.doc)

        mine = [d for d in dates if owner(d) is ev]
        after = next((p for p in cues["dates"]["right_after"] if p in text.lower()), None)
        if mine:
            ev.date = min(mine, key=lambda d: abs(ev.start - (base + d.start)))
            ev.date_offset = base
        elif after is not None and ev.status in {"occurred", "not_reached"}:
            ev.right_after = after
        elif ev.cls in cues["speech_act_classes"] and ev.status == "occurred":
            ev.date = DateMention(
                -1,
                -1,
                published.isoformat(),
                "day",
                f"No date in the sentence: the publication date {published.isoformat()}.",
            )
        if ev.date and ev.date.precision == "day":
            times = find_times(text)
            if times and _owner(times[0][2] + base, found, tokens_of, sent.doc) is ev:
                value, zone, _, _ = times[0]
                ev.local_time = (value, zone or "unknown")


def _inherit_dates(found: list[Event], tokens_of: dict[int, Any]) -> None:
    """An undated event in the clause of a dated one ("sans aboutir à un accord") takes its date."""
    stative = load_cues()["stative_classes"]
    for ev in found:
        if ev.date is not None or ev.status not in {"occurred", "not_reached"} or ev.cls in stative:
            continue
        chain = {t.i for t in _ancestors(tokens_of[id(ev)], 4)}
        for other in found:
            if other is ev or other.date is None or other.date.start < 0:
                continue
            if _clause_verb(tokens_of[id(other)]).i in chain:
                d = other.date
                ev.date = DateMention(
                    d.start,
                    d.end,
                    d.date,
                    d.precision,
                    d.resolution + " The date of the clause it depends on.",
                    d.date_end,
                )
                ev.date_offset = other.date_offset
                break


def _places(
    found: list[Event], tokens_of: dict[int, Any], sent: Any, table: ActorTable, ont: Ontology
) -> None:
    for m in table.mentions:
        actor = table.actors[m.actor]
        if actor.label != "Place" or not (sent.start_char <= m.start < sent.end_char):
            continue
        before = sent.doc.text[max(sent.start_char, m.start - 3) : m.start]
        if before.endswith(("à ", "en ")) and found:
            ev = _owner(m.start, found, tokens_of, sent.doc)
            if ont.allows("HAS_PLACE", ev.cls, "Place") and m.actor not in ev.places:
                ev.places.append(m.actor)


def _quote(ev: Event, token: Any, table: ActorTable) -> None:
    """The clause of the trigger: from its first to its last word that names an actor or date."""
    sent = token.sent
    verb = _clause_verb(token)
    start, end = ev.start, ev.end
    spans = [
        (m.start, m.end) for m in table.mentions if m.actor in ev.actors() or m.actor in ev.places
    ]
    spans = [s for s in spans if sent.start_char <= s[0] < sent.end_char]
    if verb is not token:
        spans.append((verb.idx, verb.idx + len(verb.text)))
    if ev.date and ev.date.start >= 0:
        spans.append((ev.date_offset + ev.date.start, ev.date_offset + ev.date.end))
    for s, e in spans:
        start, end = min(start, s), max(end, e)
    ev.quote = (start, end)


def _announcements(
    found: list[Event], tokens_of: dict[int, Any], roles: _Roles, published: dt.date
) -> list[Event]:
    """An Announcement for each verb of commitment that says a future event, announcing it."""
    made: dict[int, Event] = {}
    for ev in found:
        verb = ev.announcer
        if verb is None:
            continue
        existing = next(
            (e for e in found if e.cls == "Announcement" and tokens_of[id(e)].i == verb.i), None
        )
        if existing is None and verb.i not in made:
            start, end = verb.idx, verb.idx + len(verb.text)
            ann = Event(
                "Announcement",
                start,
                end,
                ev.sentence,
                "occurred",
                f'"{verb.text}" with a future',
                (start, end),
            )
            for child in verb.children:
                if child.dep_ == "nsubj":
                    for a in roles.of(child):
                        ann.add_role("HAS_INITIATOR", a)
            first = min(
                [
                    start,
                    *(
                        m.start
                        for m in roles.table.mentions
                        if m.actor in ann.actors()
                        and verb.sent.start_char <= m.start < verb.sent.end_char
                    ),
                ]
            )
            ann.quote = (first, ev.quote[1])
            ann.date = ev.date if ev.date and ev.date.start < 0 else None
            made[verb.i] = ann
        target = existing or made[verb.i]
        target.announces.append(ev)
    for ann in made.values():
        if ann.date is None:
            ann.date = DateMention(
                -1,
                -1,
                published.isoformat(),
                "day",
                f"No date for the statement: the publication date {published.isoformat()}.",
            )
    return list(made.values())


def _same(a: Event, b: Event) -> bool:
    if a.cls != b.cls:
        return False
    if a.date and b.date and a.date.date != b.date.date:
        return False
    if b.definite and not b.actors():
        return True  # "la conversation": the last one named
    dated = bool(a.date and b.date and a.date.start >= 0 and b.date.start >= 0)
    if dated and not a.actors() and not b.actors() and a.sentence == b.sentence:
        return True  # "les accords conclus la veille, notamment l'accord sur ..."
    shared = set(a.actors()) & set(b.actors())
    if (
        dated
        and a.roles.get("HAS_INITIATOR")
        and a.roles.get("HAS_INITIATOR") == b.roles.get("HAS_INITIATOR")
    ):
        return True  # one initiator, one class, one day: told twice
    return bool(shared) and (len(shared) >= min(len(a.actors()), len(b.actors())))


def _merge(events: list[Event]) -> list[Event]:
    """One event per fact: later mentions join the first; a title's events join the body's."""
    body = [e for e in events if not e.headline]
    for title in (e for e in events if e.headline):
        twin = next(
            (
                b
                for b in body
                if b.cls == title.cls
                and (set(b.actors()) & set(title.actors()) or not title.actors())
            ),
            None,
        )
        if twin is not None:
            for role, ids in title.roles.items():
                for a in ids:
                    twin.add_role(role, a)
            twin.merged += 1
    kept: list[Event] = []
    for ev in sorted(body, key=lambda e: e.start):
        twin = next((k for k in reversed(kept) if _same(k, ev)), None)
        if twin is None:
            kept.append(ev)
            continue
        for role, ids in ev.roles.items():
            for a in ids:
                twin.add_role(role, a)
        if twin.date is None or (twin.date.start < 0 and ev.date and ev.date.start >= 0):
            twin.date, twin.date_offset = ev.date, ev.date_offset
        twin.local_time = twin.local_time or ev.local_time
        if (
            ev.local_time
            and twin.local_time
            and twin.local_time[1] == "unknown"
            and ev.local_time[1] != "unknown"
        ):
            twin.local_time = ev.local_time
        twin.places += [p for p in ev.places if p not in twin.places]
        twin.announces += ev.announces
        twin.merged += 1
        for other in kept:
            other.announces = [twin if x is ev else x for x in other.announces]
    return kept
