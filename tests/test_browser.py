"""Neo4j Browser, used the way a person uses it: a real Chromium, the suite's real Neo4j server.

The test connects through the Browser's own form, drops ``ontology/kg.grass`` on the window,
runs every query of ``cypher/`` with the ``:param`` lines the README gives and compares each
result frame with ``kg query NAME --uri ... --format json``, opens kg's guide with ``:guide`` and
runs its first query from the guide's own button, and takes the README's pictures
(``docs/browser-*.png``).

Chromium comes from Debian (``apt-get install chromium``; ``./scripts/test`` installs it when
it is missing and the user is root) and is driven by Playwright, which downloads no browser.
Under CI these tests never skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.browser import ACTOR_NETWORK, OVERVIEW, SERVER_PLACEHOLDER, guide, param_lines
from kg.ontology import load_ontology
from kg.queries import get_query, list_queries, query_text
from tests.conftest import wipe_neo4j

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
MAX_FRAMES = 15  # Neo4j Browser's default "Max number of frames"
INSTALL = "install it with: apt-get install chromium (or set KG_CHROMIUM to a Chromium binary)"


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI is set: {message}")
    pytest.skip(message)


def chromium_binary() -> str | None:
    """The Chromium to drive: $KG_CHROMIUM, else Debian's."""
    named = os.environ.get("KG_CHROMIUM")
    if named:
        return named
    return shutil.which("chromium") or shutil.which("chromium-browser")


def readme_param_lines() -> dict[str, list[str]]:
    """The ``:param`` lines of each query, from the README's table in "Open the graph in Neo4j Browser"."""
    section = README.read_text(encoding="utf-8").split("## Open the graph in Neo4j Browser")[1]
    section = section.split("\n## ")[0]
    lines: dict[str, list[str]] = {}
    for row in re.findall(r"^\s*\| `(\w+)` \| (.*) \|$", section, re.MULTILINE):
        name, cell = row
        lines[name] = re.findall(r"`(:param [^`]+)`", cell)
    return lines


def grass_colours(text: str) -> dict[str, str]:
    """The colour of each label in a GraSS text."""
    return {
        label: colour.upper()
        for label, colour in re.findall(r"node\.(\w+) \{[^}]*?\bcolor: (#[0-9A-Fa-f]{6});", text)
    }


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def browser_graph(neo4j_config) -> dict[str, str]:
    """The suite's Neo4j with the article and its follow-up reports, loaded by ``kg load``."""
    http = os.environ.get("NEO4J_HTTP_URL")
    if not http:
        _unavailable("the Browser tests need NEO4J_HTTP_URL (./scripts/test sets it)")
    from click.testing import CliRunner

    from kg.bench import followup_paths
    from kg.cli import main

    wipe_neo4j(neo4j_config)
    loaded = CliRunner().invoke(
        main, ["load", *map(str, followup_paths()), "--uri", neo4j_config.uri, "--quiet"]
    )
    assert loaded.exit_code == 0, loaded.output
    return {"http": str(http).rstrip("/"), "uri": neo4j_config.uri}


