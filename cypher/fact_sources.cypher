// Question: What exact words is a fact read from, and who says so, through which chain of sources?
// Parameters:
//   fact: string = "demand-withdrawal-2025-05-16"   -- id of an event or agreement
// Example: kg query fact_sources -p fact=call-rubio-lavrov-2025-05-17
// Returns: one row per source in the fact's attribution chain: the fact's id, its quote with the
//   quote's offsets and document, the source the fact is stated by (ACCORDING_TO), how many CITES
//   steps further down the chain this row's source is (0: that source itself), this row's source
//   with its publication date and its authors by name, and the ids of the sources that cite it.
MATCH (f:Call|Negotiation|Announcement|Demand|Endorsement|MediationOffer|Proposal|MilitaryAction|Withdrawal|Ceasefire|Conflict|PublicStatement|Appeal|Consultation|Rapprochement|Collaboration|AidProvision|Concession|Investigation|GeneralDemand|Disapproval|Rejection|Threat|Protest|ForcePosture|Downgrade|Coercion|Assault|MassViolence|Agreement {id: $fact})-[:ACCORDING_TO]->(stated_by)
MATCH chain = (stated_by)-[:CITES*0..5]->(s)
WITH f, stated_by, s, min(length(chain)) AS depth
OPTIONAL MATCH (s)-[:AUTHORED_BY]->(author)
WITH f, stated_by, s, depth, author
ORDER BY author.name, author.id SKIP 0
WITH f, stated_by, s, depth, collect(author.name) AS authors
OPTIONAL MATCH (citing)-[:CITES]->(s)
WITH f, stated_by, s, depth, authors, citing
ORDER BY citing.id SKIP 0
WITH f, stated_by, s, depth, authors, collect(citing.id) AS cited_by
RETURN f.id AS fact, f.quote AS quote, f.quote_start AS quote_start, f.quote_end AS quote_end,
       f.document AS document, stated_by.id AS according_to, depth, s.id AS source,
       s.published AS published, authors, cited_by
ORDER BY according_to, depth, source
