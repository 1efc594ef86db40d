// Question: Which facts happened, and which are only planned, announced, demanded, hoped for or not reached?
// Parameters:
//   status: string = null   -- occurred, planned, announced, demanded, hoped or not_reached (null: all)
// Example: kg query facts_by_status -p status=planned
// Returns: one row per event or agreement with that status, oldest first (undated last): its id,
//   its name, its date and its status, and what became of a plan: the ids of the events that
//   realise it (REALISES), with their status.
MATCH (f:Call|Negotiation|Announcement|Demand|Endorsement|MediationOffer|Proposal|MilitaryAction|Withdrawal|Ceasefire|Conflict|PublicStatement|Appeal|Consultation|Rapprochement|Collaboration|AidProvision|Concession|Investigation|GeneralDemand|Disapproval|Rejection|Threat|Protest|ForcePosture|Downgrade|Coercion|Assault|MassViolence|Agreement)
WHERE f.status = coalesce($status, f.status)
OPTIONAL MATCH (f)<-[:REALISES]-(r)
WITH f, r
ORDER BY r.id SKIP 0
WITH f, collect(r.id) AS realised_by, collect(r.status) AS realised_status
RETURN f.id AS fact, f.name AS name, f.date AS date, f.status AS status, realised_by,
       realised_status
ORDER BY date, fact