class Browser:
    """One Neo4j Browser tab: type a command in the editor, run it, get its frame."""

    def __init__(self, page: Any, expect: Any) -> None:
        self.page = page
        self.expect = expect
        self.errors: list[str] = []
        self.versions: dict[str, str] = {}
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def run(self, command: str) -> Any:
        """Type ``command`` as a person pastes it, press the Run button, return the new frame."""
        frames = self.page.get_by_test_id("frame")
        if frames.count() >= MAX_FRAMES - 3:
            # The Browser keeps 15 frames and drops the oldest: clear, so a new one shows.
            self.clear()
        before = frames.count()
        self.type(command)
        self.expect(frames).to_have_count(before + 1)
        self.check_alive()
        return frames.first

    def clear(self) -> None:
        """``:clear``: no frame left."""
        self.type(":clear")
        self.expect(self.page.get_by_test_id("frame")).to_have_count(0)

    def type(self, command: str) -> None:
        """Type ``command`` in the editor and press Run."""
        self.page.locator("#monaco-main-editor").click()
        self.page.keyboard.insert_text(command)
        self.page.get_by_test_id("editor-Run").click()

    def result(self, command: str) -> Any:
        """Run a Cypher query and wait for its result frame (an error frame fails the test)."""
        frame = self.run(command)
        frame.get_by_test_id("frame-loaded-contents").wait_for()
        errors = frame.get_by_test_id("cypherFrameErrorMessage")
        assert errors.count() == 0, f"{command!r} gave an error frame: {errors.first.inner_text()}"
        return frame

    def table(self, frame: Any) -> tuple[list[str], list[list[str]]]:
        """The header and the rows of a result frame's table view (without the row numbers)."""
        if frame.get_by_test_id("cypherFrameSidebarTable").count():
            frame.get_by_test_id("cypherFrameSidebarTable").click()
        header = [c.inner_text() for c in frame.locator(".relatable__table-header-cell").all()]
        rows = []
        for row in frame.locator(".relatable__table-body-row").all():
            cells = row.locator(".relatable__table-body-cell").all()
            rows.append([c.inner_text() for c in cells][1:])
        return header[1:], rows

    def check_alive(self) -> None:
        crashed = self.page.get_by_text("Something went wrong")
        assert crashed.count() == 0, f"Neo4j Browser crashed: {crashed.first.inner_text()}"
        assert not self.errors, f"Neo4j Browser raised: {self.errors}"


@pytest.fixture(scope="module")
def browser(browser_graph, neo4j_config) -> Iterator[Browser]:
    """A headless Chromium on Neo4j Browser, connected through the Browser's connection form."""
    binary = chromium_binary()
    if not binary:
        _unavailable(f"the Browser tests need Chromium: {INSTALL}")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("the Browser tests need Playwright: pip install -e '.[dev]'")
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=binary, args=["--no-sandbox"])
        page = chromium.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(30_000)
        page.goto(browser_graph["http"] + "/browser/")
        # The form offers the server's own Bolt address: the README says to keep it.
        offered = page.get_by_test_id("boltaddress").input_value()
        assert offered == neo4j_config.uri.split("://", 1)[1], offered
        page.get_by_test_id("username").fill(neo4j_config.username)
        # Typed, not filled: Playwright's call log names the value of a fill.
        page.get_by_test_id("password").click()
        page.keyboard.insert_text(neo4j_config.password or "")
        page.get_by_test_id("connect").click()
        page.get_by_text("You are connected as user").wait_for()
        session = Browser(page, expect)
        session.versions["chromium"] = chromium.version
        try:
            yield session
        finally:
            chromium.close()


def kg_query(name: str, uri: str) -> list[dict[str, Any]]:
    """What ``kg query NAME --uri URI --format json`` prints, run as a user runs it."""
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("kg")),
            "query",
            name,
            "--uri",
            uri,
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=os.environ,
    )
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return rows


def same_value(cell: str, value: Any) -> bool:
    """Whether a Browser table cell shows ``value`` (as kg's JSON gives it)."""
    if value is None:
        return cell == "null"
    if isinstance(value, bool):
        return cell == str(value).lower()
    if isinstance(value, int | float):
        return float(cell) == float(value)
    if isinstance(value, str):
        return cell == f'"{value}"'  # the Browser quotes a string, escaping nothing
    return bool(json.loads(cell) == value)


# --------------------------------------------------------------------------------------- tests


def test_the_browser_and_the_server_are_the_versions_the_readme_names(browser, capsys):
    page = browser.page
    page.get_by_test_id("navigationAbout").click()
    about = page.get_by_text(re.compile(r"Neo4j Browser version")).first
    about.wait_for()
    drawer = about.locator("xpath=ancestor::*[contains(., 'Neo4j Server version')][1]")
    text = drawer.inner_text()
    page.get_by_test_id("navigationAbout").click()
    browser_version = re.search(r"Neo4j Browser version:\s*([\d.]+)", text)
    server_version = re.search(r"Neo4j Server version:\s*([\d.]+)", text)
    assert browser_version and server_version, text
    with capsys.disabled():
        print(
            f"\nNeo4j Browser {browser_version[1]}, Neo4j server {server_version[1]}, "
            f"Chromium {browser.versions['chromium']}"
        )
    readme = README.read_text(encoding="utf-8")
    assert f"Neo4j Browser {browser_version[1]}" in readme
    assert f"Neo4j {server_version[1]}" in readme


