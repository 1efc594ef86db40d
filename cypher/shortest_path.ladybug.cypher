// LadybugDB text of shortest_path.cypher. Matching both ends first and excluding equal ends keeps
// ALL SHORTEST from crashing ladybug 0.22 (segmentation fault) when an end is missing or both
// ends are the same node. The sort key joins the ids with a space, which sorts before every
// character an id may hold, so it orders paths as their id lists would be ordered.
MATCH (a:Person|Country|Organisation {id: $from}), (b:Person|Country|Organisation {id: $to})
WHERE a.id <> b.id
WITH a, b
MATCH p = (a)-[:INTERACTS_WITH|HOLDS_POSITION|PART_OF|MEMBER_OF* ALL SHORTEST 1..6]-(b)
WITH length(p) AS hops, properties(nodes(p), 'id') AS ids, properties(nodes(p), 'name') AS names
WITH hops, ids, names, list_to_string(' ', ids) AS path_key
RETURN hops, ids, names
ORDER BY path_key
