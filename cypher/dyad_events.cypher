// Question: How do two actors deal with each other month by month: how many events, and what Goldstein sum?
// Parameters:
//   a: string = "russia"    -- id of one actor (Person, Country or Organisation)
//   b: string = "ukraine"   -- id of the other actor (the same id twice gives no row)
// Example: kg query dyad_events -p a=russia -p b=ukraine
// Returns: one row per month with an event of both actors (as initiator, participant or target,
//   either way round), oldest first: the month (YYYY-MM), the number of events, how many of them
//   have a score (GDELT's Goldstein scale, else ICEWS's intensity, both from -10 to +10) and the
//   sum of those scores, to two decimals.
MATCH (x:Person|Country|Organisation {id: $a})
MATCH (y:Person|Country|Organisation {id: $b})
WHERE y.id <> x.id
MATCH (x)<-[:HAS_INITIATOR|HAS_PARTICIPANT|HAS_TARGET]-(e)-[:HAS_INITIATOR|HAS_PARTICIPANT|HAS_TARGET]->(y)
WHERE e.date IS NOT NULL
WITH DISTINCT e
WITH e, coalesce(e.goldstein, e.intensity) AS score
RETURN left(e.date, 7) AS month, count(e) AS events, count(score) AS scored,
       round(sum(coalesce(score, 0.0)), 2) AS goldstein
ORDER BY month