def test_dropping_kg_grass_colours_and_captions_each_actor_class(browser, browser_graph):
    grass = (ROOT / "ontology" / "kg.grass").read_text(encoding="utf-8")
    colours = grass_colours(grass)
    page = browser.page
    transfer = page.evaluate_handle(
        """(text) => {
            const data = new DataTransfer();
            data.items.add(new File([text], 'kg.grass', {type: 'text/plain'}));
            return data;
        }""",
        grass,
    )
    browser.clear()
    before = page.get_by_test_id("frame").count()
    for event in ("dragenter", "dragover", "drop"):
        page.dispatch_event(".filedrop", event, {"dataTransfer": transfer})
    browser.expect(page.get_by_test_id("frame")).to_have_count(before + 1)
    assert (
        page.get_by_test_id("frame").first.get_by_test_id("frameCommand").inner_text() == ":style"
    )
    browser.check_alive()
    _check_actor_styles(browser, colours)


def test_the_guides_style_command_styles_the_same(browser, browser_graph):
    browser.run(":style reset")
    browser.run(f":style {browser_graph['http']}/kg/kg.grass")
    colours = grass_colours((ROOT / "ontology" / "kg.grass").read_text(encoding="utf-8"))
    _check_actor_styles(browser, colours)


def _check_actor_styles(browser: Browser, colours: dict[str, str]) -> None:
    import neo4j

    from kg.config import Neo4jConfig

    config = Neo4jConfig.resolve()
    with neo4j.GraphDatabase.driver(config.uri, auth=(config.username, config.password)) as d:
        for label in load_ontology().actor_labels:
            records, _, _ = d.execute_query(
                f"MATCH (n:{label}) RETURN n.id AS id, n.name AS name ORDER BY n.id LIMIT 1",
                database_=config.database,
            )
            assert records, f"the graph holds no {label}"
            browser.run(f":param node => '{records[0]['id']}'")
            frame = browser.result(f"MATCH (n:{label} {{id: $node}}) RETURN n")
            frame.get_by_test_id("cypherFrameSidebarVisualization").click()
            node = frame.locator("g.node").first
            node.wait_for()
            fill = node.locator("circle.b-outline").get_attribute("fill") or ""
            caption = " ".join(
                (t.text_content() or "").strip() for t in node.locator("text.caption").all()
            )
            assert fill.upper() == colours[label], (label, fill)
            assert caption == records[0]["name"], (label, caption)


def test_the_readme_gives_the_param_lines_of_every_query():
    lines = readme_param_lines()
    assert lines == {q.name: param_lines(q) for q in list_queries()}


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_each_query_shows_in_the_browser_the_rows_kg_query_gives(browser, browser_graph, name):
    query = get_query(name)
    for line in readme_param_lines()[name]:
        frame = browser.run(line)
        assert "error" not in frame.get_by_test_id("frameContents").inner_text().lower()
    frame = browser.result(query_text(query, "neo4j"))
    expected = kg_query(name, browser_graph["uri"])
    status = frame.get_by_test_id("frameStatusbar").inner_text()
    if expected:
        assert f"Started streaming {len(expected)} record" in status, status
        header, rows = browser.table(frame)
        assert header == list(expected[0])
        assert len(rows) == len(expected)
        for row, want in zip(rows, expected, strict=True):
            for cell, (column, value) in zip(row, want.items(), strict=True):
                assert same_value(cell, value), (name, column, cell, value)
    else:
        assert status.startswith("Completed after") and "streaming" not in status, status
        assert frame.locator(".relatable__table-body-row").count() == 0
    if name == "actor_timeline":
        _screenshot(frame, DOCS / "browser-table.png")


