"""Dates of French reports resolved from the publication date, with the resolution written down.

A report says "lundi", "la veille", "dimanche soir", "le 16 mai" or "en mars": :func:`find_dates`
finds those phrases in a sentence and :func:`resolve` turns each into an ISO date of its
precision, with a ``date_resolution`` sentence that says how. A weekday points back (on or before
the publication day) for what happened and forward for what is to come. Local times ("à 10
heures", "17h00") are kept as wall-clock times; a zone is given only where the text names one.

>>> pub = dt.date(2025, 5, 17)  # a Saturday
>>> [d.date for d in find_dates("se sont déroulés à Istanbul vendredi", pub, future=False)]
['2025-05-16']
>>> d = find_dates("à 10 heures le lundi 19 mai", pub, future=True)[0]
>>> d.date, d.precision
('2025-05-19', 'day')
>>> find_times("à 17h00 heure de Moscou")[0][:2]
('17:00', 'Europe/Moscow')
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kg.extract.cues import load_cues

__all__ = ["DateMention", "find_dates", "find_times"]


@dataclass(frozen=True)
class DateMention:
    """A date phrase of the text: where it is, the ISO date it names and how it was read."""

    start: int  # offsets within the string searched
    end: int
    date: str
    precision: str  # year | month | day
    resolution: str
    date_end: str | None = None


def _pattern() -> re.Pattern[str]:
    cues = load_cues()["dates"]
    days = "|".join(cues["weekdays"])
    months = "|".join(cues["months"])
    relative = "|".join(re.escape(w) for w in sorted(cues["relative_days"], key=len, reverse=True))
    parts = "|".join(re.escape(p) for p in cues["parts_of_day"])
    return re.compile(
        rf"(?P<night>(?:dans )?la nuit (?:de|du) (?P<n1>{days}) (?:à|au) (?P<n2>{days}))"
        rf"|(?P<dm>(?:(?P<wd>{days}) )?(?P<day>[0-3]?[0-9]|1er) (?P<month>{months})(?: (?P<year>[12][0-9]{{3}}))?)"
        rf"|(?P<mo>\b(?:en|depuis|de|d'|début|fin|mi-) ?(?P<month2>{months})(?: (?P<year2>[12][0-9]{{3}}))?)"
        rf"|(?P<rel>\b(?:{relative})\b)"
        rf"|(?P<wday>\b(?P<this>ce |cet |dernier |prochain )?(?P<wd2>{days})\b(?: (?P<part>{parts}))?(?: (?P<next>dernier|prochain))?)",
        re.IGNORECASE,
    )


_PATTERN: re.Pattern[str] | None = None


def _weekday(name: str) -> int:
    return [w.lower() for w in load_cues()["dates"]["weekdays"]].index(name.lower())


def _month(name: str) -> int:
    return [m.lower() for m in load_cues()["dates"]["months"]].index(name.lower()) + 1


def _nearest_year(month: int, day: int, published: dt.date) -> int:
    """The year that puts the day and month closest to the publication date."""
    best = published.year
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            gap = abs((dt.date(year, month, day) - published).days)
        except ValueError:
            continue
        try:
            best_gap = abs((dt.date(best, month, day) - published).days)
        except ValueError:
            best_gap = 10**6
        if gap < best_gap:
            best = year
    return best


def _weekday_date(name: str, published: dt.date, future: bool, this: bool) -> dt.date:
    delta = (_weekday(name) - published.weekday()) % 7
    if future or (this and delta == 0):
        return published + dt.timedelta(days=delta)
    return published - dt.timedelta(days=(published.weekday() - _weekday(name)) % 7)


def find_dates(sentence: str, published: dt.date, *, future: bool) -> list[DateMention]:
    """The date phrases of ``sentence`` resolved from ``published``.

    ``future`` says whether the event is to come (planned, announced, hoped, demanded): a bare
    weekday then points forward.

    >>> pub = dt.date(2025, 5, 19)  # a Monday
    >>> m = find_dates("Dimanche soir, Starmer s'est entretenu", pub, future=False)[0]
    >>> m.date, m.resolution
    ('2025-05-18', '"Dimanche soir" before the publication date 2025-05-19 (a Monday): 2025-05-18.')
    >>> find_dates("les premiers depuis mars 2022", pub, future=False)[0].date
    '2022-03'
    >>> find_dates("conclus la veille", dt.date(2025, 5, 17), future=False)[0].date
    '2025-05-16'
    """
    global _PATTERN
    if _PATTERN is None:
        _PATTERN = _pattern()
    pub_text = f"{published.isoformat()} (a {published.strftime('%A')})"
    found: list[DateMention] = []
    for m in _PATTERN.finditer(sentence):
        phrase = m.group(0).strip()
        start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        end = start + len(phrase)
        if m.group("night"):
            first = _weekday_date(m.group("n1"), published, future, False)
            last = first + dt.timedelta(
                days=(_weekday(m.group("n2")) - _weekday(m.group("n1"))) % 7
            )
            if last > published and not future:
                first, last = first - dt.timedelta(days=7), last - dt.timedelta(days=7)
            found.append(
                DateMention(
                    start,
                    end,
                    first.isoformat(),
                    "day",
                    f'"{phrase}" {"after" if future else "before"} the publication date {pub_text}: the night of {first.isoformat()} to {last.isoformat()}.',
                    last.isoformat(),
                )
            )
        elif m.group("dm"):
            day = 1 if m.group("day") == "1er" else int(m.group("day"))
            month = _month(m.group("month"))
            year = int(m.group("year")) if m.group("year") else _nearest_year(month, day, published)
            try:
                value = dt.date(year, month, day)
            except ValueError:
                continue
            how = "" if m.group("year") else f" the nearest to the publication date {pub_text}"
            found.append(
                DateMention(
                    start, end, value.isoformat(), "day", f'"{phrase}"{how}: {value.isoformat()}.'
                )
            )
        elif m.group("mo"):
            month = _month(m.group("month2"))
            if m.group("year2"):
                year = int(m.group("year2"))
                how = ""
            else:
                year = published.year if month <= published.month or future else published.year - 1
                how = f" {'after' if future else 'before'} the publication date {pub_text}"
            value_text = f"{year:04d}-{month:02d}"
            found.append(
                DateMention(start, end, value_text, "month", f'"{phrase}"{how}: {value_text}.')
            )
        elif m.group("rel"):
            offsets = {k.lower(): v for k, v in load_cues()["dates"]["relative_days"].items()}
            value = published + dt.timedelta(days=offsets[m.group("rel").lower()])
            found.append(
                DateMention(
                    start,
                    end,
                    value.isoformat(),
                    "day",
                    f'"{phrase}" of the publication date {pub_text}: {value.isoformat()}.',
                )
            )
        elif m.group("wday"):
            this = bool(m.group("this")) and m.group("this").strip().lower() in {"ce", "cet"}
            nxt = (m.group("this") or m.group("next") or "").strip().lower()
            ahead = future if nxt not in {"dernier", "prochain"} else nxt == "prochain"
            value = _weekday_date(m.group("wd2"), published, ahead, this)
            if nxt == "prochain" and value == published:
                value += dt.timedelta(days=7)
            side = "on or after" if ahead else "on or before"
            if value != published:
                side = "after" if ahead else "before"
            found.append(
                DateMention(
                    start,
                    end,
                    value.isoformat(),
                    "day",
                    f'"{phrase}" {side} the publication date {pub_text}: {value.isoformat()}.',
                )
            )
    return found


_TIME = re.compile(
    r"\b(?:à |vers |dès )?(?P<h>[01]?[0-9]|2[0-3]) ?(?:h|heures?)(?: ?(?P<m>[0-5][0-9]))?\b"
    r"(?P<zone> ?\(?(?:heure (?:de |d')|GMT|UTC)(?P<where>[A-ZÉ][\w-]*(?: [A-Z][\w]+)?)?\)?)?"
)


def find_times(sentence: str) -> list[tuple[str, str | None, int, int]]:
    """Local times of ``sentence``: (HH:MM, IANA zone or unknown or None, start, end).

    The zone is None where the sentence does not name one, "unknown" where it says the zone was
    not given ("sans que le fuseau horaire soit précisé").

    >>> find_times("La conversation aura lieu à 10 heures, sans que le fuseau horaire soit précisé.")[0][:2]
    ('10:00', 'unknown')
    >>> find_times("rendez-vous à 9h30")[0][:2]
    ('09:30', None)
    """
    zones: dict[str, str] = load_cues()["time_zones"]
    found = []
    for m in _TIME.finditer(sentence):
        if "heure" in m.group(0).split("heure (")[0][:12] and m.group(0)[:1] not in "àvd":
            continue  # "depuis 24 heures" is a duration, not a time of day
        value = f"{int(m.group('h')):02d}:{m.group('m') or '00'}"
        zone: str | None = None
        if m.group("zone"):
            where = (m.group("where") or "").strip()
            zone = zones.get(where) or zones.get(m.group("zone").strip(" ()")) or None
        if zone is None:
            for phrase, name in zones.items():
                if name == "unknown" and phrase in sentence:
                    zone = "unknown"
        found.append((value, zone, m.start(), m.end()))
    return found
