"""Run many ``kg`` commands quickly: import kg once, then fork one fresh child per command.

``python -m kg`` spends about 0.15 s importing before it reads a file; the catalogue has hundreds of
runs. This server imports :mod:`kg.cli` once and forks a child per request, which runs the same
``main()`` as ``python -m kg`` in its own process (a crash or a traceback stays in the child and
shows in its exit code and stderr). Start it with ``sys.executable``; it is single-threaded, so
forking is safe.

Protocol: one JSON object per line on stdin, ``{"args": [...], "env": {...}}``; one JSON object per
line on stdout, ``{"code": int, "stdout": str, "stderr": str}``. A child killed by a signal
reports ``-signal``, as :mod:`subprocess` does.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
from typing import Any

__all__ = ["main"]


def _child(args: list[str], env: dict[str, str], out: int, err: int) -> None:
    os.dup2(out, 1)
    os.dup2(err, 2)
    os.environ.clear()
    os.environ.update(env)
    sys.argv = ["kg", *args]
    code = 0
    try:
        from kg.cli import main

        main(args=args, prog_name="kg")
    except SystemExit as exc:  # what sys.exit does with the code
        if isinstance(exc.code, int) or exc.code is None:
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:  # what the interpreter does with an uncaught exception
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _run(request: dict[str, Any]) -> dict[str, Any]:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:
            _child(request["args"], request["env"], out.fileno(), err.fileno())
        _, status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        return {
            "code": os.waitstatus_to_exitcode(status),
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


def main() -> None:
    import kg.cli  # imported once, inherited by every child
    import kg.facts

    kg.facts.load_ontology()
    for line in sys.stdin:
        print(json.dumps(_run(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
