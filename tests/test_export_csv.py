"""neo4j-admin import CSV files: header format, quoting, and every fact parsed back."""

from __future__ import annotations

import csv
import subprocess

import pytest

from kg.errors import KGError
from kg.export import export
from kg.export.csv import write_csv_dir
from kg.model import Edge, Graph, Node

# The Neo4j 5 import header types and how Python reads a field of each back.
PARSE = {
    "string": str,
    "long": int,
    "double": float,
    "boolean": lambda text: {"true": True, "false": False}[text],
}


def _field(name_type: str):
    name, _, kind = name_type.partition(":")
    return name, kind


def _value(kind: str, text: str, array_delimiter: str):
    if kind.endswith("[]"):
        return [PARSE[kind[:-2]](part) for part in text.split(array_delimiter)]
    return PARSE[kind](text)


def read_back(folder, array_delimiter=";") -> Graph:
    """Rebuild a Graph from the files listed in import.args, with Python's csv module.

    An empty field is read as no value: the csv module cannot tell ``""`` (an empty string for
    neo4j-admin) from an empty field, so tests with empty strings check the raw text as well.
    """
    graph = Graph()
    args = (folder / "import.args").read_text(encoding="utf-8").splitlines()
    for arg in args:
        option, _, name = arg.partition("=")
        if option not in ("--nodes", "--relationships"):
            continue
        with (folder / name).open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f, quoting=csv.QUOTE_MINIMAL, strict=True))
        header = [_field(h) for h in rows[0]]
        for row in rows[1:]:
            cells = dict(zip((h for h in rows[0]), row, strict=True))
            props = {}
            for (pname, kind), text in zip(header, row, strict=True):
                is_property = kind not in ("ID", "LABEL", "START_ID", "END_ID", "TYPE")
                if pname and pname != "id" and is_property and text != "":
                    props[pname] = _value(kind, text, array_delimiter)
            if option == "--nodes":
                graph.add_node(Node(cells["id:ID"], cells[":LABEL"], props))
            else:
                edge = Edge(
                    cells["id:string"], cells[":TYPE"], cells[":START_ID"], cells[":END_ID"], props
                )
                graph.add_edge(edge)
    return graph


def test_files_reproduce_every_node_edge_and_property(sample_graph, tmp_path):
    result = write_csv_dir(sample_graph, tmp_path)
    assert read_back(tmp_path) == sample_graph
    assert len(result.node_files) == len({n.label for n in sample_graph.nodes.values()}) == 21
    assert (
        len(result.relationship_files) == len({e.type for e in sample_graph.edges.values()}) == 20
    )
    assert result.multiline is False


def test_headers_follow_the_import_format(sample_graph, tmp_path):
    write_csv_dir(sample_graph, tmp_path)

    def header(name):
        return (tmp_path / name).read_text(encoding="utf-8").splitlines()[0]

    assert header("nodes_Person.csv") == (
        "id:ID,name:string,label_fr:string,label_en:string,alias:string[],wikidata:string,"
        "description:string,quote:string,quote_start:long,quote_end:long,document:string,"
        "note:string,documents:string[],conflicts:string[],:LABEL"
    )
    assert header("relationships_HOLDS_POSITION.csv") == (
        ":START_ID,:END_ID,:TYPE,id:string,position:string,position_fr:string,quote:string,"
        "quote_start:long,quote_end:long,document:string,note:string"
    )
    assert header("relationships_INTERACTS_WITH.csv").startswith(
        ":START_ID,:END_ID,:TYPE,id:string,status:string,date:string,event:string,"
        "directed:boolean,event_type:string"
    )
    trump = (tmp_path / "nodes_Person.csv").read_text(encoding="utf-8").splitlines()[1]
    assert trump == (
        "donald-trump,Donald Trump,Donald Trump,Donald Trump,Trump;le président américain,Q22686,,"
        "Le président américain Donald Trump,206,241,article-2025-05-17,,,,Person"
    )


