// LadybugDB text of upcoming_calls.cypher. One pass over the call's relationships collects the
// callers and participants, a second its announcements, each list sorted by list_sort (see
// calls.ladybug.cypher).
MATCH (c:Call)
WHERE c.status IN ['planned', 'announced'] AND c.date > $after
  AND NOT EXISTS { MATCH (c)<-[:REALISES]-(done) WHERE done.status = 'occurred' }
OPTIONAL MATCH (c)-[r:HAS_INITIATOR|HAS_PARTICIPANT]->(x)
WITH c, label(r) AS type, x
WITH c,
     list_sort(collect(CASE WHEN type = 'HAS_INITIATOR' THEN x.name END)) AS callers,
     list_sort(collect(CASE WHEN type = 'HAS_PARTICIPANT' THEN x.name END)) AS participants
OPTIONAL MATCH (announcement:Announcement)-[:ANNOUNCES]->(c)
WITH c, callers, participants, list_sort(collect(announcement.id)) AS announced_in
RETURN c.id AS call_id, c.date AS date, c.date_qualifier AS date_qualifier,
       c.local_time AS local_time, c.time_zone AS time_zone, c.status AS status, callers,
       participants, announced_in
ORDER BY date, local_time, call_id
