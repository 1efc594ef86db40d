"""``kg extract``: draft the facts of French reports, and score a draft against hand-written facts.

Registered on the ``kg`` group by :mod:`kg.cli`; thin like the other commands: it reads the
options, calls :func:`kg.extract.extract` and :func:`kg.extract.score.score`, and prints.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import click

from kg.cli import _fail_cleanly, format_option, open_store_from_options, render_rows, store_options
from kg.extract.nlp import ExtractError

__all__ = ["extract_command"]


def _published(value: str | None, text: str, where: Path) -> dt.date:
    """--published, or the dateline of the report ("Lundi 19 mai 2025.") in its first lines."""
    from kg.extract.dates import find_dates

    if value is not None:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ExtractError(f"--published {value!r} is not a date (YYYY-MM-DD)") from None
    head = "\n".join(text.splitlines()[:4])
    for mention in find_dates(head, dt.date(2000, 1, 1), future=False):
        if (
            mention.precision == "day"
            and '"' in mention.resolution
            and "nearest" not in mention.resolution
        ):
            return dt.date.fromisoformat(mention.date)
    raise ExtractError(
        f"{where}: no dateline with a year in its first lines; give --published YYYY-MM-DD"
    )


def _texts(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted(p for p in path.glob("*.txt"))
        if not found:
            raise ExtractError(f"{path}: the folder holds no *.txt report")
        return found
    return [path]


@click.command("extract")
@click.argument("text", type=click.Path(exists=True, path_type=Path))
@click.argument("facts", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--published",
    default=None,
    metavar="DATE",
    help="Publication date (YYYY-MM-DD); relative dates are resolved from it [default: the report's dateline].",
)
@click.option(
    "--lang",
    default="fr",
    show_default=True,
    help="Language of the report; kg extract reads French only.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Draft file to write (a folder when TEXT is one) [default: stdout; beside each text for a folder].",
)
@click.option(
    "--score",
    "gold",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Hand-written facts of the same text: print precision, recall and F1 of the draft.",
)
@store_options
@format_option("table", "json", default="table")
@_fail_cleanly
def extract_command(
    text: Path,
    facts: tuple[Path, ...],
    published: str | None,
    lang: str,
    output: Path | None,
    gold: Path | None,
    db: Path | None,
    uri: str | None,
    username: str | None,
    password: str | None,
    database: str | None,
    fmt: str,
) -> None:
    """Draft a facts file from a French news report, for a person to review.

    Every actor, event (class, roles, status, date), and source found, with its quote and
    offsets; every record marked as extracted with a confidence. Actors the store (--db, --uri)
    or the FACTS files know are recognised by their names, labels and aliases and keep their ids.
    TEXT may be a folder: one draft per *.txt, the model loaded once. --score compares the draft
    with hand-written facts of the same text (FACTS are the files those refer to).

    Example: kg extract report.txt --published 2025-05-19 kg/data/article.facts.yaml -o report.facts.yaml
    """
    from kg.extract import extract_text
    from kg.extract.nlp import load_model, read_text
    from kg.facts import load_facts

    if lang != "fr":
        raise ExtractError(f"kg extract reads French reports only, not --lang {lang}")
    known = None
    if facts:
        known = load_facts(*facts)
    elif db is not None or uri:
        with open_store_from_options(
            db, uri, username, password, database, read_only=True
        ) as store:
            known = store.read_graph()
    texts = _texts(text)
    if gold is not None and len(texts) > 1:
        raise click.UsageError("--score takes one TEXT, not a folder")
    loading = time.perf_counter()
    load_model()
    model_seconds = time.perf_counter() - loading
    reports: list[dict[str, Any]] = []
    for path in texts:
        content = read_text(path)
        day = _published(published, content, path)
        if text.is_dir():
            folder = output or path.parent
            folder.mkdir(parents=True, exist_ok=True)
            target: Path | None = folder / f"{path.stem}.draft.facts.yaml"
        else:
            target = output
        if target is None and gold is not None:
            target = Path(tempfile.mkdtemp(prefix="kg-extract-")) / f"{path.stem}.draft.facts.yaml"
        draft = extract_text(
            content, path, day, known=known, relative_to=target.parent if target else None
        )
        report: dict[str, Any] = {
            "text": str(path),
            "published": day.isoformat(),
            "draft": str(target) if target else None,
            "counts": draft.counts(),
            "seconds": round(draft.seconds, 3),
        }
        if target is None:
            click.echo(draft.yaml, nl=False)
            return
        target.write_text(draft.yaml, encoding="utf-8")
        if gold is not None:
            from kg.extract.score import read_facts_file, score

            rows = score(read_facts_file(target), read_facts_file(gold, facts))
            report["score"] = [r.as_dict() for r in rows]
        reports.append(report)
    if fmt == "json":
        click.echo(
            json.dumps(
                {"model_seconds": round(model_seconds, 3), "drafts": reports},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for report in reports:
        counts = (
            ", ".join(f"{n} {label}" for label, n in report["counts"].items()) or "nothing found"
        )
        click.echo(
            f"{report['draft']}: {counts} ({report['seconds']:.2f} s); review it, then kg validate it."
        )
        if "score" in report:
            cells = [
                [
                    r["what"],
                    r["gold"],
                    r["found"],
                    r["matched"],
                    f"{r['precision']:.2f}",
                    f"{r['recall']:.2f}",
                    f"{r['f1']:.2f}",
                ]
                for r in report["score"]
            ]
            click.echo(
                render_rows(
                    ["what", "gold", "found", "matched", "precision", "recall", "f1"],
                    cells,
                    "table",
                )
            )
