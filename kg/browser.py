"""Neo4j Browser style (GraSS) derived from the ontology.

Every label gets a colour by its group (actors, events, sources, the rest), a caption from its
``name``, and every relationship type a caption of its type. ``ontology/kg.grass`` is this output;
drag it onto Neo4j Browser, or paste it after ``:style``.

>>> print(grass().splitlines()[0])
node {
"""

from __future__ import annotations

from kg.ontology import Ontology, load_ontology

__all__ = ["grass"]

# Colours per group: actors warm, events cool, sources grey; each shade one label of the group.
_PALETTES = {
    "actor": ["#F79767", "#F16667", "#FFC454", "#DA7194"],
    "event": ["#4C8EDA", "#57C7E3", "#8DCC93", "#6DCE9E", "#569480", "#A5ABB6"],
    "source": ["#C990C0", "#D9C8AE", "#ECB5C9", "#B5A9D4"],
    "other": ["#FFE081", "#C5E3A4", "#BEDDE7", "#E3D3C5"],
}


def _group(ont: Ontology, label: str) -> str:
    if label in ont.actor_labels:
        return "actor"
    if label in ont.event_labels:
        return "event"
    if label in ont.source_labels:
        return "source"
    return "other"


def grass(ontology: Ontology | None = None) -> str:
    """The GraSS text: one rule per label and per relationship type, in ontology order."""
    ont = ontology or load_ontology()
    rules = [
        "node {\n  diameter: 50px;\n  color: #A5ABB6;\n  border-color: #9AA1AC;\n  border-width: 2px;\n"
        "  text-color-internal: #FFFFFF;\n  font-size: 10px;\n  caption: '{name}';\n}",
        "relationship {\n  color: #A5ABB6;\n  shaft-width: 1px;\n  font-size: 8px;\n  padding: 3px;\n"
        "  text-color-external: #000000;\n  text-color-internal: #FFFFFF;\n  caption: '<type>';\n}",
    ]
    used: dict[str, int] = {}
    for label in ont.node_labels:
        group = _group(ont, label)
        palette = _PALETTES[group]
        colour = palette[used.get(group, 0) % len(palette)]
        used[group] = used.get(group, 0) + 1
        size = {"actor": 65, "event": 50, "source": 40, "other": 45}[group]
        rules.append(
            f"node.{label} {{\n  color: {colour};\n  border-color: {colour};\n  diameter: {size}px;\n"
            f"  text-color-internal: #2A2C34;\n  caption: '{{name}}';\n}}"
        )
    for rtype in ont.relationships:
        width = "2px" if ont.relationships[rtype].derived else "1px"
        rules.append(f"relationship.{rtype} {{\n  shaft-width: {width};\n  caption: '<type>';\n}}")
    return "\n\n".join(rules) + "\n"
