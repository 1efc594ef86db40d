// Question: How connected is each actor in the interaction network?
// Parameters:
//   min_degree: integer = 1   -- leave out actors with fewer interactions than this (0: every actor)
// Example: kg query interaction_degree -p min_degree=2
// Returns: one row per actor, most connected first (ties by id): its id and name, its number of
//   interactions (INTERACTS_WITH, one per event and pair of actors) it initiated (out_degree),
//   that another actor initiated (in_degree), and whose initiator no source names
//   (undirected_degree: directed is false, so neither end initiated it), their sum (the degree),
//   and the number of distinct actors it interacts with.
// Plan: partners are counted as distinct nodes, not distinct ids: LadybugDB would read the id of
//   every partner of every interaction (3.2 million at 1,000,000 events) and hash the strings.
//   The undirected interactions are counted in the same pass as the degree.
MATCH (a:Person|Country|Organisation)
OPTIONAL MATCH (a)-[r:INTERACTS_WITH]-(partner:Person|Country|Organisation)
WITH a, count(r) AS degree, count(DISTINCT partner) AS partners,
     count(CASE WHEN r.directed = false THEN 1 END) AS undirected_degree
WHERE degree >= $min_degree
RETURN a.id AS actor, a.name AS name,
       COUNT { MATCH (a)-[d:INTERACTS_WITH]->() WHERE d.directed } AS out_degree,
       COUNT { MATCH (a)<-[d:INTERACTS_WITH]-() WHERE d.directed } AS in_degree,
       undirected_degree, degree, partners
ORDER BY degree DESC, actor
