// Neo4j text of sources.cypher: label predicates name the kind even if a store adds labels; one
// ordered COLLECT subquery per list.
MATCH (s:Article|Post|Report|OfficialStatement)
RETURN s.id AS source,
       CASE
         WHEN s:Article THEN 'Article'
         WHEN s:Post THEN 'Post'
         WHEN s:Report THEN 'Report'
         WHEN s:OfficialStatement THEN 'OfficialStatement'
       END AS kind,
       s.published AS published,
       COLLECT {
         MATCH (s)-[:AUTHORED_BY]->(author) WHERE author.name IS NOT NULL
         RETURN author.name ORDER BY author.name, author.id
       } AS authors,
       COLLECT {
         MATCH (s)-[:PUBLISHED_ON]->(platform) WHERE platform.name IS NOT NULL
         RETURN platform.name ORDER BY platform.name, platform.id
       } AS platforms,
       COLLECT { MATCH (fact)-[:ACCORDING_TO]->(s) RETURN fact.id ORDER BY fact.id } AS facts,
       COLLECT { MATCH (s)-[:CITES]->(cited) RETURN cited.id ORDER BY cited.id } AS cites
ORDER BY source
