// Neo4j text of upcoming_calls.cypher: one ordered COLLECT subquery per list.
MATCH (c:Call)
WHERE c.status IN ['planned', 'announced'] AND c.date > $after
  AND NOT EXISTS { MATCH (c)<-[:REALISES]-(done) WHERE done.status = 'occurred' }
RETURN c.id AS call_id, c.date AS date, c.date_qualifier AS date_qualifier,
       c.local_time AS local_time, c.time_zone AS time_zone, c.status AS status,
       COLLECT {
         MATCH (c)-[:HAS_INITIATOR]->(caller) WHERE caller.name IS NOT NULL
         RETURN caller.name ORDER BY caller.name, caller.id
       } AS callers,
       COLLECT {
         MATCH (c)-[:HAS_PARTICIPANT]->(other) WHERE other.name IS NOT NULL
         RETURN other.name ORDER BY other.name, other.id
       } AS participants,
       COLLECT {
         MATCH (announcement:Announcement)-[:ANNOUNCES]->(c)
         RETURN announcement.id ORDER BY announcement.id
       } AS announced_in
ORDER BY date, local_time, call_id
