// Neo4j text of shortest_path.cypher. The sort key joins the ids with a space, which sorts before
// every character an id may hold, so it orders paths as their id lists would be ordered.
MATCH (a:Person|Country|Organisation {id: $from}), (b:Person|Country|Organisation {id: $to})
WHERE a.id <> b.id
MATCH p = allShortestPaths((a)-[:INTERACTS_WITH|HOLDS_POSITION|PART_OF|MEMBER_OF*..6]-(b))
WITH DISTINCT length(p) AS hops, [n IN nodes(p) | n.id] AS ids, [n IN nodes(p) | n.name] AS names
WITH hops, ids, names, reduce(key = '', id IN ids | key + ' ' + id) AS path_key
RETURN hops, ids, names
ORDER BY path_key
