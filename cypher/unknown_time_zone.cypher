// Question: Which facts have a local time whose time zone the source does not give?
// Parameters: none
// Example: kg query unknown_time_zone
// Returns: one row per event or agreement with a local time and an unknown (or missing) time zone,
//   by date: its id, date, local time, time zone, status, and how its date was read from the text.
//   Such times are kept as the source wrote them and never turned into an instant.
MATCH (f:Call|Negotiation|Announcement|Demand|Endorsement|MediationOffer|Proposal|MilitaryAction|Withdrawal|Ceasefire|Conflict|PublicStatement|Appeal|Consultation|Rapprochement|Collaboration|AidProvision|Concession|Investigation|GeneralDemand|Disapproval|Rejection|Threat|Protest|ForcePosture|Downgrade|Coercion|Assault|MassViolence|Agreement)
WHERE f.local_time IS NOT NULL AND (f.time_zone IS NULL OR f.time_zone = 'unknown')
RETURN f.id AS fact, f.date AS date, f.local_time AS local_time, f.time_zone AS time_zone,
       f.status AS status, f.date_resolution AS date_resolution
ORDER BY date, local_time, fact
