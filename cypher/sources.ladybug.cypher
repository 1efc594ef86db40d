// LadybugDB text of sources.cypher: label(s) gives a node's table, its one label. The facts, the
// longest list, are collected first, while a row holds nothing else; one pass over the
// source's own relationships then collects its authors, platforms and citations. Every list is
// sorted by list_sort (the sort of names gives the order of sorting by name then id), and the
// facts ride along as collect(facts)[1] rather than as a grouping key, which would hash them.
MATCH (s:Article|Post|Report|OfficialStatement)
OPTIONAL MATCH (fact)-[:ACCORDING_TO]->(s)
WITH s, list_sort(collect(fact.id)) AS facts
OPTIONAL MATCH (s)-[r:AUTHORED_BY|PUBLISHED_ON|CITES]->(x)
WITH s, facts, label(r) AS type, x
WITH s,
     list_sort(collect(CASE WHEN type = 'AUTHORED_BY' THEN x.name END)) AS authors,
     list_sort(collect(CASE WHEN type = 'PUBLISHED_ON' THEN x.name END)) AS platforms,
     list_sort(collect(CASE WHEN type = 'CITES' THEN x.id END)) AS cites,
     collect(facts)[1] AS facts
RETURN s.id AS source, label(s) AS kind, s.published AS published, authors, platforms, facts,
       cites
ORDER BY source
