"""The ontology as documentation: one browsable HTML page of every term of ``ontology/kg.ttl``.

pyLODE was the first choice, but pyLODE 3.4.1 (the last release that runs on Python 3.11) does
not import as published on PyPI (its wheel lacks ``pylode.profiles.rdf_elements`` and its
version module reads a ``pyproject.toml`` the wheel does not ship). So kg writes the page itself
from the ontology with rdflib: for the ontology, its IRI, labels, comment and version; for each
class, object property, datatype property and annotation property, its IRI, its labels in
French and English, its comment, and what the ontology says of it (super-classes and
super-properties, domain and range, CAMEO code, allowed values, alignments); then how the data
IRIs are made. Every term has an anchor named by its local name, so
``https://w3id.org/kg-diplo/ontology#Call`` lands on the term once the ontology's IRI redirects
to the page (see the README, "Publish the ontology").

>>> html = ontology_html()
>>> '<section id="Call"' in html and "phone call" in html and "appel téléphonique" in html
True
"""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterable
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import BNode, Node

from kg.errors import KGError
from kg.ontology import DATA, KG
from kg.resources import ontology_dir

__all__ = ["KINDS", "ontology_html", "write_html"]

KINDS = (
    (OWL.Class, "classes", "Classes"),
    (OWL.ObjectProperty, "object-properties", "Object properties (relationships)"),
    (OWL.DatatypeProperty, "datatype-properties", "Datatype properties"),
    (OWL.AnnotationProperty, "annotation-properties", "Annotation properties"),
)
"""The kinds of terms the page lists, in order: the RDF type, the section id and its title."""

