// Question: Who is in touch with both sides of a conflict without belonging to either?
// Parameters:
//   conflict: string = "russian-invasion-of-ukraine"   -- id of the Conflict
// Example: kg query mediators -p conflict=russian-invasion-of-ukraine
// Returns: one row per mediator and pair of sides: the mediator's id and name, and for each side
//   (a belligerent of the conflict) its id and the ids of the members of that side the mediator
//   interacts with. A side is a belligerent together with the persons who hold a position in it
//   and the organisations that are part of it; a mediator is an actor on no side that interacts
//   (INTERACTS_WITH, either direction) with members of two sides.
// Plan: the members of each side are matched first, the interactions are expanded from them, and
//   the rows are made distinct per (side, contact, mediator) before anything else, so the
//   interactions of busy actors (one relationship per event) never multiply. A member with no
//   interaction can be nobody's mediator, so the members to leave out are the contacts found.
MATCH (c:Conflict {id: $conflict})-[:HAS_BELLIGERENT]->(side)<-[:HOLDS_POSITION|PART_OF*0..1]-(member)
WITH side.id AS side, member
MATCH (member)-[:INTERACTS_WITH]-(candidate)
WITH DISTINCT side, member.id AS contact, candidate.id AS mediator, candidate.name AS name
WITH collect(DISTINCT contact) AS members,
     collect({side: side, contact: contact, mediator: mediator, name: name}) AS found
UNWIND found AS f
WITH members, f.side AS side, f.contact AS contact, f.mediator AS mediator, f.name AS name
WHERE NOT mediator IN members
WITH side, contact, mediator, name
ORDER BY contact SKIP 0
WITH mediator, name, side, collect(contact) AS contacts
WITH mediator, name, collect({side: side, contacts: contacts}) AS sides
UNWIND sides AS a
UNWIND sides AS b
WITH mediator, name, a, b
WHERE a.side < b.side
RETURN mediator, name, a.side AS side_a, a.contacts AS contacts_a, b.side AS side_b,
       b.contacts AS contacts_b
ORDER BY mediator, side_a, side_b
