// Question: Who holds which office, in which country or organisation?
// Parameters:
//   institution: string = null   -- id of a Country or Organisation (null: all)
// Example: kg query offices -p institution=russia
// Returns: one row per office held, by institution then person: the institution's id, the
//   person's id and name, the office in English and in French, and the words of the source that
//   say so.
MATCH (p:Person)-[h:HOLDS_POSITION]->(i:Country|Organisation)
WHERE i.id = coalesce($institution, i.id)
RETURN i.id AS institution, p.id AS person, p.name AS name, h.position AS position,
       h.position_fr AS position_fr, h.quote AS quote
ORDER BY institution, person