ONTOLOGY_IRI = URIRef(str(KG).rstrip("#"))
_SHOWN = (RDFS.label, RDFS.comment, RDF.type)  # written in the term's heading, not its table

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.45; color: #222; }
code { background: #f3f3f3; padding: 0 .2em; }
section.term { border-top: 1px solid #ddd; padding: .5rem 0; }
table { border-collapse: collapse; } td, th { text-align: left; vertical-align: top;
  padding: .15rem .6rem .15rem 0; } th { font-weight: 600; white-space: nowrap; }
nav ul { columns: 3; } .iri { color: #555; font-size: .9em; }
"""


def _load() -> Graph:
    path = ontology_dir() / "kg.ttl"
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise KGError(f"cannot read the ontology {path}: {exc}") from None
    return graph


def _local(iri: Node) -> str:
    return str(iri)[len(str(KG)) :] if str(iri).startswith(str(KG)) else str(iri)


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def _term_html(graph: Graph, node: Node) -> str:
    """A value as HTML: a link to the term on this page, an IRI, a literal or a class union."""
    if isinstance(node, URIRef):
        if str(node).startswith(str(KG)):
            return f'<a href="#{_text(_local(node))}">kg:{_text(_local(node))}</a>'
        short = graph.namespace_manager.normalizeUri(node)
        return f'<a href="{_text(node)}">{_text(short)}</a>'
    if isinstance(node, BNode):
        members = graph.value(node, OWL.unionOf)
        if members is not None:
            return " or ".join(_term_html(graph, m) for m in Collection(graph, members))
        first = graph.value(node, RDF.first)
        if first is not None:
            return "(" + ", ".join(_term_html(graph, m) for m in Collection(graph, node)) + ")"
        return "[…]"
    if isinstance(node, Literal):
        lang = f' <span class="iri">@{node.language}</span>' if node.language else ""
        return f"<code>{_text(node)}</code>{lang}"
    return _text(node)


def _labels(graph: Graph, term: Node, lang: str) -> list[str]:
    return sorted(
        str(o)
        for o in graph.objects(term, RDFS.label)
        if isinstance(o, Literal) and o.language == lang
    )


def _term_section(graph: Graph, term: URIRef) -> str:
    name = _local(term)
    fr, en = _labels(graph, term, "fr"), _labels(graph, term, "en")
    comments = [str(c) for c in graph.objects(term, RDFS.comment)]
    rows = [
        f"<tr><th>IRI</th><td><code>{_text(term)}</code></td></tr>",
        f"<tr><th>label (en)</th><td>{_text(', '.join(en)) or '—'}</td></tr>",
        f"<tr><th>label (fr)</th><td>{_text(', '.join(fr)) or '—'}</td></tr>",
    ]
    types = [t for t in graph.objects(term, RDF.type) if t not in {k for k, _, _ in KINDS}]
    if types:
        rows.append(
            f"<tr><th>also a</th><td>{', '.join(_term_html(graph, t) for t in types)}</td></tr>"
        )
    predicates = sorted({p for p in graph.predicates(term) if p not in _SHOWN}, key=str)
    for predicate in predicates:
        values = sorted(graph.objects(term, predicate), key=str)
        shown = ", ".join(_term_html(graph, v) for v in values)
        label = graph.namespace_manager.normalizeUri(str(predicate))
        rows.append(f"<tr><th>{_text(label)}</th><td>{shown}</td></tr>")
    subterms = sorted(
        set(graph.subjects(RDFS.subClassOf, term)) | set(graph.subjects(RDFS.subPropertyOf, term)),
        key=str,
    )
    if subterms:
        rows.append(
            f"<tr><th>narrower terms</th><td>{', '.join(_term_html(graph, s) for s in subterms)}</td></tr>"
        )
    title = _text(en[0] if en else name)
    comment = "".join(f"<p>{_text(c)}</p>" for c in comments) or "<p><em>No comment.</em></p>"
    return (
        f'<section id="{_text(name)}" class="term"><h3>kg:{_text(name)} '
        f'<span class="iri">— {title}</span></h3>{comment}<table>{"".join(rows)}</table></section>'
    )


def _terms(graph: Graph, kind: URIRef) -> list[URIRef]:
    return sorted(
        (
            t
            for t in graph.subjects(RDF.type, kind)
            if isinstance(t, URIRef) and str(t).startswith(str(KG))
        ),
        key=lambda t: _local(t).lower(),
    )


def _links(terms: Iterable[URIRef]) -> str:
    return "".join(f'<li><a href="#{_text(_local(t))}">{_text(_local(t))}</a></li>' for t in terms)


def ontology_html() -> str:
    """The HTML page documenting the ontology (see the module).

    Raises:
        KGError: the ontology cannot be read.
    """
    graph = _load()
    title = _labels(graph, ONTOLOGY_IRI, "en") or ["kg ontology"]
    title_fr = _labels(graph, ONTOLOGY_IRI, "fr")
    version = graph.value(ONTOLOGY_IRI, OWL.versionInfo)
    comment = graph.value(ONTOLOGY_IRI, RDFS.comment)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_text(title[0])}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_text(title[0])}</h1>",
        f"<p><em>{_text(title_fr[0])}</em></p>" if title_fr else "",
        "<table>",
        f"<tr><th>Ontology IRI</th><td><code>{_text(ONTOLOGY_IRI)}</code></td></tr>",
        f"<tr><th>Term namespace</th><td><code>{_text(KG)}</code> (prefix <code>kg:</code>)</td></tr>",
        f"<tr><th>Version</th><td>{_text(version or '')}</td></tr>",
        '<tr><th>Source</th><td><a href="kg.ttl">kg.ttl</a> (Turtle)</td></tr>',
        "</table>",
        f"<p>{_text(comment or '')}</p>",
        "<nav><h2>Contents</h2>",
    ]
    sections = []
    for kind, anchor, heading in KINDS:
        terms = _terms(graph, kind)
        parts.append(f'<h3><a href="#{anchor}">{_text(heading)}</a> ({len(terms)})</h3>')
        parts.append(f"<ul>{_links(terms)}</ul>")
        sections.append(f'<h2 id="{anchor}">{_text(heading)}</h2>')
        sections.extend(_term_section(graph, t) for t in terms)
    parts.append('<p><a href="#data-iris">Data IRIs</a></p></nav>')
    parts.extend(sections)
    parts.append(_DATA_IRIS)
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


_DATA_IRIS = f"""
<h2 id="data-iris">Data IRIs</h2>
<p>Every node of the graph is <code>{DATA}{{id}}</code>, its id percent-encoded where it holds
anything but <code>A-Z a-z 0-9 - . _ ~</code> (<code>{DATA}vladimir-putin</code>). An edge that
carries properties (a quote, an office, the event of an interaction) is also described by an
<code>rdf:Statement</code> named <code>{DATA}rel/{{edge id}}</code>. In the RDF dataset (TriG,
N-Quads, the SPARQL endpoint) each source document's named graph is the document's own IRI; the
ontology is in the graph <code>{ONTOLOGY_IRI}</code> and the CAMEO concept scheme, whose concepts
are <code>https://w3id.org/kg-diplo/cameo/{{code}}</code>, in the graph
<code>https://w3id.org/kg-diplo/cameo/</code>.</p>
<p>These IRIs are names under <code>https://w3id.org/kg-diplo/</code>; they resolve once a w3id
redirect for <code>kg-diplo</code> points at where this page and the data are published (see
the README of kg, "Publish the ontology").</p>
"""


def write_html(folder: Path) -> list[Path]:
    """Write ``index.html`` (the documentation) and ``kg.ttl`` (the ontology) into ``folder``.

    Returns the paths written.

    Raises:
        KGError: the folder cannot be written.
    """
    page = ontology_html()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        index = folder / "index.html"
        index.write_text(page, encoding="utf-8")
        turtle = folder / "kg.ttl"
        shutil.copyfile(ontology_dir() / "kg.ttl", turtle)
    except OSError as exc:
        raise KGError(f"{folder}: cannot write the documentation: {exc.strerror or exc}") from None
    return [index, turtle]
