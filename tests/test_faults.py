"""Crashes and faults: kg must never leave a store half-written, duplicated or unreadable.

What is injected, against the real ``kg`` command (``python -m kg``) and real engines:

- ``kill -9`` of ``kg load`` at chosen moments of a large load, into LadybugDB and into Neo4j: the
  store then holds exactly what it held before or exactly the finished load, and loading again
  completes without duplicates;
- ``kill -9`` of the Neo4j server (one the test starts for itself) in the middle of a load: kg
  exits 1 with one line, the restarted server holds the old or the new content, a rerun completes;
- a server that cannot be reached, a wrong password, a database that does not exist, TLS against a
  plain server: one clear line each, from ``kg load`` and ``kg export --uri``;
- two ``kg load`` at once into Neo4j (kg has uniqueness constraints on node ids, only indexes on
  relationship ids: concurrent MERGE of one relationship must still not duplicate it), and a second
  writer on a LadybugDB store that another process holds;
- a disk that fills up during ``kg export``, simulated and (as root, on a small tmpfs) real;
- the Neo4j password, looked for everywhere kg writes and in every process's command line.

The moments to kill at are found from real signals: the progress display kg shows on a terminal
(its stderr is a pseudo-terminal here), the store's files, the server's open transactions.

Each injected fault, each check that found data lost or duplicated and each message that did not
name its file or place is also written as a JSON line to the file named by ``KG_RELIABILITY_LOG``
when it is set; ``scripts/reliability`` adds them up (the assertion still fails the test).

Run them alone with ``pytest -m faults``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import os
import platform
import pty
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from click.testing import CliRunner

from kg.config import Neo4jConfig
from kg.errors import KGError
from kg.facts import load_facts, sample_facts_path
from kg.generate import generate_corpus
from kg.model import Graph
from kg.ontology import load_ontology
from tests.conftest import wipe_neo4j

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = sample_facts_path()
# Large enough that copying and committing take long enough to be hit (seconds on 2 cores).
LBUG_EVENTS = 2500
# Neo4j's load time is mostly one query plan per (type, start label, end label) group, which a
# small corpus already has nearly all of.
NEO4J_EVENTS = 300
TIMEOUT = 180  # seconds any one kg process may take, however loaded the machine


# ------------------------------------------------------------------------------------------ log


def record(kind: str, **detail: Any) -> None:
    """Append one event (``fault``, ``lost`` or ``unclear``) to $KG_RELIABILITY_LOG, if set."""
    log = os.environ.get("KG_RELIABILITY_LOG")
    if log:
        line = json.dumps({"kind": kind, **detail}, ensure_ascii=False, default=str)
        with open(log, "a", encoding="utf-8") as stream:
            stream.write(line + "\n")


# ------------------------------------------------------------------------------------------ kg runs


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        """stderr with the terminal's line ends made plain."""
        return self.stderr.replace("\r\n", "\n")

    @property
    def message(self) -> str:
        """stderr without the progress display (``\\r`` + percent + step + seconds)."""
        return _PROGRESS.sub("", self.text)

    @property
    def own_line(self) -> bool:
        """Whether every error message starts a line (not glued to the progress display)."""
        return all(
            m.start() == 0 or self.text[m.start() - 1] == "\n" for m in _ERROR.finditer(self.text)
        )


# What kg.cli.TerminalProgress writes: "\r" percent (or 4 spaces), the step in 60 columns, seconds.
_PROGRESS = re.compile(r"\r(?:[ \d]{3}%| {4}) [^\r\n]{60} +\d+\.\ds\n?")
_ERROR = re.compile("Error: ")


