// Question: Who called whom, when, with what status, according to which source?
// Parameters:
//   status: string = null   -- only calls with this status: occurred, planned, announced ... (null: all)
// Example: kg query calls -p status=occurred
// Returns: one row per phone call, oldest first: the call's id, the callers (its initiators) and
//   the other participants by name, its date, local time and time zone as the sources give them,
//   the UTC instant where the zone is known (never invented for an unknown one), its status, and the ids of the sources that state it (ACCORDING_TO).
// Engines: each list of a call is sorted as it is collected, which each engine does its own way
//   (list_sort in LadybugDB, an ordered COLLECT subquery in Neo4j), so the text is in
//   calls.ladybug.cypher and calls.neo4j.cypher.
