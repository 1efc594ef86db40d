// Question: In which events does an actor take part, in date order, and in what role?
// Parameters:
//   actor: string = "donald-trump"   -- id of a Person, Country or Organisation
// Example: kg query actor_timeline -p actor=vladimir-putin
// Returns: one row per event the actor is an initiator, participant or target of, oldest first
//   (undated events last): the date and its qualifier, the event's id, name, CAMEO code and status,
//   and the actor's role in it (initiator, else target, else participant).
MATCH (a:Person|Country|Organisation {id: $actor})
MATCH (e)-[:HAS_INITIATOR|HAS_PARTICIPANT|HAS_TARGET]->(a)
WITH DISTINCT a, e
RETURN e.date AS date, e.date_qualifier AS date_qualifier, e.id AS event, e.name AS name,
       e.cameo_code AS cameo_code, e.status AS status,
       CASE
         WHEN EXISTS { MATCH (e)-[:HAS_INITIATOR]->(a) } THEN 'initiator'
         WHEN EXISTS { MATCH (e)-[:HAS_TARGET]->(a) } THEN 'target'
         ELSE 'participant'
       END AS role
ORDER BY date, event
