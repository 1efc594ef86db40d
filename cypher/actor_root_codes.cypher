// Question: Of which CAMEO root codes are an actor's events, how many of each, and how many did it initiate?
// Parameters:
//   actor: string = "russia"   -- id of a Person, Country or Organisation
// Example: kg query actor_root_codes -p actor=donald-trump
// Returns: one row per CAMEO root code (the first two digits of the event's code) of the events
//   the actor is an initiator, participant or target of, most frequent first: the root code, the
//   number of events, and how many of them the actor initiated.
MATCH (a:Person|Country|Organisation {id: $actor})
MATCH (e)-[:HAS_INITIATOR|HAS_PARTICIPANT|HAS_TARGET]->(a)
WHERE e.cameo_code IS NOT NULL
WITH DISTINCT a, e
WITH left(e.cameo_code, 2) AS root_code,
     CASE WHEN EXISTS { MATCH (e)-[:HAS_INITIATOR]->(a) } THEN 1 ELSE 0 END AS initiated
RETURN root_code, count(*) AS events, sum(initiated) AS initiated
ORDER BY events DESC, root_code
