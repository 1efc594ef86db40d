// Question: Which dates were worked out from relative words (vendredi, la veille, lundi), and how?
// Parameters: none
// Example: kg query date_resolutions
// Returns: one row per event or agreement whose date was resolved from the publication date, by
//   date: its id, date, end date, precision and qualifier, and the recorded resolution.
MATCH (f:Call|Negotiation|Announcement|Demand|Endorsement|MediationOffer|Proposal|MilitaryAction|Withdrawal|Ceasefire|Conflict|PublicStatement|Appeal|Consultation|Rapprochement|Collaboration|AidProvision|Concession|Investigation|GeneralDemand|Disapproval|Rejection|Threat|Protest|ForcePosture|Downgrade|Coercion|Assault|MassViolence|Agreement)
WHERE f.date_resolution IS NOT NULL
RETURN f.id AS fact, f.date AS date, f.date_end AS date_end, f.date_precision AS date_precision,
       f.date_qualifier AS date_qualifier, f.date_resolution AS date_resolution
ORDER BY date, fact
