// Question: Which pairs of actors interact the most, in how many events?
// Parameters:
//   top: integer = 10   -- how many pairs to return
// Example: kg query busiest_pairs -p top=5
// Returns: one row per pair of actors (the smaller id first, whoever initiated), busiest first
//   (ties by ids): both ids and names and the number of events they interact in.
MATCH (a:Person|Country|Organisation)-[r:INTERACTS_WITH]->(b:Person|Country|Organisation)
WITH CASE WHEN a.id < b.id THEN a ELSE b END AS first,
     CASE WHEN a.id < b.id THEN b ELSE a END AS second, r.event AS event
WITH first, second, count(DISTINCT event) AS events
RETURN first.id AS actor, first.name AS name, second.id AS partner, second.name AS partner_name,
       events
ORDER BY events DESC, actor, partner
LIMIT $top
