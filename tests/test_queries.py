"""The Cypher query library: headers, parameters, engine texts, and what it answers on the sample.

The expected rows below are written out in full: they document what the graph of the article of
17 May 2025 answers to each question of ``cypher/``. Every query runs on a real LadybugDB store
loaded with the sample facts and, when a Neo4j server is configured (NEO4J_URI), on Neo4j too, and
both must give exactly these rows, in this order.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from kg.errors import QueryError
from kg.facts import load_facts, sample_facts_path
from kg.queries import (
    PARAM_TYPES,
    ParamDef,
    adhoc_query,
    get_query,
    list_queries,
    parse_param,
    parse_query,
    parse_value,
    query_text,
    resolve_parameters,
    run_query,
    split_param,
    used_parameters,
)
from kg.resources import cypher_dir
from kg.stores import STORES

# name -> its parameters as (name, type, default): what `kg query NAME -p ...` accepts.
PARAMETERS: dict[str, list[tuple[str, str, object]]] = {
    "actor_root_codes": [("actor", "string", "russia")],
    "actor_timeline": [("actor", "string", "donald-trump")],
    "busiest_pairs": [("top", "integer", 10)],
    "call_topics": [("call", "string", None)],
    "calls": [("status", "string", None)],
    "conflicts": [],
    "date_resolutions": [],
    "dyad_events": [("a", "string", "russia"), ("b", "string", "ukraine")],
    "fact_history": [("fact", "string", "call-trump-putin-2025-05-19")],
    "fact_sources": [("fact", "string", "demand-withdrawal-2025-05-16")],
    "facts_by_status": [("status", "string", None)],
    "interaction_degree": [("min_degree", "integer", 1)],
    "interactions": [("status", "string", None)],
    "mediators": [("conflict", "string", "russian-invasion-of-ukraine")],
    "negotiation": [("negotiation", "string", "negotiation-istanbul-2025-05-16")],
    "offices": [("institution", "string", None)],
    "shortest_path": [("from", "string", "marco-rubio"), ("to", "string", "volodymyr-zelenskyy")],
    "sources": [],
    "unknown_time_zone": [],
    "upcoming_calls": [("after", "string", "2025-05-17")],
}

# name -> the engines that have their own text for it (every other query has one shared text).
VARIANTS = {
    name: {"ladybug", "neo4j"} for name in ("calls", "shortest_path", "sources", "upcoming_calls")
}

CONFLICTS_COLUMNS = [
    "fact",
    "name",
    "disputed",
    "source",
    "published",
    "status",
    "date",
    "local_time",
    "time_zone",
]
HISTORY_COLUMNS = [
    "fact",
    "source",
    "published",
    "status",
    "date",
    "date_precision",
    "local_time",
    "time_zone",
    "utc_time",
    "quote",
    "quote_start",
    "quote_end",
]
# What each report says of the Monday call, in publication order (the article, then the three
# follow-up reports of kg/data/followups).
HISTORY_ROWS = [
    [
        "call-trump-putin-2025-05-19",
        "article-2025-05-17",
        "2025-05-17",
        "announced",
        "2025-05-19",
        "minute",
        "10:00",
        "unknown",
        None,
        (
            "La conversation aura lieu à 10 heures le lundi 19 mai, "
            "sans que le fuseau horaire soit précisé."
        ),
        386,
        481,
    ],
    [
        "call-trump-putin-2025-05-19",
        "followup-2025-05-19-matin",
        "2025-05-19",
        "announced",
        "2025-05-19",
        "minute",
        "17:00",
        "Europe/Moscow",
        "2025-05-19T14:00:00Z",
        (
            "la conversation téléphonique entre Vladimir Poutine et Donald Trump "
            "se tiendrait dans la journée, à 17h00 heure de Moscou"
        ),
        132,
        253,
    ],
    [
        "call-trump-putin-2025-05-19",
        "followup-2025-05-19-soir",
        "2025-05-19",
        "occurred",
        "2025-05-19",
        "day",
        None,
        None,
        None,
        "Donald Trump et Vladimir Poutine ont eu lundi l'entretien téléphonique annoncé",
        80,
        158,
    ],
    [
        "call-trump-putin-2025-05-19",
        "followup-2025-05-20",
        "2025-05-20",
        "occurred",
        "2025-05-19",
        "day",
        None,
        None,
        None,
        "L'appel de lundi entre Donald Trump et Vladimir Poutine",
        251,
        306,
    ],
]

ROOT_CODES_COLUMNS = ["root_code", "events", "initiated"]
PAIRS_COLUMNS = ["actor", "name", "partner", "partner_name", "events"]
# The five busiest pairs of the article: Russia and Ukraine interact in the Istanbul talks, the
# demanded withdrawal and the hoped-for ceasefire.
PAIRS_ROWS = [
    ["russia", "Russia", "ukraine", "Ukraine", 3],
    ["donald-trump", "Donald Trump", "vladimir-putin", "Vladimir Putin", 2],
    ["donald-trump", "Donald Trump", "nato", "NATO", 1],
    ["donald-trump", "Donald Trump", "volodymyr-zelenskyy", "Volodymyr Zelenskyy", 1],
    ["marco-rubio", "Marco Rubio", "sergey-lavrov", "Sergey Lavrov", 1],
]
DYAD_COLUMNS = ["month", "events", "scored", "goldstein"]

DEFAULT_ANSWERS = {
    # The event data queries (GDELT, ICEWS) asked of the article: its events have CAMEO codes
    # but no Goldstein score or intensity, so none is scored and the sums are 0.0.
    "actor_root_codes": (
        ROOT_CODES_COLUMNS,
        [["03", 1, 0], ["04", 1, 0], ["08", 1, 0], ["10", 1, 1]],
    ),
    "actor_timeline": (
        ["date", "date_qualifier", "event", "name", "cameo_code", "status", "role"],
        [
            [
                "2025-03-18",
                None,
                "call-trump-putin-2025-03-18",
                "Trump-Putin call of 18 March 2025",
                "041",
                "occurred",
                "participant",
            ],
            [
                "2025-05-17",
                None,
                "announcement-trump-truth-social-2025-05-17",
                ("Trump announces on Truth Social a call with Putin on Monday"),
                "036",
                "occurred",
                "initiator",
            ],
            [
                "2025-05-19",
                "after",
                "call-trump-nato-members-after-2025-05-19",
                ("Trump's planned call with several NATO members after the call with Putin"),
                "041",
                "planned",
                "initiator",
            ],
            [
                "2025-05-19",
                None,
                "call-trump-putin-2025-05-19",
                "Trump-Putin call on Monday 19 May at 10:00",
                "041",
                "announced",
                "initiator",
            ],
            [
                "2025-05-19",
                "after",
                "call-trump-zelenskyy-after-2025-05-19",
                ("Trump's planned call with Zelensky after the call with Putin"),
                "041",
                "planned",
                "initiator",
            ],
        ],
    ),
    "busiest_pairs": (
        PAIRS_COLUMNS,
        [
            *PAIRS_ROWS,
            ["russia", "Russia", "united-states", "United States", 1],
            ["russian-armed-forces", "Russian Armed Forces", "ukraine", "Ukraine", 1],
            ["ukraine", "Ukraine", "united-states", "United States", 1],
        ],
    ),
    "call_topics": (
        ["call_id", "date", "status", "subject", "subject_name", "quote"],
        [
            [
                "call-rubio-lavrov-2025-05-17",
                "2025-05-17",
                "occurred",
                "negotiation-istanbul-2025-05-16",
                "Russia-Ukraine direct talks in Istanbul",
                (
                    "Rubio appelle Lavrov pour discuter des résultats des "
                    "négociations russo-ukrainiennes"
                ),
            ],
            [
                "call-trump-putin-2025-05-19",
                "2025-05-19",
                "announced",
                "russian-invasion-of-ukraine",
                "Russian invasion of Ukraine",
                None,
            ],
            [
                "call-trump-putin-2025-05-19",
                "2025-05-19",
                "announced",
                "topic-bilateral-trade",
                "Bilateral trade",
                "et le commerce bilatéral",
            ],
            [
                "call-trump-putin-2025-05-19",
                "2025-05-19",
                "announced",
                "topic-end-of-bloodbath",
                "Ending the bloodbath",
                "les sujets de l'appel seront \"l'arrêt du bain de sang",
            ],
        ],
    ),
    "calls": (
        [
            "call_id",
            "callers",
            "participants",
            "date",
            "local_time",
            "time_zone",
            "utc_time",
            "status",
            "sources",
        ],
        [
            [
                "call-trump-putin-2025-03-18",
                [],
                ["Donald Trump", "Vladimir Putin"],
                "2025-03-18",
                None,
                None,
                None,
                "occurred",
                ["article-2025-05-17"],
            ],
            [
                "call-rubio-lavrov-2025-05-17",
                ["Marco Rubio"],
                ["Sergey Lavrov"],
                "2025-05-17",
                None,
                None,
                None,
                "occurred",
                ["post-rubio-x-2025-05-17", "statement-russian-foreign-ministry-2025-05-17"],
            ],
            [
                "call-trump-nato-members-after-2025-05-19",
                ["Donald Trump"],
                ["NATO"],
                "2025-05-19",
                None,
                None,
                None,
                "planned",
                ["post-trump-truth-social-2025-05-17"],
            ],
            [
                "call-trump-putin-2025-05-19",
                ["Donald Trump"],
                ["Vladimir Putin"],
                "2025-05-19",
                "10:00",
                "unknown",
                None,
                "announced",
                ["post-trump-truth-social-2025-05-17"],
            ],
            [
                "call-trump-zelenskyy-after-2025-05-19",
                ["Donald Trump"],
                ["Volodymyr Zelenskyy"],
                "2025-05-19",
                None,
                None,
                None,
                "planned",
                ["post-trump-truth-social-2025-05-17"],
            ],
        ],
    ),
    # The article is one document: no two sources of one day disagree.
    "conflicts": (CONFLICTS_COLUMNS, []),
    "date_resolutions": (
        ["fact", "date", "date_end", "date_precision", "date_qualifier", "date_resolution"],
        [
            [
                "call-trump-putin-2025-03-18",
                "2025-03-18",
                None,
                "day",
                None,
                ('"le 18 mars" before the publication date 2025-05-17: 2025-03-18.'),
            ],
            [
                "agreement-prisoner-exchange-2025-05-16",
                "2025-05-16",
                None,
                "day",
                None,
                ('"conclus la veille à Istanbul": the day before the publication date 2025-05-17.'),
            ],
            [
                "agreement-truce-2025-05-16",
                "2025-05-16",
                None,
                "day",
                None,
                ('"vendredi": Friday 2025-05-16, the day before the publication date.'),
            ],
            [
                "attacks-russia-ukraine-2025-05-16-night",
                "2025-05-16",
                "2025-05-17",
                "day",
                None,
                (
                    '"dans la nuit de vendredi à samedi" before the '
                    "publication date Saturday 2025-05-17: the night of "
                    "2025-05-16 to 2025-05-17."
                ),
            ],
            [
                "demand-withdrawal-2025-05-16",
                "2025-05-16",
                None,
                "day",
                None,
                ('"vendredi": Friday 2025-05-16, the day before the publication date.'),
            ],
            [
                "negotiation-istanbul-2025-05-16",
                "2025-05-16",
                None,
                "day",
                None,
                (
                    '"vendredi" and "la veille" of the publication date '
                    "2025-05-17 (a Saturday): Friday 2025-05-16."
                ),
            ],
            [
                "announcement-trump-truth-social-2025-05-17",
                "2025-05-17",
                None,
                "day",
                None,
                (
                    '"Au lendemain des pourparlers" of Friday 2025-05-16: '
                    "the publication day 2025-05-17."
                ),
            ],
            [
                "call-rubio-lavrov-2025-05-17",
                "2025-05-17",
                None,
                "day",
                None,
                (
                    '"Quelques heures plus tôt" than Trump\'s post of the '
                    "publication day 2025-05-17."
                ),
            ],
            [
                "call-trump-putin-2025-05-19",
                "2025-05-19",
                None,
                "minute",
                None,
                (
                    '"lundi 19 mai" after the publication date 2025-05-17: '
                    'Monday 2025-05-19; "à 10 heures", "sans que le fuseau '
                    'horaire soit précisé".'
                ),
            ],
        ],
    ),
    # A fact one document describes is its own claim: one row.
    "dyad_events": (DYAD_COLUMNS, [["2025-05", 4, 0, 0.0]]),
    "fact_history": (HISTORY_COLUMNS, [HISTORY_ROWS[0]]),
    "fact_sources": (
        [
            "fact",
            "quote",
            "quote_start",
            "quote_end",
            "document",
            "according_to",
            "depth",
            "source",
            "published",
            "authors",
            "cited_by",
        ],
        [
            [
                "demand-withdrawal-2025-05-16",
                (
                    "les négociateurs russes ont exigé vendredi que "
                    "l'Ukraine retire ses troupes de toutes les régions "
                    "ukrainiennes revendiquées par Moscou avant d'envisager "
                    "un cessez-le-feu"
                ),
                2066,
                2235,
                "article-2025-05-17",
                "report-reuters-2025-05-16",
                0,
                "report-reuters-2025-05-16",
                "2025-05-16",
                ["Reuters"],
                ["article-2025-05-17"],
            ],
            [
                "demand-withdrawal-2025-05-16",
                (
                    "les négociateurs russes ont exigé vendredi que "
                    "l'Ukraine retire ses troupes de toutes les régions "
                    "ukrainiennes revendiquées par Moscou avant d'envisager "
                    "un cessez-le-feu"
                ),
                2066,
                2235,
                "article-2025-05-17",
                "report-reuters-2025-05-16",
                1,
                "statement-senior-ukrainian-official-2025-05-16",
                "2025-05-16",
                ["senior Ukrainian official (unnamed)"],
                ["report-reuters-2025-05-16"],
            ],
        ],
    ),
    "facts_by_status": (
        ["fact", "name", "date", "status", "realised_by", "realised_status"],
        [
            [
                "russian-invasion-of-ukraine",
                "Russian invasion of Ukraine",
                "2022-02",
                "occurred",
                [],
                [],
            ],
            [
                "call-trump-putin-2025-03-18",
                "Trump-Putin call of 18 March 2025",
                "2025-03-18",
                "occurred",
                [],
                [],
            ],
            [
                "agreement-prisoner-exchange-2025-05-16",
                "Russia-Ukraine prisoner exchange agreement",
                "2025-05-16",
                "occurred",
                [],
                [],
            ],
            [
                "agreement-truce-2025-05-16",
                "Russia-Ukraine truce agreement (not reached)",
                "2025-05-16",
                "not_reached",
                [],
                [],
            ],
            [
                "attacks-russia-ukraine-2025-05-16-night",
                "Russian attacks on Ukraine overnight from Friday to Saturday",
                "2025-05-16",
                "occurred",
                [],
                [],
            ],
            [
                "demand-withdrawal-2025-05-16",
                "Russian negotiators demand Ukraine's withdrawal before any ceasefire",
                "2025-05-16",
                "occurred",
                [],
                [],
            ],
            [
                "negotiation-istanbul-2025-05-16",
                "Russia-Ukraine direct talks in Istanbul",
                "2025-05-16",
                "occurred",
                [],
                [],
            ],
            [
                "announcement-trump-truth-social-2025-05-17",
                "Trump announces on Truth Social a call with Putin on Monday",
                "2025-05-17",
                "occurred",
                [],
                [],
            ],
            [
                "call-rubio-lavrov-2025-05-17",
                "Rubio calls Lavrov",
                "2025-05-17",
                "occurred",
                [],
                [],
            ],
            [
                "endorsement-rubio-istanbul-agreements",
                "Rubio welcomes the Istanbul agreements, notably the prisoner exchange",
                "2025-05-17",
                "occurred",
                [],
                [],
            ],
            [
                "mediation-offer-us-2025-05-17",
                "The United States are ready to continue their mediation efforts",
                "2025-05-17",
                "occurred",
                [],
                [],
            ],
            [
                "proposal-us-peace-plan",
                "The United States presented a solid peace plan",
                "2025-05-17",
                "occurred",
                [],
                [],
            ],
            [
                "call-trump-nato-members-after-2025-05-19",
                "Trump's planned call with several NATO members after the call with Putin",
                "2025-05-19",
                "planned",
                [],
                [],
            ],
            [
                "call-trump-putin-2025-05-19",
                "Trump-Putin call on Monday 19 May at 10:00",
                "2025-05-19",
                "announced",
                [],
                [],
            ],
            [
                "call-trump-zelenskyy-after-2025-05-19",
                "Trump's planned call with Zelensky after the call with Putin",
                "2025-05-19",
                "planned",
                [],
                [],
            ],
            [
                "ceasefire-hoped-2025-05-19",
                "Ceasefire between Russia and Ukraine (hoped for by Trump)",
                "2025-05-19",
                "hoped",
                [],
                [],
            ],
            [
                "withdrawal-from-claimed-regions",
                "Ukrainian withdrawal from the regions Moscow claims (demanded)",
                None,
                "demanded",
                [],
                [],
            ],
        ],
    ),
    # The call of 18 March, the Istanbul talks and the hoped ceasefire name no initiator: they
    # count as undirected for both ends, not as initiated by Putin or Russia.
    "interaction_degree": (
        ["actor", "name", "out_degree", "in_degree", "undirected_degree", "degree", "partners"],
        [
            ["ukraine", "Ukraine", 0, 3, 2, 5, 3],
            ["donald-trump", "Donald Trump", 3, 0, 1, 4, 3],
            ["russia", "Russia", 1, 1, 2, 4, 2],
            ["united-states", "United States", 2, 0, 0, 2, 2],
            ["vladimir-putin", "Vladimir Putin", 0, 1, 1, 2, 1],
            ["marco-rubio", "Marco Rubio", 1, 0, 0, 1, 1],
            ["nato", "NATO", 0, 1, 0, 1, 1],
            ["russian-armed-forces", "Russian Armed Forces", 1, 0, 0, 1, 1],
            ["sergey-lavrov", "Sergey Lavrov", 0, 1, 0, 1, 1],
            ["volodymyr-zelenskyy", "Volodymyr Zelenskyy", 0, 1, 0, 1, 1],
        ],
    ),
    "interactions": (
        ["source", "target", "event", "event_type", "date", "status", "directed"],
        [
            [
                "vladimir-putin",
                "donald-trump",
                "call-trump-putin-2025-03-18",
                "Call",
                "2025-03-18",
                "occurred",
                False,
            ],
            [
                "russian-armed-forces",
                "ukraine",
                "attacks-russia-ukraine-2025-05-16-night",
                "MilitaryAction",
                "2025-05-16",
                "occurred",
                True,
            ],
            [
                "russia",
                "ukraine",
                "demand-withdrawal-2025-05-16",
                "Demand",
                "2025-05-16",
                "occurred",
                True,
            ],
            [
                "russia",
                "ukraine",
                "negotiation-istanbul-2025-05-16",
                "Negotiation",
                "2025-05-16",
                "occurred",
                False,
            ],
            [
                "marco-rubio",
                "sergey-lavrov",
                "call-rubio-lavrov-2025-05-17",
                "Call",
                "2025-05-17",
                "occurred",
                True,
            ],
            [
                "united-states",
                "russia",
                "mediation-offer-us-2025-05-17",
                "MediationOffer",
                "2025-05-17",
                "occurred",
                True,
            ],
            [
                "united-states",
                "ukraine",
                "mediation-offer-us-2025-05-17",
                "MediationOffer",
                "2025-05-17",
                "occurred",
                True,
            ],
            [
                "donald-trump",
                "nato",
                "call-trump-nato-members-after-2025-05-19",
                "Call",
                "2025-05-19",
                "planned",
                True,
            ],
            [
                "donald-trump",
                "vladimir-putin",
                "call-trump-putin-2025-05-19",
                "Call",
                "2025-05-19",
                "announced",
                True,
            ],
            [
                "donald-trump",
                "volodymyr-zelenskyy",
                "call-trump-zelenskyy-after-2025-05-19",
                "Call",
                "2025-05-19",
                "planned",
                True,
            ],
            [
                "russia",
                "ukraine",
                "ceasefire-hoped-2025-05-19",
                "Ceasefire",
                "2025-05-19",
                "hoped",
                False,
            ],
        ],
    ),
    "mediators": (
        ["mediator", "name", "side_a", "contacts_a", "side_b", "contacts_b"],
        [
            [
                "donald-trump",
                "Donald Trump",
                "russia",
                ["vladimir-putin"],
                "ukraine",
                ["volodymyr-zelenskyy"],
            ],
            ["united-states", "United States", "russia", ["russia"], "ukraine", ["ukraine"]],
        ],
    ),
    "negotiation": (
        [
            "negotiation",
            "date",
            "status",
            "first_since",
            "parties",
            "venues",
            "outcome",
            "outcome_name",
            "outcome_status",
        ],
        [
            [
                "negotiation-istanbul-2025-05-16",
                "2025-05-16",
                "occurred",
                "2022-03",
                ["Russia", "Ukraine"],
                ["Istanbul"],
                "agreement-prisoner-exchange-2025-05-16",
                "Russia-Ukraine prisoner exchange agreement",
                "occurred",
            ],
            [
                "negotiation-istanbul-2025-05-16",
                "2025-05-16",
                "occurred",
                "2022-03",
                ["Russia", "Ukraine"],
                ["Istanbul"],
                "agreement-truce-2025-05-16",
                "Russia-Ukraine truce agreement (not reached)",
                "not_reached",
            ],
        ],
    ),
    "offices": (
        ["institution", "person", "name", "position", "position_fr", "quote"],
        [
            [
                "russia",
                "sergey-lavrov",
                "Sergey Lavrov",
                "Minister of Foreign Affairs",
                "chef de la diplomatie russe",
                "le chef de la diplomatie russe Sergueï Lavrov",
            ],
            [
                "russia",
                "vladimir-putin",
                "Vladimir Putin",
                "President",
                "président russe",
                "le président russe Vladimir Poutine",
            ],
            [
                "ukraine",
                "senior-ukrainian-official",
                "senior Ukrainian official (unnamed)",
                "senior official",
                "haut responsable ukrainien",
                "un haut responsable ukrainien",
            ],
            [
                "ukraine",
                "volodymyr-zelenskyy",
                "Volodymyr Zelenskyy",
                "President",
                "président ukrainien",
                "au président ukrainien Volodymyr Zelensky",
            ],
            [
                "united-states",
                "donald-trump",
                "Donald Trump",
                "President",
                "président américain",
                "Le président américain Donald Trump",
            ],
            [
                "united-states",
                "marco-rubio",
                "Marco Rubio",
                "Secretary of State",
                "secrétaire d'État américain",
                "le secrétaire d'État américain, Marco Rubio",
            ],
        ],
    ),
    "shortest_path": (
        ["hops", "ids", "names"],
        [
            [
                3,
                ["marco-rubio", "united-states", "donald-trump", "volodymyr-zelenskyy"],
                ["Marco Rubio", "United States", "Donald Trump", "Volodymyr Zelenskyy"],
            ],
            [
                3,
                ["marco-rubio", "united-states", "ukraine", "volodymyr-zelenskyy"],
                ["Marco Rubio", "United States", "Ukraine", "Volodymyr Zelenskyy"],
            ],
        ],
    ),
    "sources": (
        ["source", "kind", "published", "authors", "platforms", "facts", "cites"],
        [
            [
                "article-2025-05-17",
                "Article",
                "2025-05-17",
                [],
                [],
                [
                    "agreement-truce-2025-05-16",
                    "attacks-russia-ukraine-2025-05-16-night",
                    "call-trump-putin-2025-03-18",
                    "negotiation-istanbul-2025-05-16",
                    "russian-invasion-of-ukraine",
                ],
                [
                    "post-rubio-x-2025-05-17",
                    "post-trump-truth-social-2025-05-17",
                    "report-reuters-2025-05-16",
                    "statement-russian-foreign-ministry-2025-05-17",
                ],
            ],
            [
                "post-rubio-x-2025-05-17",
                "Post",
                "2025-05-17",
                ["Marco Rubio"],
                ["X"],
                [
                    "agreement-prisoner-exchange-2025-05-16",
                    "call-rubio-lavrov-2025-05-17",
                    "endorsement-rubio-istanbul-agreements",
                    "proposal-us-peace-plan",
                ],
                [],
            ],
            [
                "post-trump-truth-social-2025-05-17",
                "Post",
                "2025-05-17",
                ["Donald Trump"],
                ["Truth Social"],
                [
                    "announcement-trump-truth-social-2025-05-17",
                    "call-trump-nato-members-after-2025-05-19",
                    "call-trump-putin-2025-05-19",
                    "call-trump-zelenskyy-after-2025-05-19",
                    "ceasefire-hoped-2025-05-19",
                ],
                [],
            ],
            [
                "report-reuters-2025-05-16",
                "Report",
                "2025-05-16",
                ["Reuters"],
                [],
                ["demand-withdrawal-2025-05-16", "withdrawal-from-claimed-regions"],
                ["statement-senior-ukrainian-official-2025-05-16"],
            ],
            [
                "statement-russian-foreign-ministry-2025-05-17",
                "OfficialStatement",
                "2025-05-17",
                ["Ministry of Foreign Affairs of Russia"],
                [],
                [
                    "agreement-prisoner-exchange-2025-05-16",
                    "call-rubio-lavrov-2025-05-17",
                    "endorsement-rubio-istanbul-agreements",
                    "mediation-offer-us-2025-05-17",
                ],
                [],
            ],
            [
                "statement-senior-ukrainian-official-2025-05-16",
                "OfficialStatement",
                "2025-05-16",
                ["senior Ukrainian official (unnamed)"],
                [],
                [],
                [],
            ],
        ],
    ),
    "unknown_time_zone": (
        ["fact", "date", "local_time", "time_zone", "status", "date_resolution"],
        [
            [
                "call-trump-putin-2025-05-19",
                "2025-05-19",
                "10:00",
                "unknown",
                "announced",
                (
                    '"lundi 19 mai" after the publication date 2025-05-17: '
                    'Monday 2025-05-19; "à 10 heures", "sans que le fuseau '
                    'horaire soit précisé".'
                ),
            ],
        ],
    ),
    "upcoming_calls": (
        [
            "call_id",
            "date",
            "date_qualifier",
            "local_time",
            "time_zone",
            "status",
            "callers",
            "participants",
            "announced_in",
        ],
        [
            [
                "call-trump-putin-2025-05-19",
                "2025-05-19",
                None,
                "10:00",
                "unknown",
                "announced",
                ["Donald Trump"],
                ["Vladimir Putin"],
                ["announcement-trump-truth-social-2025-05-17"],
            ],
            [
                "call-trump-nato-members-after-2025-05-19",
                "2025-05-19",
                "after",
                None,
                None,
                "planned",
                ["Donald Trump"],
                ["NATO"],
                ["announcement-trump-truth-social-2025-05-17"],
            ],
            [
                "call-trump-zelenskyy-after-2025-05-19",
                "2025-05-19",
                "after",
                None,
                None,
                "planned",
                ["Donald Trump"],
                ["Volodymyr Zelenskyy"],
                ["announcement-trump-truth-social-2025-05-17"],
            ],
        ],
    ),
}
OVERRIDE_ANSWERS = [
    (
        "actor_root_codes",
        {"actor": "donald-trump"},
        ROOT_CODES_COLUMNS,
        [["04", 4, 3], ["03", 1, 1]],
    ),
    ("busiest_pairs", {"top": "5"}, PAIRS_COLUMNS, PAIRS_ROWS),
    ("busiest_pairs", {"top": "0"}, PAIRS_COLUMNS, []),
    ("dyad_events", {"a": "russia", "b": "united-states"}, DYAD_COLUMNS, [["2025-05", 1, 0, 0.0]]),
    # The call of 18 March and the Monday call, whoever initiated them.
    (
        "dyad_events",
        {"a": "vladimir-putin", "b": "donald-trump"},
        DYAD_COLUMNS,
        [["2025-03", 1, 0, 0.0], ["2025-05", 1, 0, 0.0]],
    ),
    ("dyad_events", {"a": "russia", "b": "russia"}, DYAD_COLUMNS, []),
    (
        "calls",
        {"status": "planned"},
        [
            "call_id",
            "callers",
            "participants",
            "date",
            "local_time",
            "time_zone",
            "utc_time",
            "status",
            "sources",
        ],
        [
            [
                "call-trump-nato-members-after-2025-05-19",
                ["Donald Trump"],
                ["NATO"],
                "2025-05-19",
                None,
                None,
                None,
                "planned",
                ["post-trump-truth-social-2025-05-17"],
            ],
            [
                "call-trump-zelenskyy-after-2025-05-19",
                ["Donald Trump"],
                ["Volodymyr Zelenskyy"],
                "2025-05-19",
                None,
                None,
                None,
                "planned",
                ["post-trump-truth-social-2025-05-17"],
            ],
        ],
    ),
    (
        "facts_by_status",
        {"status": "not_reached"},
        ["fact", "name", "date", "status", "realised_by", "realised_status"],
        [
            [
                "agreement-truce-2025-05-16",
                "Russia-Ukraine truce agreement (not reached)",
                "2025-05-16",
                "not_reached",
                [],
                [],
            ]
        ],
    ),
    (
        "interaction_degree",
        {"min_degree": "3"},
        ["actor", "name", "out_degree", "in_degree", "undirected_degree", "degree", "partners"],
        [
            ["ukraine", "Ukraine", 0, 3, 2, 5, 3],
            ["donald-trump", "Donald Trump", 3, 0, 1, 4, 3],
            ["russia", "Russia", 1, 1, 2, 4, 2],
        ],
    ),
    (
        "upcoming_calls",
        {"after": "2025-05-19"},
        [
            "call_id",
            "date",
            "date_qualifier",
            "local_time",
            "time_zone",
            "status",
            "callers",
            "participants",
            "announced_in",
        ],
        [],
    ),
    (
        "shortest_path",
        {"from": "sergey-lavrov", "to": "donald-trump"},
        ["hops", "ids", "names"],
        [
            [
                3,
                ["sergey-lavrov", "marco-rubio", "united-states", "donald-trump"],
                ["Sergey Lavrov", "Marco Rubio", "United States", "Donald Trump"],
            ],
            [
                3,
                ["sergey-lavrov", "russia", "united-states", "donald-trump"],
                ["Sergey Lavrov", "Russia", "United States", "Donald Trump"],
            ],
            # Putin and Trump interact twice (two calls): one chain, one row.
            [
                3,
                ["sergey-lavrov", "russia", "vladimir-putin", "donald-trump"],
                ["Sergey Lavrov", "Russia", "Vladimir Putin", "Donald Trump"],
            ],
        ],
    ),
    (
        "shortest_path",
        {"from": "nobody", "to": "donald-trump"},
        ["hops", "ids", "names"],
        [],
    ),
    (
        "shortest_path",
        {"from": "nato", "to": "nato"},
        ["hops", "ids", "names"],
        [],
    ),
    (
        "actor_timeline",
        {"actor": "ukraine"},
        ["date", "date_qualifier", "event", "name", "cameo_code", "status", "role"],
        [
            [
                "2025-05-16",
                None,
                "attacks-russia-ukraine-2025-05-16-night",
                ("Russian attacks on Ukraine overnight from Friday to Saturday"),
                "190",
                "occurred",
                "target",
            ],
            [
                "2025-05-16",
                None,
                "demand-withdrawal-2025-05-16",
                ("Russian negotiators demand Ukraine's withdrawal before any ceasefire"),
                "105",
                "occurred",
                "target",
            ],
            [
                "2025-05-16",
                None,
                "negotiation-istanbul-2025-05-16",
                "Russia-Ukraine direct talks in Istanbul",
                "046",
                "occurred",
                "participant",
            ],
            [
                "2025-05-17",
                None,
                "mediation-offer-us-2025-05-17",
                ("The United States are ready to continue their mediation efforts"),
                "039",
                "occurred",
                "target",
            ],
            [
                "2025-05-19",
                None,
                "ceasefire-hoped-2025-05-19",
                "Ceasefire between Russia and Ukraine (hoped for by Trump)",
                "0871",
                "hoped",
                "participant",
            ],
            [
                None,
                None,
                "withdrawal-from-claimed-regions",
                ("Ukrainian withdrawal from the regions Moscow claims (demanded)"),
                "0874",
                "demanded",
                "initiator",
            ],
        ],
    ),
    (
        "fact_sources",
        {"fact": "call-rubio-lavrov-2025-05-17"},
        [
            "fact",
            "quote",
            "quote_start",
            "quote_end",
            "document",
            "according_to",
            "depth",
            "source",
            "published",
            "authors",
            "cited_by",
        ],
        [
            [
                "call-rubio-lavrov-2025-05-17",
                ("Marco Rubio, a appelé le chef de la diplomatie russe Sergueï Lavrov"),
                1126,
                1193,
                "article-2025-05-17",
                "post-rubio-x-2025-05-17",
                0,
                "post-rubio-x-2025-05-17",
                "2025-05-17",
                ["Marco Rubio"],
                ["article-2025-05-17"],
            ],
            [
                "call-rubio-lavrov-2025-05-17",
                ("Marco Rubio, a appelé le chef de la diplomatie russe Sergueï Lavrov"),
                1126,
                1193,
                "article-2025-05-17",
                "statement-russian-foreign-ministry-2025-05-17",
                0,
                "statement-russian-foreign-ministry-2025-05-17",
                "2025-05-17",
                ["Ministry of Foreign Affairs of Russia"],
                ["article-2025-05-17"],
            ],
        ],
    ),
    (
        "negotiation",
        {"negotiation": "no-such-negotiation"},
        [
            "negotiation",
            "date",
            "status",
            "first_since",
            "parties",
            "venues",
            "outcome",
            "outcome_name",
            "outcome_status",
        ],
        [],
    ),
    (
        "offices",
        {"institution": "russia"},
        ["institution", "person", "name", "position", "position_fr", "quote"],
        [
            [
                "russia",
                "sergey-lavrov",
                "Sergey Lavrov",
                "Minister of Foreign Affairs",
                "chef de la diplomatie russe",
                "le chef de la diplomatie russe Sergueï Lavrov",
            ],
            [
                "russia",
                "vladimir-putin",
                "Vladimir Putin",
                "President",
                "président russe",
                "le président russe Vladimir Poutine",
            ],
        ],
    ),
    (
        "call_topics",
        {"call": "call-rubio-lavrov-2025-05-17"},
        ["call_id", "date", "status", "subject", "subject_name", "quote"],
        [
            [
                "call-rubio-lavrov-2025-05-17",
                "2025-05-17",
                "occurred",
                "negotiation-istanbul-2025-05-16",
                "Russia-Ukraine direct talks in Istanbul",
                (
                    "Rubio appelle Lavrov pour discuter des résultats des "
                    "négociations russo-ukrainiennes"
                ),
            ],
        ],
    ),
    (
        "interactions",
        {"status": "planned"},
        ["source", "target", "event", "event_type", "date", "status", "directed"],
        [
            [
                "donald-trump",
                "nato",
                "call-trump-nato-members-after-2025-05-19",
                "Call",
                "2025-05-19",
                "planned",
                True,
            ],
            [
                "donald-trump",
                "volodymyr-zelenskyy",
                "call-trump-zelenskyy-after-2025-05-19",
                "Call",
                "2025-05-19",
                "planned",
                True,
            ],
        ],
    ),
]

# After the follow-up reports (kg/data/followups): the Monday call occurred at 17:00 Moscow time
# (14:00 UTC), one call with Zelensky and European leaders carried out the article's two planned
# calls (REALISES), so no call is upcoming any more, and no two reports of one day disagree.
GROWN_ANSWERS = [
    ("fact_history", {}, HISTORY_COLUMNS, HISTORY_ROWS),
    ("conflicts", {}, CONFLICTS_COLUMNS, []),
    (
        "calls",
        {},
        [
            "call_id",
            "callers",
            "participants",
            "date",
            "local_time",
            "time_zone",
            "utc_time",
            "status",
            "sources",
        ],
        [
            [
                "call-trump-putin-2025-03-18",
                [],
                ["Donald Trump", "Vladimir Putin"],
                "2025-03-18",
                None,
                None,
                None,
                "occurred",
                ["article-2025-05-17"],
            ],
            [
                "call-rubio-lavrov-2025-05-17",
                ["Marco Rubio"],
                ["Sergey Lavrov"],
                "2025-05-17",
                None,
                None,
                None,
                "occurred",
                ["post-rubio-x-2025-05-17", "statement-russian-foreign-ministry-2025-05-17"],
            ],
            [
                "call-starmer-leaders-2025-05-18",
                ["Keir Starmer"],
                ["France", "Germany", "Italy", "United States"],
                "2025-05-18",
                None,
                None,
                None,
                "occurred",
                ["statement-downing-street-2025-05-18"],
            ],
            [
                "call-trump-nato-members-after-2025-05-19",
                ["Donald Trump"],
                ["NATO"],
                "2025-05-19",
                None,
                None,
                None,
                "planned",
                ["post-trump-truth-social-2025-05-17"],
            ],
            [
                "call-trump-putin-2025-05-19",
                ["Donald Trump"],
                ["Vladimir Putin"],
                "2025-05-19",
                "17:00",
                "Europe/Moscow",
                "2025-05-19T14:00:00Z",
                "occurred",
                [
                    "followup-2025-05-20",
                    "post-trump-truth-social-2025-05-17",
                    "report-reuters-2025-05-19",
                    "statement-kremlin-peskov-2025-05-19",
                ],
            ],
            [
                "call-trump-zelenskyy-after-2025-05-19",
                ["Donald Trump"],
                ["Volodymyr Zelenskyy"],
                "2025-05-19",
                None,
                None,
                None,
                "planned",
                ["post-trump-truth-social-2025-05-17"],
            ],
            [
                "call-trump-zelenskyy-european-leaders-2025-05-19",
                ["Donald Trump"],
                [
                    "Alexander Stubb",
                    "Friedrich Merz",
                    "Ursula von der Leyen",
                    "Volodymyr Zelenskyy",
                ],
                "2025-05-19",
                None,
                None,
                None,
                "occurred",
                ["followup-2025-05-19-soir"],
            ],
        ],
    ),
    (
        "upcoming_calls",
        {"after": "2025-05-17"},
        [
            "call_id",
            "date",
            "date_qualifier",
            "local_time",
            "time_zone",
            "status",
            "callers",
            "participants",
            "announced_in",
        ],
        [],
    ),
    (
        "facts_by_status",
        {"status": "planned"},
        ["fact", "name", "date", "status", "realised_by", "realised_status"],
        [
            [
                "call-trump-nato-members-after-2025-05-19",
                "Trump's planned call with several NATO members after the call with Putin",
                "2025-05-19",
                "planned",
                ["call-trump-zelenskyy-european-leaders-2025-05-19"],
                ["occurred"],
            ],
            [
                "call-trump-zelenskyy-after-2025-05-19",
                "Trump's planned call with Zelensky after the call with Putin",
                "2025-05-19",
                "planned",
                ["call-trump-zelenskyy-european-leaders-2025-05-19"],
                ["occurred"],
            ],
            [
                "proposal-russia-ceasefire-conditions",
                "Russia's conditions for a ceasefire in Ukraine, expected by Rubio within days",
                "2025-05-20",
                "planned",
                [],
                [],
            ],
        ],
    ),
]

# Two reports of Sunday 18 May, written below, disagree on the status of the Monday call: both
# claims are listed, and the call keeps what the article said the day before.
DISPUTED_ANSWERS = [
    (
        "conflicts",
        {},
        CONFLICTS_COLUMNS,
        [
            [
                "call-trump-putin-2025-05-19",
                "Trump-Putin call on Monday 19 May at 10:00",
                ["status"],
                source,
                "2025-05-18",
                status,
                None,
                None,
                None,
            ]
            for source, status in (("says-hoped", "hoped"), ("says-planned", "planned"))
        ],
    ),
    (
        "fact_history",
        {},
        HISTORY_COLUMNS,
        [
            HISTORY_ROWS[0],
            ["call-trump-putin-2025-05-19", "says-hoped", "2025-05-18", "hoped"] + [None] * 8,
            ["call-trump-putin-2025-05-19", "says-planned", "2025-05-18", "planned"] + [None] * 8,
        ],
    ),
    (
        "facts_by_status",
        {"status": "announced"},
        ["fact", "name", "date", "status", "realised_by", "realised_status"],
        [
            [
                "call-trump-putin-2025-05-19",
                "Trump-Putin call on Monday 19 May at 10:00",
                "2025-05-19",
                "announced",
                [],
                [],
            ]
        ],
    ),
]


# ------------------------------------------------------------------------------------ stores


@pytest.fixture(scope="module")
def ladybug_sample(tmp_path_factory):
    from kg.stores.ladybug import LadybugStore

    store = LadybugStore(tmp_path_factory.mktemp("queries") / "kg.lbug")
    store.load(load_facts(sample_facts_path()))
    yield store
    store.close()


class _Neo4jDatabase:
    """The tests' one Neo4j database, holding one graph at a time: the sample or the corpus."""

    def __init__(self, config):
        from kg.stores.neo4j import Neo4jStore

        self.config = config
        self.store = Neo4jStore(config)
        self.holds: str | None = None

    def holding(self, name, graph):
        if self.holds != name:
            from conftest import wipe_neo4j

            wipe_neo4j(self.config)
            self.holds = None
            self.store.load(graph)
            self.holds = name
        return self.store


