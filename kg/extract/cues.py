"""The French cues of kg extract: trigger words from the ontology, the rest from cues_fr.yaml.

Trigger words stay in the ontology beside each event class (``kg:triggerFr``), so the ontology
remains the one place that says what a Call is; status, date and attribution cues, and the
countries and organisations kg knows by name, are in ``cues_fr.yaml`` beside this module.

>>> triggers = event_triggers()
>>> triggers[("entretien", "téléphonique")]
'Call'
>>> load_cues()["status"]["demanded"][:2]
['exiger', 'réclamer']
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal

from kg.ontology import KG, Ontology, load_ontology

__all__ = ["event_triggers", "lemma_key", "load_cues"]


def lemma_key(phrase: str) -> tuple[str, ...]:
    """A trigger phrase as the lower-case lemmas it is matched by (apostrophes split words).

    >>> lemma_key("Projet d'accord")
    ('projet', 'de', 'accord')
    """
    words = phrase.lower().replace("’", "'").replace("d'", "de ").replace("l'", "le ").split()
    return tuple(words)


@cache
def load_cues() -> dict[str, Any]:
    """The cues of ``cues_fr.yaml`` as plain data."""
    path = Path(__file__).with_name("cues_fr.yaml")
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def event_triggers(ont: Ontology | None = None) -> dict[tuple[str, ...], str]:
    """Every French trigger of the ontology, as its lemma key, mapped to its class."""
    ont = ont or load_ontology()
    found: dict[tuple[str, ...], str] = {}
    for name, cls in ont.classes.items():
        for value in ont.graph.objects(cls.iri, KG.triggerFr):
            if isinstance(value, Literal):
                found[lemma_key(str(value))] = name
    return found
