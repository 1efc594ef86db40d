// Neo4j text of calls.cypher: one ordered COLLECT subquery per list.
MATCH (c:Call)
WHERE c.status = coalesce($status, c.status)
RETURN c.id AS call_id,
       COLLECT {
         MATCH (c)-[:HAS_INITIATOR]->(caller) WHERE caller.name IS NOT NULL
         RETURN caller.name ORDER BY caller.name, caller.id
       } AS callers,
       COLLECT {
         MATCH (c)-[:HAS_PARTICIPANT]->(other) WHERE other.name IS NOT NULL
         RETURN other.name ORDER BY other.name, other.id
       } AS participants,
       c.date AS date, c.local_time AS local_time, c.time_zone AS time_zone, c.utc_time AS utc_time, c.status AS status,
       COLLECT { MATCH (c)-[:ACCORDING_TO]->(source) RETURN source.id ORDER BY source.id } AS sources
ORDER BY date, call_id
