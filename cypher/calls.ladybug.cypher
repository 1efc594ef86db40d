// LadybugDB text of calls.cypher. One pass over the call's relationships collects the three
// lists (callers, participants, sources), each sorted by list_sort: the sort of names gives the
// order of sorting by name then id, and a sort before collect() would carry the whole row.
MATCH (c:Call)
WHERE c.status = coalesce($status, c.status)
OPTIONAL MATCH (c)-[r:HAS_INITIATOR|HAS_PARTICIPANT|ACCORDING_TO]->(x)
WITH c, label(r) AS type, x
WITH c,
     list_sort(collect(CASE WHEN type = 'HAS_INITIATOR' THEN x.name END)) AS callers,
     list_sort(collect(CASE WHEN type = 'HAS_PARTICIPANT' THEN x.name END)) AS participants,
     list_sort(collect(CASE WHEN type = 'ACCORDING_TO' THEN x.id END)) AS sources
RETURN c.id AS call_id, callers, participants, c.date AS date, c.local_time AS local_time,
       c.time_zone AS time_zone, c.utc_time AS utc_time, c.status AS status, sources
ORDER BY date, call_id
