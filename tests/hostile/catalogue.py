"""The catalogue of malformed and hostile facts files, and the recipes of those not committed.

Three kinds of case, one folder each:

- ``bad/``: every one must be refused: ``kg validate`` and ``kg load`` exit with 1 and print one
  line on stderr, ``Error: <file>:<line>: ...`` or ``Error: <file>: <record>: ...``, nothing on
  stdout, and leave every store unchanged.
- ``good/``: hostile but valid: must load and read back verbatim.
- ``store/``: valid on their own, but in conflict with what the store holds (the article): the
  load must be refused and leave the store unchanged.

Each committed file starts with comments: ``# tries:`` what the case tries, ``# error:`` the exact
start of the error message after the file's path (``:12: node c1: ...``; bad cases only), and
``# after: article`` when the case is given after the bundled article's facts (``kg load
article.facts.yaml CASE``). Inputs that cannot be committed as they are (invalid UTF-8, raw control
bytes, 10 MB strings, 10,000 levels of nesting, empty files) are in :data:`GENERATED`, written at
test time by :func:`materialize`.

Run ``python tests/hostile/catalogue.py`` to list every case, or ``python
tests/hostile/catalogue.py DIR`` to write them all into DIR (to try them by hand).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GENERATED", "HERE", "Case", "committed", "materialize"]

HERE = Path(__file__).resolve().parent
KINDS = ("bad", "good", "store")
MEGABYTE = 1024 * 1024

# The head of a facts file whose document is ../doc.txt, as in the committed cases.
HEAD = """\
kg: 1
document:
  id: hostile-doc
  type: Article
  name: Hostile test document
  text: ../doc.txt
