"""Attribution: who says what a report relays, and whom they cite.

"selon Reuters", "d'après Downing Street", "a indiqué le Kremlin", "Peskov a indiqué que", "a-t-il
écrit sur X", "dans un message publié sur X", "qui cite un haut responsable", "reprise par
l'agence TASS": each gives a source (a Report of a news agency, a Post on a platform, or an
OfficialStatement of anyone else) authored by an actor, and a chain of CITES where one source
relays another. The events of the sentence are ACCORDING_TO its outermost source.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from kg.extract.actors import ActorTable
from kg.extract.cues import load_cues
from kg.extract.dates import find_dates
from kg.extract.events import inverted as closes_with_speaker

__all__ = ["Source", "find_sources"]


@dataclass
class Source:
    """A source the text relays, before it becomes a record of the draft."""

    type: str  # Report | Post | OfficialStatement
    author: str
    quote: tuple[int, int]
    sentence: int
    cue: str
    platform: str | None = None
    cites: Source | None = None
    published: str | None = None
    outer: bool = True
    phrase: bool = False  # an attribution phrase ("selon X"): X is no actor of the events
    also: list[int] = field(default_factory=list)  # later sentences that go on quoting it

    @property
    def id(self) -> str:
        return f"{self.type.lower()}-{self.author}" + (
            f"-{self.published}" if self.published else ""
        )


_PRONOUNS = {"il", "elle", "-il", "-elle", "lui"}


def _kind(author: str, table: ActorTable, platform: str | None) -> str:
    if platform is not None:
        return "Post"
    if table.actors[author].properties.get("category") == "news agency":
        return "Report"
    return "OfficialStatement"


def _actor_after(text: str, at: int, table: ActorTable, limit: int = 14) -> tuple[str, int] | None:
    """The first actor mentioned within ``limit`` characters after ``at`` (not a place)."""
    for m in sorted(table.mentions, key=lambda m: m.start):
        if at <= m.start <= at + limit and table.actors[m.actor].label != "Place":
            return m.actor, m.end
    return None


def _quoted_sentences(doc: Any, verb_at: int, number: int) -> list[int]:
    """The sentences of a quotation that closes just before an inverted reporting verb
    ("...", a-t-il écrit sur X): the source says them all."""
    text = doc.text
    before = text[max(0, verb_at - 12) : verb_at]
    close = max(before.rfind('"'), before.rfind("»"))
    if close < 0:
        return []
    close_at = verb_at - len(before) + close
    opener = "«" if text[close_at] == "»" else '"'
    open_at = text.rfind(opener, 0, close_at)
    if open_at < 0:
        return []
    return [
        i
        for i, sent in enumerate(doc.sents)
        if open_at <= sent.start_char + 1 and sent.start_char < close_at and i != number
    ]


def _platform(sent: Any, table: ActorTable) -> str | None:
    for m in table.mentions:
        if sent.start_char <= m.start < sent.end_char:
            actor = table.actors[m.actor]
            if actor.properties.get("category") == "platform":
                return m.actor
    return None


def find_sources(doc: Any, table: ActorTable, published: dt.date) -> list[Source]:
    """The sources of every sentence, with the chains between them."""
    cues = load_cues()
    attribution = cues["attribution"]
    reporting = set(cues["reporting_verbs"])
    according = "|".join(re.escape(w) for w in attribution["according_to"])
    according_rx = re.compile(rf"(?<!\w)(?:{according})\s+", re.I)
    cites_rx = re.compile(r"(?<!\w)(?:qui cite|citant|repris[e]? par|relayée? par)\s+", re.I)
    text = doc.text
    found: list[Source] = []
    for number, sent in enumerate(doc.sents):
        here: list[Source] = []
        platform = _platform(sent, table)
        posted = platform is not None or "réseaux sociaux" in sent.text
        for m in according_rx.finditer(sent.text):
            at = sent.start_char + m.end()
            hit = _actor_after(text, at, table)
            if hit is None and text[at : at + 4].lower().startswith(("lui", "elle")):
                person = table.last_subject(at)
                hit = (person, at + 3) if person else None
            if hit:
                speaker, end = hit
                start = sent.start_char + m.start()
                here.append(
                    Source(
                        _kind(speaker, table, None),
                        speaker,
                        (start, end),
                        number,
                        f'"{m.group(0).strip()}"',
                        phrase=True,
                    )
                )
        if not here:
            for token in sent:
                if token.pos_ != "VERB" or token.lemma_.lower() not in reporting:
                    continue
                subjects = [c for c in token.children if c.dep_ == "nsubj"]
                if closes_with_speaker(token) and not any(c.i > token.i for c in subjects):
                    # ", a annoncé le département d'État": the speaker closes the sentence.
                    subjects += [
                        t for t in doc[token.i + 1 : sent.end] if t.pos_ in {"NOUN", "PROPN"}
                    ][:1]
                speaks = any(c.dep_ in {"ccomp", "parataxis"} for c in token.children) or (
                    token.i + 1 < len(doc)
                    and any(
                        t.lower_ in {"que", "qu'"}
                        for t in doc[token.i + 1 : min(token.i + 16, sent.end)]
                    )
                )
                for subject in subjects:
                    inverted = subject.i > token.i or subject.text.startswith("-")
                    if not (inverted or speaks):
                        continue
                    author = table.of_phrase(subject)
                    if author is None and subject.lower_ in _PRONOUNS:
                        author = table.last_subject(subject.idx)
                    if author is None or table.actors[author].label == "Place":
                        continue
                    mention = [
                        mm
                        for mm in table.mentions
                        if mm.actor == author and sent.start_char <= mm.start < sent.end_char
                    ]
                    first = min(
                        [token.idx, *(mm.start for mm in mention if abs(mm.start - token.idx) < 60)]
                    )
                    last = max(
                        [
                            token.idx + len(token.text),
                            *(mm.end for mm in mention if abs(mm.start - token.idx) < 60),
                        ]
                    )
                    kind = (
                        "Post"
                        if posted and table.actors[author].label != "Organisation"
                        else _kind(author, table, None)
                    )
                    source = Source(
                        kind, author, (first, last), number, f'"{token.text}" with its speaker'
                    )
                    if kind == "Post":
                        source.platform = platform
                    dated = [
                        d
                        for d in find_dates(sent.text, published, future=False)
                        if 0 <= sent.start_char + d.start - (token.idx + len(token.text)) <= 12
                    ]
                    if dated:
                        source.published = dated[0].date
                    if inverted:
                        source.also += _quoted_sentences(doc, token.idx, number)
                    here.append(source)
                    break
                if here:
                    break
        for m in cites_rx.finditer(sent.text):
            at = sent.start_char + m.end()
            hit = _actor_after(text, at, table, 20)
            if hit is None:
                continue
            author, end = hit
            start = sent.start_char + m.start()
            relayed = Source(
                _kind(author, table, None), author, (start, end), number, f'"{m.group(0).strip()}"'
            )
            if m.group(0).lower().startswith(("qui cite", "citant")):
                if here:
                    here[0].cites = relayed
                    relayed.outer = False
                    here.append(relayed)
            else:
                # "une déclaration reprise par l'agence TASS": the agency relays the speaker.
                relayed.type = "Report" if relayed.type != "Post" else relayed.type
                for inner in here:
                    inner.outer = False
                    relayed.cites = inner
                here.append(relayed)
        merged: dict[int, Source] = {}
        for source in here:
            held = next(
                (
                    f
                    for f in found
                    if f.author == source.author
                    and (f.type == source.type or source.sentence - max([f.sentence, *f.also]) <= 2)
                    and f.cites is None
                    and source.cites is None
                ),
                None,
            )
            if held is None:
                found.append(source)
            else:
                # The same speaker again: the same source, quoted over more sentences.
                held.also.append(source.sentence)
                held.platform = held.platform or source.platform
                if held.platform:
                    held.type = "Post"
                merged[id(source)] = held
        # A source of this sentence may cite one that just merged into an earlier one.
        for source in here:
            if source.cites is not None and id(source.cites) in merged:
                source.cites = merged[id(source.cites)]
    return found
