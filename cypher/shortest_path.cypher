// Question: What is the shortest chain of relations between two actors?
// Parameters:
//   from: string = "marco-rubio"           -- id of the first actor
//   to: string = "volodymyr-zelenskyy"     -- id of the second actor
// Example: kg query shortest_path -p from=sergey-lavrov -p to=donald-trump
// Returns: one row per shortest chain of actors (all of them when several tie), ordered by the ids
//   along the chain: its number of hops, and the ids and names of the actors along it from the
//   first actor to the second. Chains go through actor-to-actor relations in either direction
//   (interactions, positions held, parts and memberships), at most 6 hops; none when an actor is
//   unknown or both are the same. Paths that differ only in which of several relations between
//   the same two actors they follow (two actors interact once per event) make one row.
// Engines: shortest paths are a dialect feature (allShortestPaths in Neo4j, ALL SHORTEST in
//   LadybugDB), so the text is in shortest_path.ladybug.cypher and shortest_path.neo4j.cypher.