@pytest.fixture(scope="module")
def neo4j_database(neo4j_config):
    database = _Neo4jDatabase(neo4j_config)
    yield database
    database.store.close()


@pytest.fixture
def neo4j_sample(neo4j_database):
    return neo4j_database.holding("sample", load_facts(sample_facts_path()))


@pytest.fixture(params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def sample_store(request):
    return request.getfixturevalue(f"{request.param}_sample")


FOLLOWUPS = sorted((sample_facts_path().parent / "followups").glob("*.facts.yaml"))

DISPUTING_REPORT = """\
kg: 1
document:
  id: {name}
  type: Article
  text: {name}.txt
  name: Report {name}
  published: "2025-05-18"
nodes:
  - id: call-trump-putin-2025-05-19
    type: Call
    name: Trump-Putin call on Monday 19 May at 10:00
    status: {status}
"""


def _ladybug_store(folder, graph):
    from kg.stores.ladybug import LadybugStore

    store = LadybugStore(folder / "kg.lbug")
    store.load(graph)
    return store


@pytest.fixture(scope="module")
def grown_graph():
    """The article and its three follow-up reports."""
    return load_facts(sample_facts_path(), *FOLLOWUPS)


@pytest.fixture(scope="module")
def disputed_graph(tmp_path_factory):
    """The article and two reports of one day that disagree on the status of a call."""
    folder = tmp_path_factory.mktemp("disputed")
    paths = []
    for name, status in (("says-planned", "planned"), ("says-hoped", "hoped")):
        (folder / f"{name}.txt").write_text("Texte du rapport.", encoding="utf-8")
        path = folder / f"{name}.facts.yaml"
        path.write_text(DISPUTING_REPORT.format(name=name, status=status), encoding="utf-8")
        paths.append(path)
    return load_facts(sample_facts_path(), *paths)


@pytest.fixture(scope="module")
def ladybug_grown(tmp_path_factory, grown_graph):
    store = _ladybug_store(tmp_path_factory.mktemp("grown"), grown_graph)
    yield store
    store.close()


@pytest.fixture(scope="module")
def ladybug_disputed(tmp_path_factory, disputed_graph):
    store = _ladybug_store(tmp_path_factory.mktemp("disputed-store"), disputed_graph)
    yield store
    store.close()


@pytest.fixture
def neo4j_grown(neo4j_database, grown_graph):
    return neo4j_database.holding("grown", grown_graph)


@pytest.fixture
def neo4j_disputed(neo4j_database, disputed_graph):
    return neo4j_database.holding("disputed", disputed_graph)


@pytest.fixture(params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def grown_store(request):
    return request.getfixturevalue(f"{request.param}_grown")


@pytest.fixture(params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def disputed_store(request):
    return request.getfixturevalue(f"{request.param}_disputed")


# ------------------------------------------------------------------------------------ headers


def test_the_library_holds_these_queries():
    names = [q.name for q in list_queries()]
    assert names == sorted(PARAMETERS)
    assert set(DEFAULT_ANSWERS) == set(PARAMETERS)


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_every_query_has_a_complete_header(name):
    query = get_query(name)
    assert query.path == cypher_dir() / f"{name}.cypher"
    assert query.question.endswith("?") and len(query.question) > 20
    assert query.returns.startswith("one row per")
    assert query.example.startswith(f"kg query {name}")
    assert [(p.name, p.type, p.default) for p in query.parameters] == PARAMETERS[name]
    for param in query.parameters:
        assert param.type in PARAM_TYPES
        assert param.help, f"{name}: parameter {param.name} has no help"
    assert set(query.variants) == VARIANTS.get(name, set())
    if query.variants:
        assert query.text == "" and query.engines, "a query with engine texts says why"
    for engine in STORES:
        text = query_text(query, engine)
        assert set(used_parameters(text)) == {p.name for p in query.parameters}
        assert "//" not in text.splitlines()[0], "the header is not sent to the engine"


def test_every_example_runs_as_written(ladybug_sample, ladybug_disputed):
    for query in list_queries():
        words = shlex.split(query.example)[3:]
        overrides = dict(split_param(w) for w in words[1::2])
        # Only reports of one day that disagree give conflicts an answer.
        store = ladybug_disputed if query.name == "conflicts" else ladybug_sample
        result = run_query(store, query, overrides)
        assert result.rows, f"the example of {query.name} answers nothing"


# ------------------------------------------------------------------------------------ answers


@pytest.mark.parametrize("name", sorted(DEFAULT_ANSWERS))
def test_answer_with_the_defaults(sample_store, name):
    columns, rows = DEFAULT_ANSWERS[name]
    result = run_query(sample_store, name)
    assert result.columns == columns
    assert result.rows == rows


@pytest.mark.parametrize(
    ("name", "overrides", "columns", "rows"),
    OVERRIDE_ANSWERS,
    ids=[f"{c[0]}-{'-'.join(c[1].values())}" for c in OVERRIDE_ANSWERS],
)
def test_answer_with_parameters(sample_store, name, overrides, columns, rows):
    result = run_query(sample_store, name, overrides)
    assert result.columns == columns
    assert result.rows == rows


def test_an_interaction_without_a_named_initiator_is_undirected(sample_store):
    """No source says who called on 18 March; Rubio called Lavrov. Booleans on both engines."""
    result = run_query(sample_store, "interactions")
    event, directed = result.columns.index("event"), result.columns.index("directed")
    by_event = {row[event]: row[directed] for row in result.rows}
    assert by_event["call-trump-putin-2025-03-18"] is False
    assert by_event["call-rubio-lavrov-2025-05-17"] is True
    degree = run_query(sample_store, "interaction_degree")
    putin = next(
        dict(zip(degree.columns, r, strict=True)) for r in degree.rows if r[0] == "vladimir-putin"
    )
    # Putin is the first participant of the call of 18 March, not its initiator.
    assert (putin["out_degree"], putin["undirected_degree"]) == (0, 1)


# ------------------------------------------------------------------------------------ follow-ups


@pytest.mark.parametrize(
    ("name", "overrides", "columns", "rows"),
    GROWN_ANSWERS,
    ids=[f"{c[0]}-{'-'.join(c[1].values())}".rstrip("-") for c in GROWN_ANSWERS],
)
def test_answer_after_the_followups(grown_store, name, overrides, columns, rows):
    result = run_query(grown_store, name, overrides)
    assert result.columns == columns
    assert result.rows == rows


@pytest.mark.parametrize(
    ("name", "overrides", "columns", "rows"),
    DISPUTED_ANSWERS,
    ids=[f"{c[0]}-{'-'.join(c[1].values())}".rstrip("-") for c in DISPUTED_ANSWERS],
)
def test_answer_when_reports_of_one_day_disagree(disputed_store, name, overrides, columns, rows):
    result = run_query(disputed_store, name, overrides)
    assert result.columns == columns
    assert result.rows == rows


def grown_cases(store):
    """(query, parameters) pairs over the article and its follow-ups: every query with its
    defaults, and the history of every fact."""
    facts = run_query(store, "facts_by_status").rows
    cases = [(q.name, {}) for q in list_queries()]
    cases += [(name, {"status": s}) for name in ("calls", "facts_by_status") for s in STATUSES]
    cases += [("fact_history", {"fact": row[0]}) for row in facts]
    cases += [("upcoming_calls", {"after": day}) for day in ("2025-05-01", "2025-05-19")]
    return cases


STATUSES = ("occurred", "planned", "announced", "not_reached")


@pytest.mark.neo4j
def test_the_engines_agree_after_the_followups(ladybug_grown, neo4j_grown):
    differ = []
    for name, params in grown_cases(ladybug_grown):
        ours, theirs = run_query(ladybug_grown, name, params), run_query(neo4j_grown, name, params)
        if (ours.columns, ours.rows) != (theirs.columns, theirs.rows):
            differ.append((name, params))
    assert differ == []


# ------------------------------------------------------------------------------------ a corpus

# A generated corpus is large enough for what the sample lacks: busy actors with many parallel
# interactions, sides with many members, sources with many facts, ties in names and dates.
CORPUS_EVENTS = 600


@pytest.fixture(scope="module")
def corpus_graph(tmp_path_factory):
    from kg.generate import generate_corpus

    return load_facts(*generate_corpus(CORPUS_EVENTS, seed=5, out_dir=tmp_path_factory.mktemp("c")))


@pytest.fixture(scope="module")
def ladybug_corpus(tmp_path_factory, corpus_graph):
    from kg.stores.ladybug import LadybugStore

    store = LadybugStore(tmp_path_factory.mktemp("corpus") / "kg.lbug")
    store.load(corpus_graph)
    yield store
    store.close()


def corpus_cases(store):
    """(query, parameters) pairs that reach into every part of the corpus the queries read."""

    def ids(label, order="", limit=3):
        return [
            r[0]
            for r in store.query(
                f"MATCH (n:{label}) RETURN n.id AS id ORDER BY id {order} LIMIT {limit}"
            ).rows
        ]

    persons = ids("Person", limit=4)
    last = ids("Person", "DESC", 2)
    actors = [*persons[:2], *ids("Country", limit=1), *ids("Organisation", limit=1)]
    cases = [(name, {}) for name in ("date_resolutions", "sources", "unknown_time_zone")]
    cases += [("actor_timeline", {"actor": a}) for a in actors]
    cases += [("call_topics", {"call": c}) for c in [None, *ids("Call", limit=2)]]
    for name in ("calls", "facts_by_status", "interactions"):
        cases += [(name, {"status": s}) for s in (None, "planned", "occurred", "not_reached")]
    cases += [("fact_sources", {"fact": f}) for f in ids("Demand", limit=2) + ids("Call", limit=2)]
    cases += [("interaction_degree", {"min_degree": d}) for d in (0, 1, 5)]
    cases += [("mediators", {"conflict": c}) for c in ids("Conflict", limit=100)]
    cases += [("negotiation", {"negotiation": n}) for n in ids("Negotiation")]
    cases += [("offices", {"institution": i}) for i in [None, *ids("Country", limit=2)]]
    pairs = [tuple(last), tuple(persons[:2]), (persons[0], persons[3]), (actors[2], actors[3])]
    cases += [("shortest_path", {"from": a, "to": b}) for a, b in pairs]
    cases += [("dyad_events", {"a": a, "b": b}) for a, b in [*pairs, (persons[0], persons[0])]]
    cases += [("actor_root_codes", {"actor": a}) for a in actors]
    # Enough pairs to list every one: ties in the number of events are broken the same way.
    cases += [("busiest_pairs", {"top": top}) for top in (1, 10, 100_000)]
    cases += [("upcoming_calls", {"after": day}) for day in ("2025-01-01", "2025-05-17")]
    cases += [("fact_history", {"fact": f}) for f in ids("Call", limit=2) + ids("Demand", limit=1)]
    cases.append(("conflicts", {}))
    return cases


def test_corpus_cases_reach_every_query_with_answers(ladybug_corpus):
    cases = corpus_cases(ladybug_corpus)
    assert {name for name, _ in cases} == set(PARAMETERS)
    answered = {name for name, params in cases if run_query(ladybug_corpus, name, params).rows}
    # A generated corpus describes each fact in one document: it has no claims to disagree.
    assert answered == set(PARAMETERS) - {"conflicts"}


@pytest.mark.neo4j
def test_the_engines_agree_on_a_corpus(ladybug_corpus, neo4j_database, corpus_graph):
    neo4j = neo4j_database.holding("corpus", corpus_graph)
    differ = []
    for name, params in corpus_cases(ladybug_corpus):
        ours, theirs = run_query(ladybug_corpus, name, params), run_query(neo4j, name, params)
        if (ours.columns, ours.rows) != (theirs.columns, theirs.rows):
            differ.append((name, params))
    assert differ == []


def test_arrow_and_value_conversion_agree(ladybug_corpus):
    """Plain columns come through Arrow, other types value by value: both give the same rows."""
    from kg.stores.ladybug import _plain

    for name, params in corpus_cases(ladybug_corpus):
        query = get_query(name)
        text = query_text(query, "ladybug")
        values = {
            k: v for k, v in resolve_parameters(query, params).items() if k in used_parameters(text)
        }
        by_value = [
            [_plain(v) for v in row] for row in ladybug_corpus._conn.execute(text, values).get_all()
        ]
        assert ladybug_corpus.query(text, values).rows == by_value, name


# ------------------------------------------------------------------------------------ parameters


@pytest.mark.parametrize(
    ("type_", "raw", "value"),
    [
        ("string", "occurred", "occurred"),
        ("string", "null", None),
        ("string", "'null'", "null"),
        ("string", '"a b"', "a b"),
        ("string", "", ""),
        ("string", "x=y", "x=y"),
        ("integer", "42", 42),
        ("integer", "-3", -3),
        ("integer", "null", None),
        ("float", "2.5", 2.5),
        ("float", "3", 3.0),
        ("boolean", "true", True),
        ("boolean", "No", False),
        ("list", "a,b , c", ["a", "b", "c"]),
        ("list", "", []),
        ("list", '["a,b", "c"]', ["a,b", "c"]),
        ("list", "null", None),
        ("list[integer]", "1,2", [1, 2]),
        ("list[integer]", "[1, 2]", [1, 2]),
        ("list[float]", "[1, 2.5]", [1.0, 2.5]),
        ("list[boolean]", "true,false", [True, False]),
        ("any", "[1, 2]", [1, 2]),
        ("any", "12", 12),
        ("any", "marco-rubio", "marco-rubio"),
        ("any", '"12"', "12"),
    ],
)
def test_parse_value(type_, raw, value):
    parsed = parse_value(ParamDef("p", type_), raw)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize(
    ("type_", "raw", "message"),
    [
        ("integer", "many", "parameter p is an integer, not 'many'"),
        ("integer", "1.5", "parameter p is an integer, not '1.5'"),
        ("float", "x", "parameter p is a number, not 'x'"),
        ("float", "nan", "parameter p must be a finite number, not 'nan'"),
        ("boolean", "maybe", "parameter p is true or false, not 'maybe'"),
        ("list[integer]", "1,two", "parameter p is an integer, not 'two'"),
        ("list[integer]", '["1"]', "parameter p is a list of integer values; '[\"1\"]' holds '1'"),
        ("list", "[1,", "parameter p: '[1,' is not a JSON list"),
        ("date", "2025", "parameter p has unknown type 'date'"),
    ],
)
def test_parse_value_rejects(type_, raw, message):
    with pytest.raises(QueryError) as err:
        parse_value(ParamDef("p", type_), raw)
    assert str(err.value).startswith(message)


def test_parse_param_converts_to_the_declared_type():
    assert parse_param(get_query("interaction_degree"), "min_degree=2") == ("min_degree", 2)
    assert parse_param(get_query("calls"), "status=null") == ("status", None)
    assert parse_param(get_query("upcoming_calls"), "after=2025-05-18") == ("after", "2025-05-18")
    with pytest.raises(QueryError, match=r"^a parameter is given as name=value, not 'status'$"):
        parse_param(get_query("calls"), "status")


def test_unknown_parameter_is_named_with_the_known_ones():
    with pytest.raises(QueryError) as err:
        parse_param(get_query("calls"), "state=occurred")
    assert str(err.value) == "query 'calls' has no parameter 'state'; its parameters: status"
    with pytest.raises(QueryError) as err:
        resolve_parameters(get_query("shortest_path"), {"from": "nato", "too": "russia"})
    assert (
        str(err.value) == "query 'shortest_path' has no parameter 'too'; its parameters: from, to"
    )
    with pytest.raises(QueryError, match="its parameters: none"):
        resolve_parameters(get_query("sources"), {"status": "occurred"})


def test_resolve_parameters_fills_in_the_defaults():
    assert resolve_parameters(get_query("shortest_path")) == {
        "from": "marco-rubio",
        "to": "volodymyr-zelenskyy",
    }
    query = get_query("interaction_degree")
    assert resolve_parameters(query, {"min_degree": "0"}) == {"min_degree": 0}
    assert resolve_parameters(query, {"min_degree": 5}) == {"min_degree": 5}  # typed: as is
    assert [p.default_text for p in get_query("shortest_path").parameters] == [
        "marco-rubio",
        "volodymyr-zelenskyy",
    ]
    assert get_query("calls").parameters[0].default_text == "null"


def test_a_bad_value_stops_the_run_before_the_engine(ladybug_sample):
    with pytest.raises(QueryError, match=r"^parameter min_degree is an integer, not 'many'$"):
        run_query(ladybug_sample, "interaction_degree", {"min_degree": "many"})


# ------------------------------------------------------------------------------------ engine texts


def test_variant_selection():
    shortest = get_query("shortest_path")
    ladybug, neo4j = query_text(shortest, "ladybug"), query_text(shortest, "neo4j")
    assert "ALL SHORTEST" in ladybug and "allShortestPaths" not in ladybug
    assert "allShortestPaths" in neo4j and "ALL SHORTEST" not in neo4j
    with pytest.raises(QueryError) as err:
        query_text(shortest, "memgraph")
    assert str(err.value) == (
        "query 'shortest_path' has no text for engine 'memgraph' (it has: ladybug, neo4j)"
    )
    offices = get_query("offices")
    assert query_text(offices, "ladybug") == query_text(offices, "neo4j") == offices.text
    assert offices.text.startswith("MATCH (p:Person)")
    assert query_text(offices, "memgraph") == offices.text  # the shared text serves any engine


def test_the_store_engine_picks_the_text(tmp_path, ladybug_sample):
    shared = tmp_path / "who.cypher"
    shared.write_text("// Question: Who?\nMATCH (p:Person {id: $id}) RETURN p.name AS answer\n")
    assert run_query(ladybug_sample, shared, {"id": "marco-rubio"}).rows == [["Marco Rubio"]]
    variant = tmp_path / "who.ladybug.cypher"
    variant.write_text(
        "// the engine's own text\nMATCH (p:Person {id: $id}) RETURN p.id AS answer\n"
    )
    query = get_query(shared)
    assert query.variants == {"ladybug": "MATCH (p:Person {id: $id}) RETURN p.id AS answer"}
    assert run_query(ladybug_sample, query, {"id": "marco-rubio"}).rows == [["marco-rubio"]]
    assert query_text(query, "neo4j") == "MATCH (p:Person {id: $id}) RETURN p.name AS answer"
    alone = get_query(variant)  # an engine's text run on its own
    assert alone.name == "who.ladybug" and alone.variants == {}


# ------------------------------------------------------------------------------------ files


def test_adhoc_file_needs_no_header(tmp_path, ladybug_sample):
    path = tmp_path / "mine.cypher"
    path.write_text("MATCH (c:Call) WHERE c.date >= $since RETURN count(c) AS calls\n")
    query = get_query(str(path))
    assert (query.name, query.question, query.example) == ("mine", "", "")
    assert query.parameters == [ParamDef("since", "any")]
    assert run_query(ladybug_sample, query, {"since": "2025-05-19"}).rows == [[3]]


def test_adhoc_text_reads_json_values(ladybug_sample):
    query = adhoc_query("RETURN $x AS x")
    assert run_query(ladybug_sample, query, {"x": "[1, 2]"}).rows == [[[1, 2]]]
    assert run_query(ladybug_sample, query, {"x": "rubio"}).rows == [["rubio"]]
    assert run_query(ladybug_sample, query).rows == [[None]]


def test_used_parameters_skips_strings_and_comments():
    text = "MATCH (n {id: $id}) // $comment\nWHERE n.x = '$no' AND n.y = \"$no\" RETURN $id, $b"
    assert used_parameters(text) == ["id", "b"]


def test_the_library_folder_holds_only_queries_and_their_engine_texts(tmp_path, monkeypatch):
    import kg.queries

    monkeypatch.setattr(kg.queries, "cypher_dir", lambda: tmp_path)
    (tmp_path / "good.cypher").write_text(GOOD)
    (tmp_path / "good.neo4j.cypher").write_text("MATCH (c:Call) WHERE c.status = $status RETURN 1")
    assert [(q.name, sorted(q.variants)) for q in list_queries()] == [("good", ["neo4j"])]
    (tmp_path / "lonely.ladybug.cypher").write_text("RETURN 1")
    with pytest.raises(QueryError, match=r"lonely.ladybug.cypher: engine text without its query"):
        list_queries()
    (tmp_path / "lonely.ladybug.cypher").unlink()
    (tmp_path / "Bad-Name.cypher").write_text(GOOD)
    with pytest.raises(QueryError, match=r"Bad-Name.cypher: a query name is snake_case"):
        list_queries()


def test_unknown_query_names_the_closest_one():
    with pytest.raises(
        QueryError, match=r"^unknown query 'call'; did you mean 'calls'\? \(known: "
    ):
        get_query("call")
    with pytest.raises(QueryError, match=r"^no query file "):
        get_query(Path("/nonexistent/q.cypher"))


def test_engine_errors_name_the_query(ladybug_sample):
    with pytest.raises(QueryError, match=r"^query 'adhoc' failed on ladybug: .*NoSuchLabel"):
        run_query(ladybug_sample, adhoc_query("MATCH (n:NoSuchLabel) RETURN n.id"))


GOOD = """\
// Question: Which calls?
// Parameters:
//   status: string = null   -- a status
// Example: kg query good -p status=occurred
// Returns: one row per call.
MATCH (c:Call) WHERE c.status = coalesce($status, c.status) RETURN c.id
"""


def test_a_well_formed_header_passes_the_library_rules():
    query = parse_query(GOOD, "good", strict=True)
    assert query.parameters == [ParamDef("status", "string", None, "a status")]
    assert query.returns == "one row per call."


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("// Question: Which calls?\n", ""), "the header needs '// Question: ...'"),
        (("//   status: string = null   -- a status\n", ""), "undeclared parameters: status"),
        (
            ("// Parameters:\n//   status: string = null   -- a status\n", ""),
            "needs '// Parameters:'",
        ),
        (
            ("$status, c.status", "'x', c.status"),
            "declared parameters the text does not use: status",
        ),
        (("kg query good", "kg query bad"), "the example must start with 'kg query good'"),
        (("-p status=occurred", "-p state=x"), "query 'good' has no parameter 'state'"),
        (("-p status=occurred", "--status occurred"), "the example may only add '-p name=value'"),
        (("string = null", "text = null"), "parameter status has unknown type 'text'"),
        (
            ("string = null", "string = 'open"),
            "the default of parameter status has no closing quote",
        ),
        (
            ("// Returns: one row per call.\n", "// Question: Again?\n"),
            "the header gives Question twice",
        ),
        (
            ("MATCH (c:Call) WHERE c.status = coalesce($status, c.status) RETURN c.id\n", ""),
            "no query text for ladybug, neo4j",
        ),
    ],
)
def test_the_library_rules(change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(QueryError) as err:
        parse_query(GOOD.replace(old, new), "good", Path("good.cypher"), strict=True)
    assert str(err.value).startswith("good.cypher: ") and message in str(err.value)


def test_fact_label_unions_name_every_class_that_has_a_status():
    """A query over "every fact" names each class with a status, so new classes are not missed."""
    import re

    from kg.ontology import load_ontology

    ont = load_ontology()
    facts = {
        c.name
        for c in ont.classes.values()
        if not c.abstract and not c.computed and "status" in c.properties
    }
    unions = 0
    for path in sorted(cypher_dir().glob("*.cypher")):
        for match in re.finditer(r"\(\w*:((?:[A-Z]\w*\|){5,}[A-Z]\w*)", path.read_text("utf-8")):
            unions += 1
            assert set(match.group(1).split("|")) == facts, path.name
    assert unions >= 6
