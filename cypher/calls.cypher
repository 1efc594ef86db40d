// Question: Who called whom, when, with what status, according to which source?
// Parameters:
//   status: string = null   -- only calls with this status: occurred, planned, announced ... (null: all)
// Example: kg query calls -p status=occurred
// Returns: one row per phone call, oldest first: the call's id, the callers (its initiators) and
//   the other participants by name, its date, local time and time zone as the source gives them,
//   its status, and the ids of the sources that state it (ACCORDING_TO).
MATCH (c:Call)
WHERE c.status = coalesce($status, c.status)
OPTIONAL MATCH (c)-[:HAS_INITIATOR]->(caller)
WITH c, caller
ORDER BY caller.name, caller.id SKIP 0
WITH c, collect(caller.name) AS callers
OPTIONAL MATCH (c)-[:HAS_PARTICIPANT]->(other)
WITH c, callers, other
ORDER BY other.name, other.id SKIP 0
WITH c, callers, collect(other.name) AS participants
OPTIONAL MATCH (c)-[:ACCORDING_TO]->(source)
WITH c, callers, participants, source
ORDER BY source.id SKIP 0
WITH c, callers, participants, collect(source.id) AS sources
RETURN c.id AS call_id, callers, participants, c.date AS date, c.local_time AS local_time,
       c.time_zone AS time_zone, c.status AS status, sources
ORDER BY date, call_id
