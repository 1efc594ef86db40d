"""The coded event data bundled for the demo (kg/data/events): the files are the published ones,
and once imported after the article and its follow-ups, Putin's and Russia's timelines hold the
reports' events beside the ICEWS and GDELT rows that name them."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.resources import data_dir, events_dir

ICEWS = events_dir() / "icews-events-2018-06-01.tab"
GDELT = events_dir() / "gdelt1-events-sample.tsv"
REPORTS = [
    data_dir() / "article.facts.yaml",
    *sorted((data_dir() / "followups").glob("*.facts.yaml")),
]

# Putin's events in the article of 17 May 2025 and its follow-ups (his role in each).
REPORTED_PUTIN_EVENTS = {
    ("2025-03-18", "call-trump-putin-2025-03-18", "participant"),
    ("2025-05-19", "call-trump-putin-2025-05-19", "participant"),
    ("2025-05-19", "announcement-putin-memorandum-2025-05-19", "initiator"),
}


def _readme_sums() -> dict[str, str]:
    """The SHA-256 sums the README's table gives, by file name."""
    readme = (events_dir() / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `([^`]+)` \|[^|]*\| `([0-9a-f]{64})` \|$", readme, re.MULTILINE))


def _icews_rows() -> list[dict[str, str]]:
    with ICEWS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def _gdelt_rows() -> list[list[str]]:
    with GDELT.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """A store built as ./scripts/demo builds it: the reports in order, then ICEWS, then GDELT."""
    db = str(tmp_path_factory.mktemp("demo") / "kg.lbug")
    runner = CliRunner()
    for report in REPORTS:
        result = runner.invoke(main, ["load", str(report), "--db", db, "--quiet"])
        assert result.exit_code == 0, result.output
    for source, path in (("icews", ICEWS), ("gdelt", GDELT)):
        result = runner.invoke(main, ["import", source, str(path), "--db", db])
        assert result.exit_code == 0, result.output
    return db


def _timeline(db: str, actor: str) -> list[dict[str, str | None]]:
    result = CliRunner().invoke(
        main, ["query", "actor_timeline", "-p", f"actor={actor}", "--db", db, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_bundled_files_are_the_published_ones():
    sums = _readme_sums()
    bundled = {path.name for path in events_dir().iterdir() if path.name != "README.md"}
    assert set(sums) == bundled == {ICEWS.name, GDELT.name}
    for name, expected in sums.items():
        assert hashlib.sha256((events_dir() / name).read_bytes()).hexdigest() == expected, name


def test_the_bundled_files_hold_what_their_readme_says():
    icews = _icews_rows()
    assert len(icews) == 2359
    assert {row["Event Date"] for row in icews} == {"2018-06-01"}
    gdelt = _gdelt_rows()
    assert len(gdelt) == 300
    assert {len(row) for row in gdelt} == {58}
    assert not any("putin" in "\t".join(row).lower() for row in gdelt)


def test_putins_timeline_holds_the_reports_and_icews(demo_db):
    # Every ICEWS row of which Putin is the source or the target is one event of his, dated that
    # day, his role read from the side he is on.
    from_icews = {
        (
            row["Event Date"],
            f"icews-{row['Event ID']}-{row['Event Date']}",
            "initiator" if row["Source Name"] == "Vladimir Putin" else "target",
        )
        for row in _icews_rows()
        if "Vladimir Putin" in (row["Source Name"], row["Target Name"])
    }
    assert ("2018-06-01", "icews-32890295-2018-06-01", "initiator") in from_icews  # Netanyahu call
    assert ("2018-06-01", "icews-32891597-2018-06-01", "target") in from_icews  # Kim consults him

    timeline = _timeline(demo_db, "vladimir-putin")
    dated = {(row["date"], row["event"], row["role"]) for row in timeline if row["date"]}
    assert dated == from_icews | REPORTED_PUTIN_EVENTS
    dates = [row["date"] for row in timeline if row["date"]]
    assert dates == sorted(dates)
    assert dates[0] == "2018-06-01" and dates[-1] == "2025-05-19"


def test_russias_timeline_holds_the_reports_icews_and_gdelt(demo_db):
    dated = {row["event"] for row in _timeline(demo_db, "russia") if row["date"]}
    from_icews = {
        f"icews-{row['Event ID']}-{row['Event Date']}"
        for row in _icews_rows()
        if "Russia" in (row["Source Name"], row["Target Name"])
    }
    # The GDELT rows with a Russian actor: country code RUS on either side.
    from_gdelt = {f"gdelt-{row[0]}" for row in _gdelt_rows() if "RUS" in (row[7], row[17])}
    assert from_gdelt == {"gdelt-564137298", "gdelt-564137908", "gdelt-564157307"}
    assert {event for event in dated if event.startswith("icews-")} == from_icews
    assert {event for event in dated if event.startswith("gdelt-")} == from_gdelt
    assert {"negotiation-istanbul-2025-05-16", "demand-withdrawal-2025-05-16"} <= dated


def test_importing_the_bundled_files_again_changes_nothing(demo_db, tmp_path):
    # ./scripts/demo imports into the same ./kg.lbug on every run; a copy keeps demo_db as it is.
    db = tmp_path / "kg.lbug"
    for path in Path(demo_db).parent.glob("kg.lbug*"):
        shutil.copy(path, tmp_path / path.name)
    runner = CliRunner()
    stats = runner.invoke(main, ["stats", "--db", str(db), "--format", "json"]).output
    for source, path in (("icews", ICEWS), ("gdelt", GDELT)):
        result = runner.invoke(main, ["import", source, str(path), "--db", str(db)])
        assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["stats", "--db", str(db), "--format", "json"]).output == stats
