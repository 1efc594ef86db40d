"""Where the files kg ships with live: the ontology, the Cypher library and the sample article.

In a checkout they are the top-level ``ontology/`` and ``cypher/`` folders; in an installed kg the
same files are package data (``kg.ontology_files``, ``kg.cypher_files``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["cypher_dir", "data_dir", "events_dir", "ontology_dir"]

_CHECKOUT = Path(__file__).resolve().parent.parent


def _locate(folder: str, package: str) -> Path:
    in_checkout = _CHECKOUT / folder
    if in_checkout.is_dir() and (_CHECKOUT / "pyproject.toml").is_file():
        return in_checkout
    return Path(str(resources.files(package)))


def ontology_dir() -> Path:
    """The folder that holds ``kg.ttl`` and ``shapes.ttl``.

    >>> (ontology_dir() / "kg.ttl").is_file()
    True
    """
    return _locate("ontology", "kg.ontology_files")


def cypher_dir() -> Path:
    """The folder of the Cypher query library, one ``.cypher`` file per query."""
    return _locate("cypher", "kg.cypher_files")


def data_dir() -> Path:
    """The folder of the bundled sample: the article text and its facts file."""
    return Path(__file__).resolve().parent / "data"


def events_dir() -> Path:
    """The folder of the bundled coded event data: one day of ICEWS, a sample of GDELT 1.0 rows.

    Its README gives their origin, licence and SHA-256 sums.

    >>> sorted(path.name for path in events_dir().iterdir())
    ['README.md', 'gdelt1-events-sample.tsv', 'icews-events-2018-06-01.tab']
    """
    return data_dir() / "events"
