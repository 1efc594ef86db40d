// Question: What has each source said about a fact, and when: its status, date and time, and the exact words?
// Parameters:
//   fact: string = "call-trump-putin-2025-05-19"   -- id of an event or agreement
// Example: kg query fact_history -p fact=call-trump-putin-2025-05-19
// Returns: one row per source document that describes the fact, in publication order: the fact's
//   id, the document and its publication date, the status, date, date precision, local time,
//   time zone and UTC instant that document gives, and its quote with the quote's offsets. A fact
//   one document describes is its own claim (one row); past one, each document's claim is a
//   Claim node linked by HAS_CLAIM.
MATCH (f:Call|Negotiation|Announcement|Demand|Endorsement|MediationOffer|Proposal|MilitaryAction|Withdrawal|Ceasefire|Conflict|PublicStatement|Appeal|Consultation|Rapprochement|Collaboration|AidProvision|Concession|Investigation|GeneralDemand|Disapproval|Rejection|Threat|Protest|ForcePosture|Downgrade|Coercion|Assault|MassViolence|Agreement)
WHERE f.id = $fact
OPTIONAL MATCH (f)-[:HAS_CLAIM]->(c:Claim)
OPTIONAL MATCH (d:Article|Post|Report|OfficialStatement)
WHERE d.id = f.document
RETURN f.id AS fact,
       CASE WHEN c IS NULL THEN f.document ELSE c.document END AS source,
       CASE WHEN c IS NULL THEN d.published ELSE c.published END AS published,
       CASE WHEN c IS NULL THEN f.status ELSE c.status END AS status,
       CASE WHEN c IS NULL THEN f.date ELSE c.date END AS date,
       CASE WHEN c IS NULL THEN f.date_precision ELSE c.date_precision END AS date_precision,
       CASE WHEN c IS NULL THEN f.local_time ELSE c.local_time END AS local_time,
       CASE WHEN c IS NULL THEN f.time_zone ELSE c.time_zone END AS time_zone,
       CASE WHEN c IS NULL THEN f.utc_time ELSE c.utc_time END AS utc_time,
       CASE WHEN c IS NULL THEN f.quote ELSE c.quote END AS quote,
       CASE WHEN c IS NULL THEN f.quote_start ELSE c.quote_start END AS quote_start,
       CASE WHEN c IS NULL THEN f.quote_end ELSE c.quote_end END AS quote_end
ORDER BY published, source