class Kg:
    """A ``python -m kg`` process whose stderr is a pseudo-terminal, so it shows its progress.

    The terminal's flow control freezes it at a chosen moment: :meth:`stop_at` waits for a
    progress line, then sends the terminal STOP character (Ctrl-S, as a person at a terminal
    would), so the next progress line kg writes blocks, between two batches of its transaction,
    until :meth:`resume` (Ctrl-Q). It runs in its own process group; :meth:`kill` sends SIGKILL to
    the whole group.
    """

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        master, slave = pty.openpty()
        self.args = args
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kg", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
        os.close(slave)
        self._master = master
        self._err = bytearray()
        self._changed = threading.Condition()
        self._eof = False
        self._result: Result | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:  # EIO: every writer of the terminal has gone
                data = b""
            with self._changed:
                if data:
                    self._err += data
                else:
                    self._eof = True
                self._changed.notify_all()
            if not data:
                return  # the terminal is closed by finish(), once this thread has ended

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stderr(self) -> str:
        with self._changed:
            return self._err.decode("utf-8", "replace")

    def wait_for(self, seen: Callable[[str], bool], timeout: float = TIMEOUT) -> bool:
        """Block until ``seen(stderr so far)``; False if the process ended first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                if seen(self._err.decode("utf-8", "replace")):
                    return True
                if self._eof:
                    return False
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"kg {' '.join(self.args)}: still waiting after {timeout}s")
                self._changed.wait(left)

    def stop_at(self, seen: Callable[[str], bool], timeout: float = TIMEOUT) -> bool:
        """Freeze kg in its first progress write after ``seen``; False if it ended first."""
        if not self.wait_for(seen, timeout):
            return False
        os.write(self._master, b"\x13")  # VSTOP: the terminal stops taking output
        deadline = time.monotonic() + timeout
        while not _blocked_writing(self.proc.pid):
            if self.proc.poll() is not None:
                return False
            if time.monotonic() > deadline:
                raise TimeoutError(f"kg {' '.join(self.args)} never blocked on its progress")
            time.sleep(0.005)  # the kernel has no signal for "a process is blocked"; poll /proc
        return True

    def resume(self) -> None:
        os.write(self._master, b"\x11")  # VSTART

    def kill(self) -> bool:
        """SIGKILL the process group; whether the process was still running."""
        if self.proc.poll() is not None:  # reaped: its id may belong to another process now
            return False
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        return True

    def finish(self, timeout: float = TIMEOUT) -> Result:
        """Wait for the end; stdout, and stderr as the terminal showed it."""
        if self._result is not None:
            return self._result
        try:
            stdout, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.proc.communicate()
            raise
        finally:
            self._reader.join(timeout=10)
            if self._master >= 0 and not self._reader.is_alive():
                os.close(self._master)
                self._master = -1
        self._result = Result(
            self.proc.returncode, stdout.decode("utf-8", "replace"), self.stderr()
        )
        return self._result


# write(2) per machine, as /proc/PID/syscall names it
_WRITE = {"x86_64": "1", "aarch64": "64", "i686": "4", "armv7l": "4"}.get(platform.machine())


def _blocked_writing(pid: int) -> bool:
    """Whether the process is blocked writing to its stderr (fd 2)."""
    try:
        call = Path(f"/proc/{pid}/syscall").read_text().split()
        wchan = Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False
    if _WRITE is not None:
        return call[:2] == [_WRITE, "0x2"]
    return wchan in ("wait_woken", "n_tty_write")


@pytest.fixture
def spawn(tmp_path) -> Iterator[Callable[..., Kg]]:
    """Start kg processes (in tmp_path unless told otherwise); any still running are killed."""
    started: list[Kg] = []

    def start(args: list[str], env: dict[str, str], cwd: Path | None = None) -> Kg:
        kg = Kg(args, env, cwd or tmp_path)
        started.append(kg)
        return kg

    yield start
    for kg in started:
        kg.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            kg.finish(timeout=30)


def run_kg(args: list[str], env: dict[str, str], cwd: Path, timeout: float = TIMEOUT) -> Result:
    """``python -m kg ARGS`` to completion, output captured (no terminal: no progress display)."""
    done = subprocess.run(
        [sys.executable, "-m", "kg", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def progress_at(percent: int, step: str = "") -> Callable[[str], bool]:
    """Whether the progress display has shown ``percent``% or more (of a step starting so)."""
    pattern = re.compile(r"\r\s*(\d+)% " + re.escape(step))

    def seen(stderr: str) -> bool:
        return any(int(p) >= percent for p in pattern.findall(stderr))

    return seen


def plain_env() -> dict[str, str]:
    """The environment without any Neo4j settings (kg uses the embedded store)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}


def neo4j_env(config: Neo4jConfig) -> dict[str, str]:
    return {
        **plain_env(),
        "NEO4J_URI": config.uri,
        "NEO4J_USERNAME": config.username,
        "NEO4J_PASSWORD": config.password or "",
        "NEO4J_DATABASE": config.database,
    }


# ------------------------------------------------------------------------------------------ checks