nodes:
"""
RUBIO = "  - id: marco-rubio\n    type: Person\n    name: Marco Rubio\n"


@dataclass(frozen=True)
class Case:
    """One input: its file, what it tries, and (bad cases) the start of its error after the path."""

    name: str
    kind: str  # bad, good or store
    tries: str
    error: str | None = None
    after_article: bool = False
    path: Path | None = None


def _header(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("# "):
            break
        key, sep, value = line[2:].partition(": ")
        if sep:
            fields[key] = value
    return fields


def committed() -> list[Case]:
    """The cases kept as files under ``bad/``, ``good/`` and ``store/``, read from their headers."""
    cases = []
    for kind in KINDS:
        for path in sorted((HERE / kind).glob("*.yaml")):
            fields = _header(path.read_text(encoding="utf-8"))
            cases.append(
                Case(
                    name=path.stem,
                    kind=kind,
                    tries=fields["tries"],
                    error=fields.get("error"),
                    after_article=fields.get("after") == "article",
                    path=path,
                )
            )
    return cases


# ------------------------------------------------------------------------------------------ recipes
# Each recipe returns the bytes of the facts file (and may write files beside it in ``folder``).


def _lines_before(body: str) -> int:
    return body.count("\n")


def _invalid_utf8(folder: Path) -> bytes:
    return (HEAD + RUBIO).encode() + b"    note: caf\xe9 au lait\n"  # Latin-1, not UTF-8


def _overlong_utf8(folder: Path) -> bytes:
    return (HEAD + RUBIO).encode() + b"    note: \xc0\xaf etc\n"  # '/' in two bytes, forbidden


def _encoded_surrogate(folder: Path) -> bytes:
    return (HEAD + RUBIO).encode() + b"    note: \xed\xa0\x80\n"  # U+D800 encoded, not UTF-8


def _utf16(folder: Path) -> bytes:
    return (HEAD + RUBIO).encode("utf-16")  # with its byte-order mark FF FE


def _raw_char(char: str) -> Callable[[Path], bytes]:
    def recipe(folder: Path) -> bytes:
        return (HEAD + RUBIO + f"    note: a{char}b\n").encode()

    return recipe


def _bom_inside(folder: Path) -> bytes:
    return (HEAD + RUBIO + "    note: before\n\ufeff    label_en: after\n").encode()


def _ten_megabytes(folder: Path) -> bytes:
    return (HEAD + RUBIO + "    note: " + "x" * (10 * MEGABYTE) + "\n").encode()


def _just_over_limit(folder: Path) -> bytes:
    return (HEAD + RUBIO + '    note: "' + "é" * 1_000_001 + '"\n').encode()


def _long_key(folder: Path) -> bytes:
    # An explicit key ("? "): a plain implicit key is limited to 1024 characters by YAML itself.
    return (HEAD + RUBIO + "    ? " + "k" * 2 * MEGABYTE + "\n    : value\n").encode()


def _nested_flow(folder: Path) -> bytes:
    return (HEAD + RUBIO + "    alias: " + "[" * 10_000 + "]" * 10_000 + "\n").encode()


def _nested_900(folder: Path) -> bytes:
    # Under libyaml's own limit (1,000): a recursive YAML constructor overflows the stack here.
    return (HEAD + RUBIO + "    alias: " + "[" * 900 + "]" * 900 + "\n").encode()


def _nested_mappings(folder: Path) -> bytes:
    return (HEAD + RUBIO + "    note: " + "{a: " * 10_000 + "b" + "}" * 10_000 + "\n").encode()


def _nested_block(folder: Path) -> bytes:
    deep = "".join(f"{'  ' * (i + 2)}- \n" for i in range(1_000))
    return (HEAD + RUBIO + "    alias:\n" + deep).encode()


def _long_id(folder: Path) -> bytes:
    return (HEAD + "  - id: " + "a" * 100_000 + "\n    type: Person\n    name: Long\n").encode()


def _text_not_utf8(folder: Path) -> bytes:
    (folder / "latin1.txt").write_bytes("Marco Rubio a appelé Lavrov.".encode("latin-1"))
    return HEAD.replace("../doc.txt", "latin1.txt").encode() + RUBIO.encode()


def _text_symlink_loop(folder: Path) -> bytes:
    (folder / "loop-a.txt").symlink_to("loop-b.txt")
    (folder / "loop-b.txt").symlink_to("loop-a.txt")
    return HEAD.replace("../doc.txt", "loop-a.txt").encode() + RUBIO.encode()


def _text_too_big(folder: Path) -> bytes:
    with (folder / "huge.txt").open("wb") as stream:
        stream.truncate(64 * MEGABYTE + 1)  # sparse: no disk used
    return HEAD.replace("../doc.txt", "huge.txt").encode() + RUBIO.encode()


def _bom(folder: Path) -> bytes:
    return b"\xef\xbb\xbf" + (
        b"kg: 1\ndocument:\n  id: hostile-doc-bom\n  type: Article\n  name: BOM\n"
        b"  text: ../doc.txt\nnodes:\n  - id: bom-person\n    type: Person\n    name: After a BOM\n"
    )


def _crlf(folder: Path) -> bytes:
    text = (
        "kg: 1\ndocument:\n  id: hostile-doc-crlf\n  type: Article\n  name: CRLF\n"
        "  text: ../doc.txt\nnodes:\n  - id: crlf-person\n    type: Person\n    name: Windows\n"
        "    description: |\n      two lines\n      of block text\n"
        "    quote: Rubio\n    quote_start: 6\n    quote_end: 11\n"
    )
    return text.replace("\n", "\r\n").encode()


def _limits(folder: Path) -> bytes:
    # The largest id (200 characters) and the largest value (1,000,000 characters) allowed.
    return (
        "kg: 1\ndocument:\n  id: hostile-doc-limits\n  type: Article\n  name: Limits\n"
        "  text: ../doc.txt\nnodes:\n"
        f"  - id: {'i' * 200}\n    type: Person\n    name: Longest id\n"
        f"    note: {'n' * 1_000_000}\n"
        f"    alias: [{', '.join(f'alias {i}' for i in range(1_000))}]\n"
    ).encode()


@dataclass(frozen=True)
class Recipe:
    """A case written at test time: its kind, what it tries, its error, and how to make it."""

    kind: str
    tries: str
    error: str | None
    make: Callable[[Path], bytes]


_NOT_UTF8 = ":11: not valid UTF-8 (byte {})"
_HEAD_LINES = _lines_before(HEAD + RUBIO)

GENERATED: dict[str, Recipe] = {
    "empty": Recipe("bad", "an empty file (0 bytes)", ":1: the file is empty", lambda f: b""),
    "whitespace-only": Recipe(
        "bad", "a file of blanks and newlines", ":1: the file is empty", lambda f: b"  \n\n \t\n"
    ),
    "invalid-utf8": Recipe(
        "bad",
        "Latin-1 bytes (caf\\xe9) instead of UTF-8",
        _NOT_UTF8.format(len((HEAD + RUBIO).encode()) + 13),
        _invalid_utf8,
    ),
    "overlong-utf8": Recipe(
        "bad",
        "an overlong UTF-8 sequence (C0 AF for '/')",
        _NOT_UTF8.format(len((HEAD + RUBIO).encode()) + 10),
        _overlong_utf8,
    ),
    "encoded-surrogate": Recipe(
        "bad",
        "a surrogate (U+D800) encoded as UTF-8 bytes ED A0 80",
        _NOT_UTF8.format(len((HEAD + RUBIO).encode()) + 10),
        _encoded_surrogate,
    ),
    "utf16": Recipe("bad", "a UTF-16 file with its BOM", ":1: not valid UTF-8 (byte 0)", _utf16),
    "raw-nul": Recipe(
        "bad",
        "a NUL byte in a value",
        ":11: character U+0000 is not allowed in a YAML file",
        _raw_char("\x00"),
    ),
    "raw-control": Recipe(
        "bad",
        "a raw C0 control byte (U+0001)",
        ":11: character U+0001 is not allowed in a YAML file",
        _raw_char("\x01"),
    ),
    "raw-escape": Recipe(
        "bad",
        "a raw ESC byte (U+001B, terminal control sequences)",
        ":11: character U+001B is not allowed in a YAML file",
        _raw_char("\x1b"),
    ),
    "raw-del": Recipe(
        "bad",
        "a raw DEL byte (U+007F), which YAML does not allow unescaped",
        ":11: character U+007F is not allowed in a YAML file",
        _raw_char("\x7f"),
    ),
    "raw-noncharacter": Recipe(
        "bad",
        "the non-character U+FFFE, raw",
        ":11: character U+FFFE is not allowed in a YAML file",
        _raw_char("\ufffe"),
    ),
    "bom-inside": Recipe(
        "bad",
        "a byte-order mark in the middle of the file (only the start may have one)",
        ":12: YAML error: ",
        _bom_inside,
    ),
    "ten-megabyte-string": Recipe(
        "bad",
        "a 10 MB value (the limit is 1,000,000 characters per value)",
        ":11: a value of 10485760 characters is over the limit of 1000000",
        _ten_megabytes,
    ),
    "string-just-over-limit": Recipe(
        "bad",
        "a value of 1,000,001 characters (2 bytes each), one over the limit",
        ":11: a value of 1000001 characters is over the limit of 1000000",
        _just_over_limit,
    ),
    "two-megabyte-key": Recipe(
        "bad",
        "a key of 2 MB",
        ":11: a value of 2097152 characters is over the limit of 1000000",
        _long_key,
    ),
    "nested-flow-lists": Recipe(
        "bad",
        "10,000 nested flow lists ([[[[...]]]])",
        ":11: YAML error: exceeded maximum nesting depth",  # libyaml's own limit comes first here
        _nested_flow,
    ),
    "nested-900-flow-lists": Recipe(
        "bad",
        "900 nested flow lists: under libyaml's limit, over Python's recursion limit",
        ":11: YAML error: mappings and lists nested more than 20 deep",
        _nested_900,
    ),
    "nested-flow-mappings": Recipe(
        "bad",
        "10,000 nested flow mappings ({a: {a: ...}})",
        ":11: YAML error: mappings and lists nested more than 20 deep",
        _nested_mappings,
    ),
    "nested-block-lists": Recipe(
        "bad",
        "1,000 nested block lists, one per line",
        ":29: YAML error: mappings and lists nested more than 20 deep",
        _nested_block,
    ),
    "long-id": Recipe(
        "bad",
        "an id of 100,000 characters",
        ":8: node #1: id 'aaaa",
        _long_id,
    ),
    "text-not-utf8": Recipe(
        "bad",
        "a document text in Latin-1, not UTF-8",
        ":6: document: the document text ",
        _text_not_utf8,
    ),
    "text-symlink-loop": Recipe(
        "bad",
        "a document text path that is a loop of symbolic links",
        ":6: document: cannot read the document text ",
        _text_symlink_loop,
    ),
    "text-too-big": Recipe(
        "bad",
        "a document text of 64 MiB + 1 byte (sparse file), over the limit",
        ":6: document: cannot read the document text ",
        _text_too_big,
    ),
    "bom": Recipe("good", "a UTF-8 byte-order mark at the start: accepted and dropped", None, _bom),
    "crlf": Recipe("good", "Windows line endings (CRLF)", None, _crlf),
    "limits": Recipe(
        "good",
        "the longest id (200 characters), the longest value (1,000,000 characters), 1,000 aliases",
        None,
        _limits,
    ),
}


def materialize(folder: Path) -> list[Case]:
    """Every case: the committed ones where they are, the generated ones written into ``folder``.

    ``folder`` gets a copy of ``doc.txt`` and one sub-folder per kind, so ``../doc.txt`` works.
    """
    shutil.copy(HERE / "doc.txt", folder / "doc.txt")
    cases = committed()
    for name, recipe in GENERATED.items():
        sub = folder / recipe.kind
        sub.mkdir(exist_ok=True)
        path = sub / f"{name}.yaml"
        path.write_bytes(recipe.make(sub))
        cases.append(Case(name, recipe.kind, recipe.tries, recipe.error, False, path))
    return sorted(cases, key=lambda c: (KINDS.index(c.kind), c.name))


def main(argv: list[str]) -> None:
    if argv:
        folder = Path(argv[0])
        folder.mkdir(parents=True, exist_ok=True)
        cases = materialize(folder)
    else:
        cases = [*committed(), *(Case(n, r.kind, r.tries, r.error) for n, r in GENERATED.items())]
    for case in cases:
        where = case.path or "(generated)"
        print(f"{case.kind:5}  {case.name:32}  {case.tries}  [{where}]")
    print(f"{len(cases)} cases", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
