// Question: Who is in touch with both sides of a conflict without belonging to either?
// Parameters:
//   conflict: string = "russian-invasion-of-ukraine"   -- id of the Conflict
// Example: kg query mediators -p conflict=russian-invasion-of-ukraine
// Returns: one row per mediator and pair of sides: the mediator's id and name, and for each side
//   (a belligerent of the conflict) its id and the ids of the members of that side the mediator
//   interacts with. A side is a belligerent together with the persons who hold a position in it
//   and the organisations that are part of it; a mediator is an actor on no side that interacts
//   (INTERACTS_WITH, either direction) with members of two sides.
MATCH (c:Conflict {id: $conflict})-[:HAS_BELLIGERENT]->(a)
MATCH (c)-[:HAS_BELLIGERENT]->(b)
WHERE a.id < b.id
MATCH (a)<-[:HOLDS_POSITION|PART_OF*0..1]-(contact_a)-[:INTERACTS_WITH]-(candidate)
WHERE NOT EXISTS { MATCH (c)-[:HAS_BELLIGERENT]->()<-[:HOLDS_POSITION|PART_OF*0..1]-(candidate) }
  AND EXISTS { MATCH (b)<-[:HOLDS_POSITION|PART_OF*0..1]-()-[:INTERACTS_WITH]-(candidate) }
WITH DISTINCT a, b, candidate, contact_a
ORDER BY contact_a.id SKIP 0
WITH a, b, candidate, collect(contact_a.id) AS contacts_a
MATCH (b)<-[:HOLDS_POSITION|PART_OF*0..1]-(contact_b)-[:INTERACTS_WITH]-(candidate)
WITH DISTINCT a, b, candidate, contacts_a, contact_b
ORDER BY contact_b.id SKIP 0
WITH a, b, candidate, contacts_a, collect(contact_b.id) AS contacts_b
RETURN candidate.id AS mediator, candidate.name AS name, a.id AS side_a, contacts_a, b.id AS side_b,
       contacts_b
ORDER BY mediator, side_a, side_b
