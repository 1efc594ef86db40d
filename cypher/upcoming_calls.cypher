// Question: Which phone calls are planned or announced after a given day?
// Parameters:
//   after: string = "2025-05-17"   -- ISO date (YYYY-MM-DD); only calls dated strictly after it
// Example: kg query upcoming_calls -p after=2025-05-18
// Returns: one row per planned or announced call, soonest first: the call's id, its date with its
//   qualifier (on, before, after), local time and time zone, its status, the callers and other
//   participants by name, and the ids of the announcements that made it public.
MATCH (c:Call)
WHERE c.status IN ['planned', 'announced'] AND c.date > $after
OPTIONAL MATCH (c)-[:HAS_INITIATOR]->(caller)
WITH c, caller
ORDER BY caller.name, caller.id SKIP 0
WITH c, collect(caller.name) AS callers
OPTIONAL MATCH (c)-[:HAS_PARTICIPANT]->(other)
WITH c, callers, other
ORDER BY other.name, other.id SKIP 0
WITH c, callers, collect(other.name) AS participants
OPTIONAL MATCH (announcement:Announcement)-[:ANNOUNCES]->(c)
WITH c, callers, participants, announcement
ORDER BY announcement.id SKIP 0
WITH c, callers, participants, collect(announcement.id) AS announced_in
RETURN c.id AS call_id, c.date AS date, c.date_qualifier AS date_qualifier,
       c.local_time AS local_time, c.time_zone AS time_zone, c.status AS status, callers,
       participants, announced_in
ORDER BY date, local_time, call_id