def test_the_actor_network_of_the_readme_is_drawn_and_photographed(browser):
    assert ACTOR_NETWORK in README.read_text(encoding="utf-8")
    browser.run(f":style {os.environ['NEO4J_HTTP_URL'].rstrip('/')}/kg/kg.grass")
    frame = browser.result(ACTOR_NETWORK)
    frame.get_by_test_id("cypherFrameSidebarVisualization").click()
    frame.locator("g.node").first.wait_for()
    browser.page.wait_for_timeout(3000)  # let the force layout settle before the picture
    names = {
        " ".join((t.text_content() or "").strip() for t in node.locator("text.caption").all())
        for node in frame.locator("g.node").all()
    }
    assert {"Vladimir Putin", "Donald Trump", "Russia", "Ukraine"} <= names, names
    colours = grass_colours((ROOT / "ontology" / "kg.grass").read_text(encoding="utf-8"))
    picture = _screenshot(frame, DOCS / "browser-actors.png")
    shown = _colours_in(picture)
    for label in ("Person", "Country"):
        assert colours[label] in shown, f"no {label} colour {colours[label]} in the picture"


def test_the_guide_opens_from_the_browser_and_runs_its_first_query(browser, browser_graph):
    http = browser_graph["http"]
    with urllib.request.urlopen(f"{http}/kg/guide.html") as response:
        served = response.read().decode("utf-8")
    # The server serves this checkout's guide, with its own address in the commands.
    assert served == guide().replace(SERVER_PLACEHOLDER, f"{http}/kg/")
    assert (ROOT / "cypher" / "guide.html").read_text(encoding="utf-8") == guide()
    browser.clear()
    browser.type(f":guide {http}/kg/guide.html")  # opens the guide drawer, not a frame
    drawer = browser.page.get_by_test_id("guidesDrawer")
    drawer.get_by_text("What is in this graph").wait_for()
    first = drawer.locator("pre.runnable").first
    assert first.inner_text().strip() == OVERVIEW
    frames = browser.page.get_by_test_id("frame")
    before = frames.count()
    first.locator("i").first.click()  # the play icon the Browser puts before a runnable block
    browser.expect(frames).to_have_count(before + 1)
    frame = frames.first
    frame.get_by_test_id("frame-loaded-contents").wait_for()
    header, rows = browser.table(frame)
    assert header == ["label", "nodes"]
    with _driver() as (driver, database):
        records, _, _ = driver.execute_query(OVERVIEW, database_=database)
    assert [[f'"{r["label"]}"', str(r["nodes"])] for r in records] == rows
    browser.check_alive()


# ------------------------------------------------------------------------------------- helpers


class _driver:
    def __enter__(self) -> tuple[Any, str]:
        import neo4j

        from kg.config import Neo4jConfig

        config = Neo4jConfig.resolve()
        self.driver = neo4j.GraphDatabase.driver(
            config.uri, auth=(config.username, config.password)
        )
        return self.driver, config.database

    def __exit__(self, *exc: object) -> None:
        self.driver.close()


def _screenshot(frame: Any, path: Path) -> Path:
    """A picture of one frame, checked: not blank and no error in it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    assert frame.get_by_test_id("cypherFrameErrorMessage").count() == 0
    frame.screenshot(path=str(path))
    colours = _colours_in(path)
    assert len(colours) > 8, f"{path.name} is blank: {len(colours)} colours"
    return path


def _colours_in(path: Path) -> set[str]:
    from PIL import Image

    with Image.open(path) as image:
        pixels = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    return {f"#{r:02X}{g:02X}{b:02X}" for _, (r, g, b) in pixels}


def test_a_query_of_the_guide_is_the_library_text():
    # What the guide offers to run is the library's Neo4j text, not a copy of it.
    text = guide()
    for query in list_queries():
        assert _escape(query_text(query, "neo4j").strip()) in text, query.name


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=False)
