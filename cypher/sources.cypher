// Question: What does each source report: its kind, author, platform and the facts it states?
// Parameters: none
// Example: kg query sources
// Returns: one row per source (article, post, report, official statement), by id: its id, its
//   kind (the node label), publication date, authors and platforms by name, the ids of the facts
//   that are stated according to it, and the ids of the sources it cites.
// Engines: the kind of a node is read differently by each engine (label(s) in LadybugDB, label
//   predicates in Neo4j), and each sorts a list as it collects it its own way (list_sort in
//   LadybugDB, an ordered COLLECT subquery in Neo4j), so the text is in sources.ladybug.cypher and
//   sources.neo4j.cypher.
