"""The extraction rows of ``scripts/bench --only extract``: ``kg extract``'s model and its speed.

Three steps, each in a process of its own (:func:`kg.bench._run_step`):

- ``extract_model``: loading spaCy's ``fr_core_news_md`` in a fresh process, alone;
- ``extract_text``: a French text of N words (the bundled reports one after the other, cut at a
  sentence's end) drafted ``repeat`` times after the model is loaded: the median and the slowest
  draft. The target is under 2 s for 1,000 words;
- ``extract_folder``: ``kg extract FOLDER --format json`` on a folder of the four bundled reports,
  as a user runs it: the command's whole time, the model's share (loaded once, the JSON says)
  and the drafts' sum.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from kg.bench import Step, _run_step, _step

__all__ = ["extract_part", "extract_rows", "french_text"]

PUBLISHED = "2025-05-20"  # the last bundled report's day: every relative date resolves
TARGET_SECONDS = 2.0


def _reports() -> list[Path]:
    from kg.resources import data_dir

    return [data_dir() / "article.txt", *sorted((data_dir() / "followups").glob("*.txt"))]


def french_text(words: int) -> str:
    """About ``words`` words of real French news: the bundled reports, repeated as needed, cut
    after the sentence that reaches the count.

    >>> text = french_text(1000)
    >>> 1000 <= len(text.split()) < 1100
    True
    """
    body = "\n\n".join(path.read_text(encoding="utf-8").strip() for path in _reports())
    sentences = re.split(r"(?<=[.!?»])\s+", body)
    taken: list[str] = []
    count = 0
    while count < words:
        for sentence in sentences:
            taken.append(sentence)
            count += len(sentence.split())
            if count >= words:
                break
    return " ".join(taken)


@_step("extract_model")
def _model(ctx: dict[str, Any]) -> dict[str, Any]:
    from kg.extract.nlp import load_model

    started = time.perf_counter()
    load_model()
    return {"seconds": time.perf_counter() - started}


@_step("extract_text")
def _text(ctx: dict[str, Any]) -> dict[str, Any]:
    import datetime as dt

    from kg.extract import extract_text
    from kg.extract.nlp import load_model

    load_model()
    text = french_text(ctx["words"])
    path = Path(ctx["out"])
    path.write_text(text, encoding="utf-8")
    day = dt.date.fromisoformat(PUBLISHED)
    times = []
    for _ in range(ctx["repeat"]):
        draft = extract_text(text, path, day)
        times.append(draft.seconds)
    return {
        "words": len(text.split()),
        "median": statistics.median(times),
        "slowest": max(times),
        "runs": len(times),
        "nodes": len(draft.data["nodes"]),
    }


@_step("extract_folder")
def _folder(ctx: dict[str, Any]) -> dict[str, Any]:
    folder = Path(ctx["folder"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for path in _reports():
        shutil.copy(path, folder / path.name)
    kg = str(Path(sys.executable).with_name("kg"))
    command = [kg, "extract", str(folder), "--published", PUBLISHED, "--format", "json"]
    command += ["-o", str(folder / "drafts")]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"kg extract failed: {done.stderr.strip()[-500:]}")
    report = json.loads(done.stdout)
    drafts = report["drafts"]
    return {
        "seconds": seconds,
        "texts": len(drafts),
        "words": sum(len(Path(d["text"]).read_text(encoding="utf-8").split()) for d in drafts),
        "model_seconds": report["model_seconds"],
        "drafts_seconds": sum(d["seconds"] for d in drafts),
    }


def extract_part(steps: list[Step], work: Path, words: list[int], repeat: int) -> None:
    """Time the model's load, each text size and a folder run; each step adds to ``steps``."""
    work.mkdir(parents=True, exist_ok=True)
    model = _run_step("extract_model", {}, 0, steps)
    for count in words:
        if "failed" in model.result:
            steps.append(Step(count, "extract_text", {"failed": "the model did not load"}))
            continue
        ctx = {"words": count, "repeat": repeat, "out": str(work / f"text-{count}.txt")}
        _run_step("extract_text", ctx, count, steps)
    _run_step("extract_folder", {"folder": str(work / "reports")}, 0, steps)


def extract_rows(summary: dict[str, Any]) -> list[list[str]]:
    """The rows of the extraction table: what, seconds, words per second, target, peak RSS."""
    rows: list[list[str]] = []
    for step in summary["steps"]:
        name = step["step"]
        if not name.startswith("extract_"):
            continue
        rss = f"{step['rss_mb']:,}"
        if "failed" in step:
            rows.append([name, "FAILED", step["failed"], "", rss])
        elif name == "extract_model":
            rows.append(
                ["load fr_core_news_md (fresh process)", f"{step['seconds']:.2f}", "", "", rss]
            )
        elif name == "extract_text":
            met = "met" if step["median"] < TARGET_SECONDS else "missed"
            rows.append(
                [
                    f"draft {step['words']:,} words after the load (median of {step['runs']})",
                    f"{step['median']:.2f} (slowest {step['slowest']:.2f})",
                    f"{step['words'] / step['median']:,.0f} words/s",
                    f"< {TARGET_SECONDS:.0f} s: {met}" if step["words"] <= 1100 else "",
                    rss,
                ]
            )
        elif name == "extract_folder":
            rows.append(
                [
                    f"kg extract FOLDER of {step['texts']} reports ({step['words']:,} words)",
                    f"{step['seconds']:.2f}",
                    f"model loaded once: {step['model_seconds']:.2f} s",
                    f"drafts {step['drafts_seconds']:.2f} s",
                    rss,
                ]
            )
    return rows
