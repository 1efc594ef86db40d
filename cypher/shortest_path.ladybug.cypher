// LadybugDB text of shortest_path.cypher. Matching both ends first and excluding equal ends keeps
// ALL SHORTEST from crashing ladybug 0.22 (segmentation fault) when an end is missing or both
// ends are the same node. No WITH may stand between the two MATCH clauses: after one, the
// planner no longer tells the path search which node ends the paths, and it enumerates the
// shortest paths from the first actor to every node of the graph before keeping those to the
// second (at 100,000 events that ran out of 8 GB for two actors 3 hops and 8 paths apart).
// The sort key joins the ids with a space, which sorts before every character an id may hold,
// so it orders paths as their id lists would be ordered.
MATCH (a:Person|Country|Organisation {id: $from}), (b:Person|Country|Organisation {id: $to})
WHERE a.id <> b.id
MATCH p = (a)-[:INTERACTS_WITH|HOLDS_POSITION|PART_OF|MEMBER_OF* ALL SHORTEST 1..6]-(b)
WITH DISTINCT length(p) AS hops, properties(nodes(p), 'id') AS ids,
              properties(nodes(p), 'name') AS names
WITH hops, ids, names, list_to_string(' ', ids) AS path_key
RETURN hops, ids, names
ORDER BY path_key