def assert_one_clear_line(
    result: Result, where: str, test: str, secret: str | None = None, stdout: bool = True
) -> None:
    """Exit 1, one line ``Error: ...`` naming ``where`` (a file, a store, a URI), no traceback."""
    message = result.message
    clear = (
        result.code == 1
        and result.own_line
        and message.startswith("Error: ")
        and message.endswith("\n")
        and message.count("\n") == 1
        and where in message
        and "Traceback" not in result.stderr
        and (not stdout or result.stdout == "")
    )
    leaked = secret is not None and secret != "" and secret in result.stdout + result.stderr
    if not clear or leaked:
        record("unclear", test=test, message=message[-300:], code=result.code)
    assert not leaked, "the password is in the output"
    assert result.code == 1, (result.code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert message.startswith("Error: ") and message.count("\n") == 1, repr(message)
    assert result.own_line, (
        f"the message shares its line with the progress display: {result.text!r}"
    )
    assert where in message, f"{message!r} does not name {where!r}"


def _duplicates_query() -> str:
    """One statement, one branch per label and per relationship type: the ids held twice."""
    ont = load_ontology()
    branches = [
        f"MATCH (n:`{label}`) WITH n.id AS id, count(*) AS c WHERE c > 1 "
        f"RETURN '{label}' AS what, count(*) AS ids"
        for label in ont.node_labels
    ]
    branches += [
        f"MATCH ()-[r:`{rtype}`]->() WITH r.id AS id, count(*) AS c WHERE c > 1 "
        f"RETURN '{rtype}' AS what, count(*) AS ids"
        for rtype in ont.relationships
    ]
    # One statement: a server that just started plans it once, not once per label.
    return "\nUNION ALL\n".join(branches)


def duplicates(store: Any) -> dict[str, int]:
    """Ids held more than once, per label and relationship type (those with none left out)."""
    return {what: ids for what, ids in store.query(_duplicates_query()).rows if ids}


@pytest.mark.parametrize("engine", ["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_the_duplicate_check_finds_duplicates(engine, request, tmp_path, sample_graph):
    """The check every test below relies on, shown to find a relationship stored twice."""
    if engine == "neo4j":
        from kg.stores.neo4j import Neo4jStore

        config = request.getfixturevalue("neo4j_config")
        wipe_neo4j(config)
        store: Any = Neo4jStore(config)
    else:
        from kg.stores.ladybug import LadybugStore

        store = LadybugStore(tmp_path / "kg.lbug")
    with store:
        store.load(sample_graph)
        assert duplicates(store) == {}
        edge = next(e for e in sample_graph.edges.values() if e.type == "HOLDS_POSITION")
        source, target = sample_graph.nodes[edge.source], sample_graph.nodes[edge.target]
        store.query(
            f"MATCH (a:`{source.label}`), (b:`{target.label}`) WHERE a.id = $a AND b.id = $b "
            "CREATE (a)-[:HOLDS_POSITION {id: $id}]->(b)",
            {"a": edge.source, "b": edge.target, "id": edge.id},
        )
        assert duplicates(store) == {"HOLDS_POSITION": 1}


def state_of(store: Any, old: Graph, new: Graph, test: str, moment: str) -> str:
    """``old`` or ``new``: the store holds exactly one of them, each id once."""
    dups = duplicates(store)
    counts = store.stats()
    graph = store.read_graph()
    state = "old" if graph == old else "new" if graph == new else "neither"
    whole = not dups and counts == (old if state == "old" else new).counts()
    if state == "neither" or not whole:
        record("lost", test=test, moment=moment, state=state, duplicates=dups)
    assert not dups, f"duplicates after {moment}: {dups}"
    assert state != "neither", f"after {moment} the store holds neither the old nor the new graph"
    assert whole, f"after {moment}: stats {counts} do not match the {state} graph"
    return state


def union(*graphs: Graph) -> Graph:
    merged = Graph()
    for graph in graphs:
        merged.update(graph)
    return merged


# ------------------------------------------------------------------------------------------ corpora


@dataclass(frozen=True)
class Corpus:
    folder: Path
    graph: Graph


@pytest.fixture(scope="session")
def lbug_corpus(tmp_path_factory) -> Corpus:
    folder = tmp_path_factory.mktemp("lbug-corpus")
    paths = generate_corpus(LBUG_EVENTS, 11, folder)
    return Corpus(folder, load_facts(*paths))


@pytest.fixture(scope="session")
def neo4j_corpus(tmp_path_factory) -> Corpus:
    folder = tmp_path_factory.mktemp("neo4j-corpus")
    paths = generate_corpus(NEO4J_EVENTS, 12, folder)
    return Corpus(folder, load_facts(*paths))


@pytest.fixture(scope="session")
def article_store(tmp_path_factory, sample_graph) -> Path:
    """A LadybugDB store holding the article, to be copied by each test."""
    from kg.stores.ladybug import LadybugStore

    path = tmp_path_factory.mktemp("article-store") / "kg.lbug"
    with LadybugStore(path) as store:
        store.load(sample_graph)
    return path


def copy_store(template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for file in template.parent.glob(template.name + "*"):
        shutil.copy2(file, folder / file.name)
    return folder / template.name


def read_lbug(path: Path) -> Any:
    from kg.stores.ladybug import LadybugStore

    return LadybugStore(path, read_only=True)


# ------------------------------------------------------------------------------------------ LadybugDB: kill -9


def _grown(path: Path, by: int) -> Callable[[], bool]:
    start = path.stat().st_size
    return lambda: path.stat().st_size >= start + by


def _exists(path: Path) -> Callable[[], bool]:
    return path.exists


def _watch(kg: Kg, ready: Callable[[], bool], timeout: float = TIMEOUT) -> bool:
    """Poll a file condition (the store's files give no other signal) until it holds."""
    deadline = time.monotonic() + timeout
    while not ready():
        if kg.proc.poll() is not None:
            return False
        if time.monotonic() > deadline:
            raise TimeoutError("the store's files never showed the moment")
        time.sleep(0.002)
    return True


# moment -> (what the progress display must have shown, then a condition on the store's files).
# The progress steps are the store's own ("copy <table>" inside its transaction); the file
# conditions are the engine's (LadybugDB 0.22 writes the new pages at COMMIT, then a WAL while
# it checkpoints).
LBUG_MOMENTS: dict[
    str, tuple[Callable[[str], bool], Callable[[Path], Callable[[], bool]] | None]
] = {
    # inside the transaction: the first COPY has run
    "copying": (progress_at(0, "copy"), None),
    # COMMIT is writing the new pages into the database file
    "committing": (progress_at(100, "copy"), lambda db: _grown(db, 4 << 20)),
    # the commit is in the write-ahead log and the checkpoint runs
    "checkpointing": (progress_at(100, "copy"), lambda db: _exists(db.with_name(db.name + ".wal"))),
}


@pytest.mark.parametrize("moment", list(LBUG_MOMENTS))
def test_kill_9_during_a_ladybug_load(
    moment, tmp_path, spawn, article_store, lbug_corpus, sample_graph
):
    test = f"kill -9 kg load --db ({moment})"
    old, new = sample_graph, union(sample_graph, lbug_corpus.graph)
    seen, files = LBUG_MOMENTS[moment]
    load = ["load", str(lbug_corpus.folder), "--db"]
    for attempt in range(3):  # the checkpoint lasts a fraction of a second: it may be missed
        db = copy_store(article_store, tmp_path / f"attempt{attempt}")
        kg = spawn([*load, str(db)], plain_env())
        # frozen between two COPY statements, or (no progress during COMMIT) as the files tell
        hit = kg.stop_at(seen) if files is None else kg.wait_for(seen) and _watch(kg, files(db))
        kg.kill()
        result = kg.finish()
        if hit and result.code == -signal.SIGKILL:
            break
        assert result.code == 0, result.stderr  # it finished before the moment: try again
    else:
        pytest.fail(
            f"three loads finished before the moment {moment!r} was seen: raise LBUG_EVENTS, or "
            "adapt LBUG_MOMENTS if the store loads differently now"
        )
    record("fault", test=test, attempts=attempt + 1)

    # A command that only reads opens the store (and finishes any interrupted checkpoint).
    stats = run_kg(["stats", "--db", str(db), "--format", "json"], plain_env(), tmp_path)
    assert stats.code == 0, stats.stderr
    assert json.loads(stats.stdout) in (old.counts(), new.counts())
    with read_lbug(db) as store:
        state_of(store, old, new, test, moment)

    again = run_kg([*load, str(db), "--quiet"], plain_env(), tmp_path)
    assert again.code == 0, again.stderr
    with read_lbug(db) as store:
        assert state_of(store, old, new, test, f"{moment}, then a rerun") == "new"


# ------------------------------------------------------------------------------------------ LadybugDB: two writers


def test_a_second_writer_is_told_the_store_is_in_use(tmp_path, spawn, lbug_corpus):
    test = "second writer on the embedded store"
    db = tmp_path / "kg.lbug"
    first = spawn(["load", str(lbug_corpus.folder), "--db", str(db)], plain_env())
    # frozen in the middle of its transaction, the store open for writing
    assert first.stop_at(progress_at(0, "copy")), first.finish().stderr
    second = run_kg(["load", str(ARTICLE), "--db", str(db), "--quiet"], plain_env(), tmp_path)
    still_writing = first.proc.poll() is None
    first.resume()
    record("fault", test=test)
    assert still_writing
    assert_one_clear_line(second, str(db), test)
    assert second.message == f"Error: {db}: store is in use by process {first.pid}\n"
    assert first.finish().code == 0
    with read_lbug(db) as store:
        assert state_of(store, Graph(), lbug_corpus.graph, test, "both writers ended") == "new"


# ------------------------------------------------------------------------------------------ Neo4j: kill -9 kg


def wait_until_idle(store: Any, timeout: float = 120) -> None:
    """Wait until the server has no transaction open but the one asking (a killed client's
    transaction is rolled back once the server notices the closed connection)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = store.query("SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery").rows
        if all(str(q).startswith("SHOW TRANSACTIONS") for (q,) in rows):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the server still runs {rows} after {timeout}s")
        time.sleep(0.1)


def reset_neo4j(config: Neo4jConfig, graph: Graph) -> None:
    from kg.stores.neo4j import Neo4jStore

    wipe_neo4j(config)
    with Neo4jStore(config) as store:
        store.load(graph)


# The store's progress steps: "nodes <label>" and "relationships <type>" after each batch written
# inside the one transaction; 100% once everything is written (the commit follows).
NEO4J_MOMENTS = {
    "writing nodes": progress_at(0, "nodes"),
    "writing relationships": progress_at(0, "relationships"),
    "finishing": progress_at(100),
}


@pytest.mark.neo4j
def test_kill_9_during_a_neo4j_load(neo4j_config, tmp_path, spawn, neo4j_corpus, sample_graph):
    from kg.stores.neo4j import Neo4jStore

    old, new = sample_graph, union(sample_graph, neo4j_corpus.graph)
    env = neo4j_env(neo4j_config)
    load = ["load", str(neo4j_corpus.folder)]
    reset_neo4j(neo4j_config, old)
    states = {}
    for moment, seen in NEO4J_MOMENTS.items():
        test = f"kill -9 kg load into Neo4j ({moment})"
        kg = spawn(load, env)
        # frozen between two batches, or (finishing) killed as the commit goes out
        hit = kg.wait_for(seen) if moment == "finishing" else kg.stop_at(seen)
        kg.kill()
        result = kg.finish()
        if result.code == -signal.SIGKILL:
            record("fault", test=test)
        else:  # it ended on its own before the kill: only the end may be that quick
            assert result.code == 0, result.stderr
            assert moment == "finishing", f"the load ended before {moment}"
        assert hit or result.code == 0
        with Neo4jStore(neo4j_config) as store:
            wait_until_idle(store)
            states[moment] = state_of(store, old, new, test, moment)
        if states[moment] == "new":
            reset_neo4j(neo4j_config, old)
    assert states["writing nodes"] == states["writing relationships"] == "old"

    again = run_kg([*load, "--quiet"], env, tmp_path)
    assert again.code == 0, again.stderr
    with Neo4jStore(neo4j_config) as store:
        test = "kill -9 kg load into Neo4j, then a rerun"
        assert state_of(store, old, new, test, "the rerun") == "new"


# ------------------------------------------------------------------------------------------ Neo4j: two writers


@pytest.mark.neo4j
def test_two_neo4j_loads_at_once_never_duplicate(neo4j_config, tmp_path, spawn, neo4j_corpus):
    """The same corpus, twice at once, into a database that holds its actors and sources.

    The two loads race to create the events (a uniqueness constraint guards each node id) and the
    relationships between actors and sources that are already there: those only have an index on
    their id, so both loads find one missing and both would create it unless MERGE locks.
    """
    from kg.stores.neo4j import Neo4jStore

    test = "two concurrent loads into Neo4j"
    ont = load_ontology()
    corpus = neo4j_corpus.graph
    there = set(ont.actor_labels) | set(ont.source_labels)
    old = Graph(nodes={k: n for k, n in corpus.nodes.items() if n.label in there})
    reset_neo4j(neo4j_config, old)
    env = neo4j_env(neo4j_config)
    loads = [spawn(["load", str(neo4j_corpus.folder)], env) for _ in range(2)]
    # Both have written a first batch before either ends: the transactions overlap.
    started = [kg.wait_for(progress_at(0, "nodes")) for kg in loads]
    overlapped = all(started) and all(kg.proc.poll() is None for kg in loads)
    results = [kg.finish() for kg in loads]
    record("fault", test=test, overlapped=overlapped)
    with Neo4jStore(neo4j_config) as store:
        assert state_of(store, old, corpus, test, "both loads ended") == "new"
    assert overlapped, [r.stderr[-300:] for r in results]
    for result in results:
        if result.code != 0:
            assert_one_clear_line(result, neo4j_config.uri, test, stdout=False)
    assert 0 in [r.code for r in results], [r.message for r in results]


# ------------------------------------------------------------------------------------------ Neo4j: bad servers


def _free_port(avoid: set[int]) -> int:
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in avoid:
            return port


@pytest.mark.neo4j
def test_load_and_export_against_bad_servers_say_one_clear_line(neo4j_config, tmp_path):
    password = neo4j_config.password or ""
    tls = neo4j_config.uri.replace("bolt://", "bolt+s://")
    port = _free_port(set())
    cases = {
        "wrong password": ({"NEO4J_PASSWORD": "not-the-password"}, neo4j_config.uri),
        "nothing listening": ({"NEO4J_URI": f"bolt://127.0.0.1:{port}"}, f"127.0.0.1:{port}"),
        "no such database": ({"NEO4J_DATABASE": "nosuchdb"}, neo4j_config.uri),
        "TLS against a plain server": ({"NEO4J_URI": tls}, tls),
    }
    commands = {
        "load": ["load", "--quiet"],
        "export": ["export", "--uri", "{uri}", "-o", str(tmp_path / "out.ttl")],
    }
    runs = []
    for case, (change, where) in cases.items():
        env = {**neo4j_env(neo4j_config), **change}
        for command, args in commands.items():
            args = [a.format(uri=env["NEO4J_URI"]) for a in args]
            runs.append((f"kg {command} against {case}", args, env, where))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda r: run_kg(r[1], r[2], tmp_path), runs))
    for (test, _, _, where), result in zip(runs, results, strict=True):
        record("fault", test=test)
        assert_one_clear_line(result, where, test, secret=password)
    assert not (tmp_path / "out.ttl").exists()
    assert not (tmp_path / "kg.lbug").exists()


# ------------------------------------------------------------------------------------------ disk full


class FullDisk:
    """A binary stream that takes ``room`` bytes, then fails as a full disk does."""

    def __init__(self, stream: BinaryIO, room: int) -> None:
        self.stream = stream
        self.room = room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            self.stream.write(data[: self.room])
            self.room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self.stream.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@pytest.mark.parametrize("old_file", [False, True], ids=["new-file", "older-file-kept"])
@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "graphml", "gexf", "json"])
def test_an_export_that_fills_the_disk_leaves_nothing_half_written(
    fmt, old_file, tmp_path, monkeypatch
):
    import kg.export
    from kg.cli import main

    real = kg.export.get_writer

    def failing_writer(name: str) -> Callable[..., None]:
        writer = real(name)
        return lambda graph, stream, **kw: writer(graph, FullDisk(stream, 1000), **kw)

    monkeypatch.setattr(kg.export, "get_writer", failing_writer)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"kg.{fmt}"
    if old_file:
        target.write_bytes(b"an older export\n")
    test = f"disk full during kg export ({fmt})"
    record("fault", test=test)
    result = CliRunner().invoke(main, ["export", "-o", str(target)], catch_exceptions=True)
    outcome = Result(result.exit_code, "", result.output)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        outcome = Result(-1, "", f"Traceback: {result.exception!r}")
    assert_one_clear_line(outcome, str(target), test)
    assert "No space left on device" in outcome.message
    assert sorted(os.listdir(out)) == ([target.name] if old_file else [])
    if old_file:
        assert target.read_bytes() == b"an older export\n"


@pytest.fixture
def small_tmpfs(tmp_path) -> Iterator[Path]:
    """A 256 KiB tmpfs (root only); skipped where mounting is not allowed, failed under CI."""
    folder = tmp_path / "tmpfs"
    folder.mkdir()
    mount = shutil.which("mount")
    miss = pytest.fail if os.environ.get("CI") else pytest.skip
    if mount is None or os.geteuid() != 0:
        miss("mounting a tmpfs needs root and mount")
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        miss(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True, check=False)


@pytest.mark.parametrize("fmt", ["turtle", "csv"])
def test_a_real_full_disk_during_an_export(fmt, small_tmpfs, tmp_path):
    test = f"real full disk during kg export ({fmt})"
    older = small_tmpfs / ("kg.ttl" if fmt == "turtle" else "csv")
    if fmt == "turtle":
        older.write_bytes(b"an older export\n")
    else:
        older.mkdir()
        (older / "nodes.csv").write_bytes(b"an older export\n")
    # Leave 16 KiB free: less than any export of the article needs.
    with open(small_tmpfs / "filler", "wb", buffering=0) as filler, contextlib.suppress(OSError):
        while True:  # unbuffered: the write that finds the disk full raises here, not at close
            filler.write(b"\0" * 4096)
    os.truncate(small_tmpfs / "filler", os.path.getsize(small_tmpfs / "filler") - 16384)
    before = sorted(p.relative_to(small_tmpfs) for p in small_tmpfs.rglob("*"))
    record("fault", test=test)
    result = run_kg(["export", "--format", fmt, "-o", str(older)], plain_env(), tmp_path)
    assert_one_clear_line(result, str(older), test)
    assert "No space left on device" in result.message
    assert sorted(p.relative_to(small_tmpfs) for p in small_tmpfs.rglob("*")) == before
    kept = older if fmt == "turtle" else older / "nodes.csv"
    assert kept.read_bytes() == b"an older export\n"


# ------------------------------------------------------------------------------------------ secrets


def ps_args() -> str:
    """Every process's command line."""
    return subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout


@pytest.mark.neo4j
def test_the_password_shows_nowhere(neo4j_config, tmp_path, spawn, neo4j_corpus):
    """Not in any output, message, file kg writes, or process command line during a load.

    (``--password`` is documented to show in the process list; only the environment is tried.)
    """
    from kg.stores.neo4j import Neo4jStore

    password = neo4j_config.password or ""
    assert len(password) >= 8
    env = neo4j_env(neo4j_config)
    work = tmp_path / "work"
    work.mkdir()
    wrong = password[::-1]  # a wrong password must not show either
    reset_neo4j(neo4j_config, Graph())

    # Every command line while a load runs (and while the servers run), then the load is killed:
    # the commands below do not need its data.
    kg = spawn(["load", str(neo4j_corpus.folder)], env, cwd=work)
    assert kg.stop_at(progress_at(0)), kg.finish().stderr
    during = ps_args()
    kg.kill()
    kg.finish()
    assert kg.args[0] == "load" and password not in during

    runs = [
        (["load", "--quiet"], env, 0),
        (["query", "calls"], env, 0),
        (["query", "-e", "RETURN $x AS x", "-p", "x=1", "--format", "json"], env, 0),
        (["stats", "--format", "json"], env, 0),
        (["export", "-o", "out/kg.ttl"], env, 0),
        (["export", "--format", "jsonld", "-o", "out/kg.jsonld"], env, 0),
        (["export", "--format", "csv", "-o", "out/csv"], env, 0),
        (["export", "--format", "graphml"], env, 0),
        (["analyze", "--format", "json"], env, 0),
        (["load", str(ROOT / "pyproject.toml")], env, 1),  # not a facts file
        (["load", "--quiet"], {**env, "NEO4J_DATABASE": "nosuchdb"}, 1),
        (["stats"], {**env, "NEO4J_PASSWORD": wrong}, 1),
        (["query", "-e", "RETURN nonsense("], env, 1),
    ]
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda r: run_kg(r[0], r[1], work), runs))
    for (args, _, code), result in zip(runs, results, strict=True):
        assert result.code == code, (args, result.stdout, result.stderr)
        assert password not in result.stdout + result.stderr, args
        assert wrong not in result.stdout + result.stderr, args

    # the library's own messages
    errors: list[str] = [repr(neo4j_config)]
    for change in ({"database": "nosuchdb"}, {"uri": "bolt://127.0.0.1:1"}, {"password": "x"}):
        with pytest.raises(KGError) as caught:
            Neo4jStore(dataclasses.replace(neo4j_config, **change))
        errors += [str(caught.value), repr(caught.value)]
    with Neo4jStore(neo4j_config) as store, pytest.raises(KGError) as caught:
        store.query("RETURN nonsense(")
    errors += [str(caught.value), repr(caught.value)]
    assert all(password not in e for e in errors)

    # every file kg wrote (exports; no embedded store was made)
    written = [p for p in work.rglob("*") if p.is_file()]
    assert {p.name for p in written} >= {"kg.ttl", "kg.jsonld", "import.sh"}
    assert not (work / "kg.lbug").exists()
    assert all(password.encode() not in p.read_bytes() for p in written)


# ------------------------------------------------------------------------------------------ Neo4j: kill -9 the server

# Last in the module: its server starts in the background while the tests above run.
SERVER_TEST = "test_kill_9_the_neo4j_server_during_a_load"


def _neo4j_script() -> tuple[Path | None, str]:
    script = ROOT / "scripts" / "neo4j"
    missing = [n for n in ("java", "mvn") if shutil.which(n) is None]
    if not script.exists():
        missing.append(str(script))
    return (
        (None, f"a Neo4j server of its own needs {', '.join(missing)}") if missing else (script, "")
    )


class OwnServer:
    """A Neo4j server in a folder of its own (``scripts/neo4j start --data``), started at once."""

    def __init__(self, script: Path, data: Path) -> None:
        self.script = script
        self.data = data
        self.starting: subprocess.Popen[str] | None = None

    def begin(self, **ports: int) -> None:
        env = {**plain_env(), **{k: str(v) for k, v in ports.items()}}
        self.starting = subprocess.Popen(
            [str(self.script), "start", "--data", str(self.data)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )

    def ready(self) -> dict[str, str]:
        """The NEO4J_* lines of the server once it answers."""
        assert self.starting is not None
        out, err = self.starting.communicate(timeout=300)
        assert self.starting.returncode == 0, err[-2000:]
        return dict(line.split("=", 1) for line in out.splitlines() if line.startswith("NEO4J_"))

    def jvm(self) -> int:
        return int((self.data / "run" / "launcher.pid").read_text())

    def stop(self) -> None:
        if self.starting is not None and self.starting.poll() is None:
            self.starting.communicate(timeout=300)
        subprocess.run(
            [str(self.script), "stop", "--data", str(self.data)],
            capture_output=True,
            timeout=120,
            check=False,
        )


@pytest.fixture(scope="module", autouse=True)
def own_server(request, tmp_path_factory) -> Iterator[OwnServer | None]:
    """Start the server of the server-kill test as the module begins, if that test is to run."""
    script, _ = _neo4j_script()
    if script is None or not any(item.name == SERVER_TEST for item in request.session.items):
        yield None
        return
    server = OwnServer(script, tmp_path_factory.mktemp("own-neo4j"))
    server.begin()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.neo4j
def test_kill_9_the_neo4j_server_during_a_load(own_server, tmp_path, spawn, sample_graph):
    from kg.stores.neo4j import Neo4jStore

    script, why = _neo4j_script()
    if script is None or own_server is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set: {why}")
        pytest.skip(why)
    test = "kill -9 the Neo4j server during kg load"
    first = own_server.ready()
    password = first["NEO4J_PASSWORD"]
    assert password and password not in ps_args()  # the server's command line does not hold it
    config = Neo4jConfig.resolve(environ=first)
    old, new = Graph(), sample_graph

    kg = spawn(["load", str(ARTICLE)], neo4j_env(config))
    assert kg.stop_at(progress_at(0, "relationships")), kg.finish().stderr
    assert password not in ps_args()
    os.kill(own_server.jvm(), signal.SIGKILL)
    record("fault", test=test)
    kg.resume()  # its next batch goes to a dead server
    # The driver retries the transaction for 30 s before kg gives up: restart meanwhile (same
    # folder, same password file) on other ports, so that the retries cannot reach it.
    avoid = {int(config.uri.rsplit(":", 1)[1])}
    bolt = _free_port(avoid)
    own_server.begin(KG_NEO4J_BOLT_PORT=bolt, KG_NEO4J_HTTP_PORT=_free_port(avoid | {bolt}))
    result = kg.finish()
    second = own_server.ready()
    assert second["NEO4J_PASSWORD"] == password
    restarted = Neo4jConfig.resolve(environ=second)
    with Neo4jStore(restarted) as store:
        state_of(store, old, new, test, "the server restarted")
    again = run_kg(["load", "--quiet"], neo4j_env(restarted), tmp_path)
    assert again.code == 0, again.stderr
    with Neo4jStore(restarted) as store:
        assert state_of(store, old, new, test, "the rerun") == "new"
    assert_one_clear_line(result, config.uri, test, secret=password)
