"""Oxigraph's SPARQL 1.1 Protocol server, read-only, over the dataset of a graph.

The ``oxigraph`` package (PyPI) ships Oxigraph's server as one binary, the same engine as
pyoxigraph: kg loads the dataset into a store folder with pyoxigraph
(:func:`kg.sparql.dataset.load_store`), lets go of it, and starts ``oxigraph serve-read-only
--location FOLDER --bind HOST:PORT``. The server answers queries at ``/query`` and refuses
updates (``/update``: 403). It listens on loopback unless told otherwise.

>>> parse_bind("127.0.0.1:7878")
('127.0.0.1', 7878)
>>> parse_bind("localhost")
('localhost', 7878)
>>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0")
(True, True, False)
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import KGError
from kg.model import Graph

if TYPE_CHECKING:
    from kg.stores.base import Store

__all__ = [
    "DEFAULT_BIND",
    "SparqlServer",
    "free_port",
    "is_loopback",
    "load_folder",
    "oxigraph_binary",
    "parse_bind",
]

DEFAULT_BIND = "127.0.0.1:7878"
_STORE_MARKER = ".kg-sparql-store"  # marks a --data folder kg filled, so kg may empty it again
_SERVED_BY = "kg-sparql.pid"  # the process serving a folder, so a reload never pulls it away


def parse_bind(bind: str) -> tuple[str, int]:
    """The host and port of ``HOST[:PORT]`` (``[::1]:PORT`` for IPv6); port 0 picks a free one.

    Raises:
        KGError: the text is not a host and a port from 0 to 65535.
    """
    host, port_text = bind, "7878"
    if bind.startswith("["):
        host, _, rest = bind[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else port_text
    elif bind.count(":") == 1:
        host, port_text = bind.split(":")
    try:
        port = int(port_text)
    except ValueError:
        port = -1
    if not host or not 0 <= port <= 65535:
        raise KGError(f"--bind takes HOST:PORT (such as {DEFAULT_BIND}), not {bind!r}")
    return host, port


def is_loopback(host: str) -> bool:
    """Whether a host name or address is this machine's loopback."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on at ``host`` now (the kernel's pick)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:
    """In the server's process (Linux): be sent SIGTERM when kg's process dies, even by SIGKILL
    (a bench step stopped at its time limit), so no server outlives the command that started it."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _check_free(host: str, port: int) -> None:
    """Refuse a port something listens on: the check that the server answers would ask that."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise KGError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def oxigraph_binary() -> str:
    """The path of the ``oxigraph`` server binary: beside this Python first, else on the PATH.

    Raises:
        KGError: it is not installed.
    """
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise KGError("the SPARQL server needs Oxigraph's binary: pip install oxigraph==0.5.13")
    return found


def load_folder(source: Graph | Store, folder: Path) -> int:
    """Fill a store folder with the dataset of a graph or a kg store, replacing what kg put there.

    A graph is loaded from memory (:func:`kg.sparql.dataset.load_store`); a kg store is streamed
    chunk by chunk (:func:`kg.sparql.dataset.load_store_from`), so its size does not matter.
    Returns the number of quads. A folder that holds anything kg did not put there is refused,
    so a mistyped ``--data`` never empties a folder of someone else's files. A load that fails
    leaves no folder behind: never half a store.

    Raises:
        KGError: the folder holds other files, or cannot be written, or the load failed.
    """
    from kg.sparql.dataset import load_store, load_store_from

    marker = folder / _STORE_MARKER
    if folder.exists():
        if not folder.is_dir():
            raise KGError(f"{folder} is a file, not a folder for the SPARQL store")
        if any(folder.iterdir()) and not marker.is_file():
            raise KGError(f"{folder} holds files kg did not put there; give an empty or new folder")
        pid = _serving_pid(folder)
        if pid is not None:
            raise KGError(f"{folder} is being served by process {pid}; stop it first (Ctrl-C)")
        shutil.rmtree(folder)
    try:
        folder.mkdir(parents=True)
        marker.write_text("A SPARQL store written by kg sparql serve; kg empties it on reload.\n")
    except OSError as exc:
        raise KGError(f"{folder}: cannot create the SPARQL store: {exc.strerror or exc}") from None
    try:
        if isinstance(source, Graph):
            store = load_store(source, folder)
        else:
            store = load_store_from(source, folder)
        count: int = len(store)
    except BaseException:
        store = None
        shutil.rmtree(folder, ignore_errors=True)
        raise
    del store  # the server opens the folder once pyoxigraph lets go of it
    return count


def _serving_pid(folder: Path) -> int | None:
    """The live process that serves ``folder``, from its pid file."""
    try:
        pid = int((folder / _SERVED_BY).read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


@dataclass
class SparqlServer:
    """A running ``oxigraph serve-read-only`` over a store folder.

    Use as a context manager; leaving it stops the server. ``url`` is the query endpoint.
    """

    folder: Path
    host: str = "127.0.0.1"
    port: int = 0
    timeout_s: int | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    # The server's messages go to a file: a pipe nobody reads would fill and stall it.
    _log: Any = field(default=None, init=False, repr=False)

    @property
    def base(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The SPARQL query endpoint (``/query``)."""
        return f"{self.base}/query"

    def start(self, wait: float = 30.0) -> SparqlServer:
        """Start the server and wait until it answers a query.

        Raises:
            KGError: the binary is missing, the port is taken, or the server does not answer.
        """
        if self.port == 0:
            self.port = free_port(self.host)
        else:
            _check_free(self.host, self.port)
        command = [
            oxigraph_binary(),
            "serve-read-only",
            "--location",
            str(self.folder),
            "--bind",
            f"{self.host}:{self.port}",
        ]
        if self.timeout_s:
            command += ["--timeout-s", str(self.timeout_s)]
        (self.folder / _SERVED_BY).write_text(f"{os.getpid()}\n")
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - open while the server runs
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                self._log.seek(0)
                err = self._log.read().decode("utf-8", "replace")
                self._log.close()
                lines = [line for line in err.strip().splitlines() if line.strip()]
                raise KGError(
                    f"the SPARQL server stopped at start: {lines[-1] if lines else 'no message'}"
                )
            if self._answers():
                return self
            time.sleep(0.1)
        self.stop()
        raise KGError(f"the SPARQL server did not answer at {self.url} within {wait:.0f} s")

    def _answers(self) -> bool:
        query = urllib.parse.urlencode({"query": "ASK {}"})
        try:
            with urllib.request.urlopen(f"{self.url}?{query}", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def wait(self) -> int:
        """Wait until the server stops; its exit code."""
        if self.process is None:
            return 0
        return self.process.wait()

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s)."""
        process, self.process = self.process, None
        (self.folder / _SERVED_BY).unlink(missing_ok=True)
        if process is None:
            if self._log is not None:
                self._log.close()
                self._log = None
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> SparqlServer:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
