// Question: Which actor interacts with which, through which event, when and with what status?
// Parameters:
//   status: string = null   -- only interactions whose event has this status (null: all)
// Example: kg query interactions -p status=occurred
// Returns: one row per actor-to-actor interaction (INTERACTS_WITH, derived from the events' actor
//   roles), by date: the source and target actors' ids, the event's id and class, its date, its
//   status, and whether it is directed. This is the edge list of the interaction network. A
//   directed interaction goes from the initiator a source names; when no source names one,
//   directed is false and source is only the event's first participant: read the row as an
//   undirected edge between source and target.
MATCH (a:Person|Country|Organisation)-[r:INTERACTS_WITH]->(b:Person|Country|Organisation)
WHERE r.status = coalesce($status, r.status)
RETURN a.id AS source, b.id AS target, r.event AS event, r.event_type AS event_type,
       r.date AS date, r.status AS status, r.directed AS directed
ORDER BY date, event, source, target
