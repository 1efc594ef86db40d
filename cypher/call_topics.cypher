// Question: What is each phone call about?
// Parameters:
//   call: string = null   -- id of one Call (null: all calls)
// Example: kg query call_topics -p call=call-trump-putin-2025-05-19
// Returns: one row per call and subject (a topic, an event, an agreement or a place), by call then
//   subject: the call's id, date and status, the subject's id and name, and the words of the source
//   that tie the call to the subject when the facts give them.
MATCH (c:Call)-[r:ABOUT]->(about)
WHERE c.id = coalesce($call, c.id)
RETURN c.id AS call_id, c.date AS date, c.status AS status, about.id AS subject,
       about.name AS subject_name, r.quote AS quote
ORDER BY call_id, subject
