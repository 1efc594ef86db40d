// Question: Which phone calls are planned or announced after a given day, and not yet carried out?
// Parameters:
//   after: string = "2025-05-17"   -- ISO date (YYYY-MM-DD); only calls dated strictly after it
// Example: kg query upcoming_calls -p after=2025-05-18
// Returns: one row per planned or announced call that no call that occurred realises (REALISES),
//   soonest first: the call's id, its date with its
//   qualifier (on, before, after), local time and time zone, its status, the callers and other
//   participants by name, and the ids of the announcements that made it public.
// Engines: each list of a call is sorted as it is collected, which each engine does its own way
//   (list_sort in LadybugDB, an ordered COLLECT subquery in Neo4j), so the text is in
//   upcoming_calls.ladybug.cypher and upcoming_calls.neo4j.cypher.
