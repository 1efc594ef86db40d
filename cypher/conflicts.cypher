// Question: Which facts do sources of the same day disagree on, on what, and who says what?
// Parameters: none
// Example: kg query conflicts
// Returns: one row per claim that is one side of a conflict: the fact's id and name, the
//   properties disputed (the fact keeps what earlier days said on them), the claim's document and
//   publication date, and the status, date, local time and time zone it gives.
MATCH (f:Call|Negotiation|Announcement|Demand|Endorsement|MediationOffer|Proposal|MilitaryAction|Withdrawal|Ceasefire|Conflict|PublicStatement|Appeal|Consultation|Rapprochement|Collaboration|AidProvision|Concession|Investigation|GeneralDemand|Disapproval|Rejection|Threat|Protest|ForcePosture|Downgrade|Coercion|Assault|MassViolence|Agreement)-[:HAS_CLAIM]->(c:Claim)
WHERE size(c.conflicts) > 0
RETURN f.id AS fact, f.name AS name, c.conflicts AS disputed, c.document AS source,
       c.published AS published, c.status AS status, c.date AS date, c.local_time AS local_time,
       c.time_zone AS time_zone
ORDER BY fact, published, source
