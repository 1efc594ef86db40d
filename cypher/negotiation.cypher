// Question: Who took part in a negotiation, where and when, and what came out of it?
// Parameters:
//   negotiation: string = "negotiation-istanbul-2025-05-16"   -- id of the Negotiation
// Example: kg query negotiation -p negotiation=negotiation-istanbul-2025-05-16
// Returns: one row per outcome (agreement) of the negotiation, or one row with no outcome: the
//   negotiation's id, date, status and "first since" date, its parties and venues by name, and the
//   outcome's id, name and status (occurred: concluded; not_reached: failed).
MATCH (n:Negotiation {id: $negotiation})
OPTIONAL MATCH (n)-[:HAS_INITIATOR|HAS_PARTICIPANT]->(party)
WITH DISTINCT n, party
ORDER BY party.name, party.id SKIP 0
WITH n, collect(party.name) AS parties
OPTIONAL MATCH (n)-[:HAS_PLACE]->(place)
WITH n, parties, place
ORDER BY place.name, place.id SKIP 0
WITH n, parties, collect(place.name) AS venues
OPTIONAL MATCH (n)-[:HAS_OUTCOME]->(agreement)
RETURN n.id AS negotiation, n.date AS date, n.status AS status, n.first_since AS first_since,
       parties, venues, agreement.id AS outcome, agreement.name AS outcome_name,
       agreement.status AS outcome_status
ORDER BY outcome