def test_the_direction_of_an_interaction_is_a_boolean_column(sample_graph, tmp_path):
    """neo4j-admin reads directed:boolean as a boolean; a string "false" would be true in Cypher."""
    write_csv_dir(sample_graph, tmp_path)
    with (tmp_path / "relationships_INTERACTS_WITH.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert "directed:boolean" in rows[0]
    column = rows[0].index("directed:boolean")
    directed = {row[3]: row[column] for row in rows[1:]}
    assert directed["vladimir-putin|INTERACTS_WITH|donald-trump|call-trump-putin-2025-03-18"] == (
        "false"
    )
    assert directed["marco-rubio|INTERACTS_WITH|sergey-lavrov|call-rubio-lavrov-2025-05-17"] == (
        "true"
    )
    assert set(directed.values()) == {"true", "false"}
    edge = read_back(tmp_path).edges[
        "vladimir-putin|INTERACTS_WITH|donald-trump|call-trump-putin-2025-03-18"
    ]
    assert edge.properties["directed"] is False


def test_import_arguments_and_script(sample_graph, tmp_path):
    result = write_csv_dir(sample_graph, tmp_path)
    args = (tmp_path / "import.args").read_text(encoding="utf-8").splitlines()
    assert args == result.arguments()
    assert args[0] == "--nodes=nodes_Person.csv"
    assert "--relationships=relationships_INTERACTS_WITH.csv" in args
    assert args[-2:] == ["--delimiter=,", "--array-delimiter=;"]
    assert (
        result.arguments(absolute=True)[0] == f"--nodes={(tmp_path / 'nodes_Person.csv').resolve()}"
    )
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == sorted(
        ["import.args", "import.sh", *result.node_files, *result.relationship_files]
    )
    # The script runs the same arguments, then the database name, from its own folder.
    script = tmp_path / "import.sh"
    assert script.stat().st_mode & 0o111
    run = subprocess.run(
        ["bash", str(script), "kgdb"],
        env={"NEO4J_ADMIN": "/bin/echo", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    assert run.stdout.split() == ["database", "import", "full", *args, "kgdb"]


def _hostile_graph():
    g = Graph()
    g.add_node(
        Node(
            'hostile, "one"',
            "Person",
            {
                "name": 'He said "yes", then\nleft\r\nagain',
                "description": "",
                "alias": ["a,b", 'q"r', " padded "],
                "quote_start": 2**40,
                "note": "  spaces kept  ",
            },
        )
    )
    g.add_node(Node("ru", "Country", {"name": "Russia"}))
    g.add_edge(Edge.between('hostile, "one"', "HOLDS_POSITION", "ru", {"position": "a,b\nc"}))
    return g


def test_quotes_commas_line_breaks_and_empty_strings_survive(tmp_path):
    graph = _hostile_graph()
    result = write_csv_dir(graph, tmp_path)
    assert result.multiline is True
    assert "--multiline-fields=true" in (tmp_path / "import.args").read_text(encoding="utf-8")
    row = (tmp_path / "nodes_Person.csv").read_bytes().decode("utf-8").split("\n", 1)[1]
    # The empty description is a quoted "" (an empty string), the absent label_fr an empty field.
    assert row.startswith(
        '"hostile, ""one""","He said ""yes"", then\nleft\r\nagain",,,"a,b;q""r; padded ",,"",'
    )
    hostile = graph.nodes['hostile, "one"']
    props = {k: v for k, v in hostile.properties.items() if k != "description"}
    expected = Graph(dict(graph.nodes), dict(graph.edges))
    expected.nodes[hostile.id] = Node(hostile.id, hostile.label, props)
    assert read_back(tmp_path) == expected


def test_another_array_delimiter(tmp_path):
    g = Graph()
    g.add_node(Node("p", "Person", {"alias": ["a;b", "c"]}))
    with pytest.raises(
        KGError, match=r"node p: alias element 'a;b' is empty or holds the array delimiter ';'"
    ):
        write_csv_dir(g, tmp_path)
    result = write_csv_dir(g, tmp_path, array_delimiter="|")
    assert result.arguments()[-1] == "--array-delimiter=|"
    assert read_back(tmp_path, array_delimiter="|") == g


@pytest.mark.parametrize("delimiter", [",", '"', "", "ab", "\n"])
def test_bad_array_delimiters_are_refused(tmp_path, delimiter):
    with pytest.raises(KGError, match="the array delimiter must be one character"):
        write_csv_dir(Graph(), tmp_path, array_delimiter=delimiter)


@pytest.mark.parametrize(
    ("node", "message"),
    [
        (Node("p", "Spy"), "node 'p' has the label 'Spy', which the ontology does not define"),
        (
            Node("p", "Person", {"hair": "red"}),
            "label Person: property hair is not in the ontology",
        ),
        (
            Node("p", "Person", {"quote_start": "12"}),
            "node p: property quote_start must be integer, not str '12'",
        ),
        (
            Node("p", "Person", {"alias": "Putin"}),
            "node p: property alias holds a list, not 'Putin'",
        ),
        (Node("p", "Person", {"alias": [""]}), "node p: alias element '' is empty"),
    ],
)
def test_what_cannot_be_imported_is_refused(tmp_path, node, message):
    g = Graph()
    g.add_node(node)
    with pytest.raises(KGError, match=message):
        write_csv_dir(g, tmp_path)


def test_export_registry_builds_the_folder_atomically(sample_graph, tmp_path):
    target = tmp_path / "csv"
    export(sample_graph, "csv", target)
    assert read_back(target) == sample_graph
    export(sample_graph, "csv", target)  # again, over the existing folder
    assert read_back(target) == sample_graph
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv"]
