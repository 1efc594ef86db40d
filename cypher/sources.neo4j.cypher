// Neo4j text of sources.cypher: label predicates name the kind even if a store adds labels.
MATCH (s:Article|Post|Report|OfficialStatement)
OPTIONAL MATCH (s)-[:AUTHORED_BY]->(author)
WITH s, author
ORDER BY author.name, author.id SKIP 0
WITH s, collect(author.name) AS authors
OPTIONAL MATCH (s)-[:PUBLISHED_ON]->(platform)
WITH s, authors, platform
ORDER BY platform.name, platform.id SKIP 0
WITH s, authors, collect(platform.name) AS platforms
OPTIONAL MATCH (fact)-[:ACCORDING_TO]->(s)
WITH s, authors, platforms, fact
ORDER BY fact.id SKIP 0
WITH s, authors, platforms, collect(fact.id) AS facts
OPTIONAL MATCH (s)-[:CITES]->(cited)
WITH s, authors, platforms, facts, cited
ORDER BY cited.id SKIP 0
WITH s, authors, platforms, facts, collect(cited.id) AS cites
RETURN s.id AS source,
       CASE
         WHEN s:Article THEN 'Article'
         WHEN s:Post THEN 'Post'
         WHEN s:Report THEN 'Report'
         WHEN s:OfficialStatement THEN 'OfficialStatement'
       END AS kind,
       s.published AS published, authors, platforms, facts, cites
ORDER BY source
