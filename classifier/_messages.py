"""Every sentence the engine can say, marked for translation.

The rule logic never builds text: it returns a trace, and `_render` picks
these templates by message id and outcome and fills them with the profile's
values.
"""

from __future__ import annotations

from typing import Final

from ._i18n import N_, NN_, NP_

# --- Labels -----------------------------------------------------------------

STAGE_LABELS: Final[dict[str, tuple[str, str]]] = {
    "stranger": NP_("stage", "Stranger"),
    "visitor": NP_("stage", "Visitor"),
    "lead": NP_("stage", "Lead"),
    "prospect": NP_("stage", "Prospect"),
    "customer": NP_("stage", "Customer"),
}

PHASE_LABELS: Final[dict[str, tuple[str, str]]] = {
    "awareness": NP_("phase", "Awareness"),
    "interest": NP_("phase", "Interest"),
    "consideration": NP_("phase", "Consideration"),
    "decision": NP_("phase", "Decision"),
    "action": NP_("phase", "Action"),
}

TEMPERATURE_LABELS: Final[dict[str, tuple[str, str]]] = {
    "hot": NP_("temperature", "hot"),
    "cold": NP_("temperature", "cold"),
}

OUTCOME_LABELS: Final[dict[str, tuple[str, str]]] = {
    "met": NP_("outcome", "met"),
    "unmet": NP_("outcome", "not met"),
    "unknown": NP_("outcome", "unknown"),
}

CRITERION_LABELS: Final[dict[str, tuple[str, str]]] = {
    "identity": NP_("criterion", "identity"),
    "interaction": NP_("criterion", "interaction"),
    "purchase": NP_("criterion", "purchase"),
    "fit": NP_("criterion", "fit"),
    "permission": NP_("criterion", "permission"),
    "capacity": NP_("criterion", "capacity"),
    "interest": NP_("criterion", "interest"),
    "bant": NP_("criterion", "BANT"),
    "anum": NP_("criterion", "ANUM"),
    "champ": NP_("criterion", "CHAMP"),
    "faint": NP_("criterion", "FAINT"),
    "score": NP_("criterion", "score"),
}

MODEL_LABELS: Final[dict[str, tuple[str, str]]] = {
    "funnel": NP_("model", "Funnel"),
    "bant": NP_("model", "BANT"),
    "anum": NP_("model", "ANUM"),
    "champ": NP_("model", "CHAMP"),
    "faint": NP_("model", "FAINT"),
    "score": NP_("model", "Score"),
}

MODEL_DESCRIPTIONS: Final[dict[str, str]] = {
    "funnel": N_(
        "The default: in target, permission, capacity (budget, authority or a clear need) "
        "and interest (a conversation, a declared intent or 2+ pieces of content consumed)."
    ),
    "bant": N_("Budget, Authority, Need, Timeline: at least 3 of the 4, plus fit and permission."),
    "anum": N_("Authority and a clear Need, plus Urgency (a short timeline) or Money (a budget)."),
    "champ": N_(
        "Challenges (a clear need), Authority, Money and Prioritization (a buying timeline)."
    ),
    "faint": N_(
        "Funds, Authority, Interest (a declared intent or a conversation), a clear Need and "
        "Timing (a buying timeline)."
    ),
    "score": N_(
        "Fit score and engagement score both at least 30 out of 50; undecided while the "
        "unknown fields could still get them there."
    ),
}

# --- Fields: what each one means (contract v2, section 1) -------------------

FIELD_DESCRIPTIONS: Final[dict[str, str]] = {
    "interactions": N_(
        "Touches with the brand through any channel: site visits, anonymous reading of public "
        "pages, posts or videos, social follows, store visits, calls."
    ),
    "channel": N_(
        "The channel of the first contact; informational only, it never changes the stage."
    ),
    "identified": N_(
        "We hold personal data that identifies the contact: a name with an email or phone, from "
        "a registration, a form or a business card."
    ),
    "consent": N_(
        "Permission to receive commercial communications: never given, opt-in, confirmed "
        "(double) opt-in, or given and then withdrawn."
    ),
    "content": N_(
        "Pieces of our content the contact consumed in a way we can count and attribute to them: "
        "downloads, webinars attended, newsletters or sequence emails read, gated guides. "
        "Anonymous reading of public pages counts as interactions, not content."
    ),
    "conversation": N_("A two-way conversation with a salesperson has started."),
    "in_target": N_("The contact matches the focus target / buyer persona."),
    "budget": N_("The contact has the money to buy."),
    "authority": N_("The contact makes or signs off the purchase, in a company or a household."),
    "need": N_(
        "none: no problem we solve; latent: senses a problem but has not defined it; clear: has "
        "defined the need we solve."
    ),
    "timeline": N_(
        "none: no plan to buy; long: plans to buy in 3 months or more; short: plans to buy "
        "within about 3 months."
    ),
    "intent": N_(
        "Declared intention to buy from us. none; low: interested, exploring; high: wants to "
        "buy, asks for an offer, quote or demo."
    ),
    "price_only": N_("The contact only compares prices or collects quotes."),
    "purchases": N_("Completed purchases."),
    "name": N_("A name for display, at most 200 characters; never used by the rules."),
    "id": N_("An identifier for display and batch output; never used by the rules."),
}

# --- Facts: how one value of one field is said ------------------------------

UNKNOWN_FACTS: Final[dict[str, str]] = {
    "interactions": N_("the number of interactions is unknown"),
    "identified": N_("we do not know whether we hold their personal data"),
    "consent": N_("their consent is unknown"),
    "content": N_("how much of our content they consumed (downloads, webinars, emails) is unknown"),
    "conversation": N_("we do not know whether a conversation has started"),
    "in_target": N_("whether they match the focus target is unknown"),
    "budget": N_("their budget is unknown"),
    "authority": N_("their role in the decision is unknown"),
    "need": N_("their need is unknown"),
    "timeline": N_("their buying timeline is unknown"),
    "intent": N_("their intention to buy is unknown"),
    "price_only": N_("whether they only compare prices is unknown"),
    "purchases": N_("their purchases are unknown"),
}

BOOL_FACTS: Final[dict[tuple[str, bool], str]] = {
    ("identified", True): N_("we hold personal data that identifies them"),
    ("identified", False): N_("we hold no personal data that identifies them"),
    ("conversation", True): N_("a two-way conversation with a seller has started"),
    ("conversation", False): N_("no conversation with a seller has started"),
    ("in_target", True): N_("they match the focus target"),
    ("in_target", False): N_("they are outside the focus target"),
    ("budget", True): N_("they have the budget to buy"),
    ("budget", False): N_("they have no budget"),
    ("authority", True): N_("they make the purchase decision"),
    ("authority", False): N_("they do not make the purchase decision"),
    ("price_only", True): N_("they only compare prices"),
    ("price_only", False): N_("they are not just comparing prices"),
}

CHOICE_FACTS: Final[dict[tuple[str, str], str]] = {
    ("consent", "none"): N_("they never gave consent to commercial messages"),
    ("consent", "single"): N_("consent is a single opt-in"),
    ("consent", "double"): N_("consent is a confirmed double opt-in"),
    ("consent", "withdrawn"): N_("they withdrew their consent"),
    ("need", "none"): N_("they have no need we solve"),
    ("need", "latent"): N_("they sense a problem but have not defined it"),
    ("need", "clear"): N_("they have defined the need we solve"),
    ("timeline", "none"): N_("they have no plan to buy"),
    ("timeline", "long"): N_("they plan to buy in 3 months or more"),
    ("timeline", "short"): N_("they plan to buy within about 3 months"),
    ("intent", "none"): N_("they have declared no intention to buy"),
    ("intent", "low"): N_("they are interested and exploring"),
    ("intent", "high"): N_("they want to buy and asked for an offer, quote or demo"),
}

COUNT_FACTS: Final[dict[str, tuple[str, str]]] = {
    "interactions": NN_("{n} interaction with the brand", "{n} interactions with the brand"),
    "content": NN_(
        "{n} piece of our content consumed (a download, a webinar, an email read)",
        "{n} pieces of our content consumed (downloads, webinars, emails read)",
    ),
    "purchases": NN_("{n} completed purchase", "{n} completed purchases"),
}

INFERRED_IDENTITY: Final[str] = N_("we hold their personal data (inferred from: {reason})")
INFERRED_INTERACTIONS: Final[str] = N_(
    "at least one interaction, inferred from the rest of the profile"
)
SCORE_FACT: Final[str] = N_("{score} score {value} (at least {min} needed)")
#: A score under its threshold that the unknown fields could still lift over it.
SCORE_FACT_COULD_REACH: Final[str] = N_(
    "{score} score {value}, up to {best} once the unknown fields are known (at least {min} needed)"
)
#: A score that stays under its threshold even with every unknown field in its favour.
SCORE_FACT_CANNOT_REACH: Final[str] = N_(
    "{score} score {value}, at most {best} even if every unknown field turned out in their "
    "favour (at least {min} needed)"
)
SCORE_NAMES: Final[dict[str, tuple[str, str]]] = {
    "fit": NP_("score", "fit"),
    "engagement": NP_("score", "engagement"),
}
AT_LEAST_SUFFIX: Final[str] = N_("{fact} (at least {min} needed)")

# --- Criterion sentences: message id x outcome ------------------------------

CRITERION_SENTENCES: Final[dict[tuple[str, str], str]] = {
    ("identity", "met"): N_("Identified: {facts}."),
    ("identity", "unmet"): N_("Not identified: {facts}."),
    ("identity", "unknown"): N_("Identity unknown: {facts}."),
    ("interaction", "met"): N_("Has interacted with the brand: {facts}."),
    ("interaction", "unmet"): N_("No interaction with the brand yet: {facts}."),
    ("interaction", "unknown"): N_("Interaction with the brand unknown: {facts}."),
    ("purchase", "met"): N_("Has bought from us: {facts}."),
    ("purchase", "unmet"): N_("Has not bought yet: {facts}."),
    ("purchase", "unknown"): N_("Purchases unknown: {facts}."),
    ("fit", "met"): N_("In the focus target: {facts}."),
    ("fit", "unmet"): N_(
        "Out of the focus target: {facts}, so selling time is better spent elsewhere."
    ),
    ("fit", "unknown"): N_("Fit unknown: {facts}; check them against the buyer persona."),
    ("permission", "met"): N_("Permission given: {facts}, so offers may be sent."),
    ("permission", "unmet"): N_("No permission: {facts}, so no commercial offers may be sent."),
    ("permission", "unknown"): N_("Permission unknown: {facts}; no offers until they opt in."),
    ("capacity", "met"): N_("Able to buy: {facts}."),
    ("capacity", "unmet"): N_("Not able to buy: {facts}."),
    ("capacity", "unknown"): N_(
        "Capacity unknown: {facts}; find out about budget, decision role and need."
    ),
    ("interest", "met"): N_("Interest shown: {facts}."),
    ("interest", "unmet"): N_("No interest shown: {facts}."),
    ("interest", "unknown"): N_("Interest unknown: {facts}."),
    ("bant", "met"): N_(
        "BANT qualified, {count} of {total} met (at least {needed} needed): {facts}."
    ),
    ("bant", "unmet"): N_(
        "BANT not qualified, {count} of {total} met (at least {needed} needed): {facts}."
    ),
    ("bant", "unknown"): N_(
        "BANT undecided, {count} of {total} known to be met (at least {needed} needed): {facts}."
    ),
    ("anum", "met"): N_("ANUM qualified: {facts}."),
    ("anum", "unmet"): N_("ANUM not qualified: {facts}."),
    ("anum", "unknown"): N_("ANUM undecided: {facts}."),
    ("champ", "met"): N_("CHAMP qualified: {facts}."),
    ("champ", "unmet"): N_("CHAMP not qualified: {facts}."),
    ("champ", "unknown"): N_("CHAMP undecided: {facts}."),
    ("faint", "met"): N_("FAINT qualified: {facts}."),
    ("faint", "unmet"): N_("FAINT not qualified: {facts}."),
    ("faint", "unknown"): N_("FAINT undecided: {facts}."),
    ("score", "met"): N_("Score model qualified: {facts}."),
    ("score", "unmet"): N_("Score model not qualified: {facts}."),
    ("score", "unknown"): N_("Score model undecided: {facts}."),
}

# --- What the next stage needs ----------------------------------------------

MISSING_SENTENCES: Final[dict[str, str]] = {
    "interaction": N_(
        "A first interaction with the brand (a site visit, a page or post read, a follow, a "
        "store visit, a call) would make them a visitor."
    ),
    "identity": N_(
        "Personal data that identifies them (a registration, a form or a business card) "
        "would make them a lead."
    ),
    "purchase": N_("A completed purchase would make them a customer."),
    "fit": N_("They must match the focus target (buyer persona)."),
    "permission": N_("They must opt in to commercial messages (a single or double opt-in)."),
    "capacity": N_("They must show capacity to buy: a budget, the decision role or a clear need."),
    "interest": N_(
        "They must show interest: a conversation with a seller, a declared intention to buy "
        "or at least 2 pieces of our content consumed (downloads, webinars, emails read)."
    ),
    "bant": N_("At least 3 of budget, decision authority, a clear need and a buying timeline."),
    "anum": N_("Decision authority and a clear need, plus a short timeline or a budget."),
    "champ": N_("A clear need, decision authority, a budget and a buying timeline."),
    "faint": N_(
        "A budget, decision authority, interest (a declared intent or a conversation), a "
        "clear need and a buying timeline."
    ),
    "score": N_("A fit score and an engagement score of at least 30 each."),
}

# --- Next actions ------------------------------------------------------------

NEXT_ACTION_LABELS: Final[dict[str, tuple[str, str]]] = {
    "attract": NP_("action", "Attract"),
    "capture": NP_("action", "Capture"),
    "deprioritize": NP_("action", "Deprioritize"),
    "respect_opt_out": NP_("action", "Respect the opt-out"),
    "ask_permission": NP_("action", "Ask permission"),
    "nurture": NP_("action", "Nurture"),
    "qualify": NP_("action", "Qualify"),
    "propose": NP_("action", "Propose"),
    "follow_up": NP_("action", "Follow up"),
    "retain": NP_("action", "Retain"),
    "reward_loyalty": NP_("action", "Reward loyalty"),
}

NEXT_ACTION_SENTENCES: Final[dict[str, str]] = {
    "attract": N_(
        "Attract: reach them with awareness content on the channels your buyer persona uses."
    ),
    "capture": N_(
        "Capture: offer something worth registering for (a guide, a webinar, a newsletter) "
        "so you learn who they are."
    ),
    "deprioritize": N_(
        "Deprioritize: they are outside the focus target; keep them out of active selling."
    ),
    "respect_opt_out": N_(
        "Respect the opt-out: send no commercial messages; answer only what they ask you."
    ),
    "ask_permission": N_(
        "Ask permission: everything else is in place, so invite them to opt in to your offers."
    ),
    "nurture": N_(
        "Nurture: offer useful content for their phase on your own channels and answer their "
        "questions until they show interest; send marketing emails only if they opted in."
    ),
    "qualify": N_("Qualify: find out what is still missing or unknown before you make an offer."),
    "propose": N_("Propose: they want to buy, so send the offer, quote or demo now."),
    "follow_up": N_(
        "Follow up: stay in touch with relevant content and a call to build their intent to buy."
    ),
    "retain": N_(
        "Retain: look after the first purchase (onboarding, support, satisfaction) to earn the "
        "next one."
    ),
    "reward_loyalty": N_(
        "Reward loyalty: thank repeat customers with loyalty benefits and exclusive offers."
    ),
}

# --- Summaries ----------------------------------------------------------------

SUMMARY_STRANGER: Final[str] = N_(
    "Stranger: {facts}; as far as we know, they have not met the brand yet."
)
SUMMARY_VISITOR: Final[str] = N_("Visitor: {facts}, but we do not know who they are.")
SUMMARY_LEAD: Final[tuple[str, str]] = NN_(
    "Lead: identified, but {criteria} is not met yet under the {model} model.",
    "Lead: identified, but {criteria} are not met yet under the {model} model.",
)
SUMMARY_PROSPECT: Final[str] = N_(
    "Prospect ({temperature}): identified and every criterion of the {model} model is met."
)
SUMMARY_CUSTOMER: Final[tuple[str, str]] = NN_(
    "Customer: {n} completed purchase.", "Customer: {n} completed purchases."
)

# --- Input errors ---------------------------------------------------------------

ERROR_MESSAGES: Final[dict[str, str]] = {
    "unknown_field_suggest": N_(
        "Unknown field “{field}”: did you mean “{suggestion}”? Known fields: {allowed}."
    ),
    "unknown_field": N_("Unknown field “{field}”. Known fields: {allowed}."),
    "not_bool": N_("Field “{field}” must be true or false, but received {value}."),
    "not_bool_text": N_(
        "Field “{field}” must be one of {allowed} (or empty for unknown), but received {value}."
    ),
    "not_count": N_("Field “{field}” must be a whole number of 0 or more, but received {value}."),
    "negative": N_("Field “{field}” cannot be negative, but received {value}."),
    "not_allowed": N_("Field “{field}” must be one of {allowed}, but received {value}."),
    "not_text": N_("Field “{field}” must be text, but received {value}."),
    "too_long": N_("Field “{field}” is {length} characters long; at most {max} are allowed."),
    "contradiction_identified": N_(
        "Fields “identified” and “{other}” contradict each other: identified is false, "
        "but {other} is {value}, which only an identified contact can have."
    ),
    "contradiction_interactions": N_(
        "Fields “interactions” and “{other}” contradict each other: interactions is 0, "
        "but {other} is {value}, which takes at least one interaction."
    ),
    "not_object": N_("A profile must be a JSON object of fields and values, but received {value}."),
    "invalid_json": N_("This line is not valid JSON (error at character {position})."),
    "too_large": N_(
        "This profile is {length} characters long; at most {max} are read (a profile has a "
        "few fields)."
    ),
}


# --- Rulebook errors ------------------------------------------------------------

RULEBOOK_MESSAGES: Final[dict[str, str]] = {
    "unreadable": N_("The rulebook {path} cannot be read: {reason}."),
    "not_toml": N_("The rulebook {path} is not valid TOML: {reason}."),
    "missing_key": N_("Rulebook key “{key}” is missing."),
    "unknown_key": N_("Rulebook key “{key}” is not known; allowed here: {allowed}."),
    "unknown_key_suggest": N_(
        "Rulebook key “{key}” is not known: did you mean “{suggestion}”? Allowed here: {allowed}."
    ),
    "wrong_type": N_("Rulebook key “{key}” must be {expected}, but is {value}."),
    "bad_value": N_("Rulebook key “{key}” is {value}; allowed values: {allowed}."),
    "bad_test": N_(
        "Rulebook key “{key}” is not a valid test: use one of field, any, all, at_least or score."
    ),
    "bad_version": N_(
        "Rulebook key “{key}” is {value}; this version of Funnel Coach reads 1 or 2."
    ),
    "no_fallback_action": N_(
        "Rulebook key “{key}” needs a last row for stage {stage} with no other condition, "
        "so every contact gets a next action."
    ),
    "last_phase": N_(
        "Rulebook key “{key}”: the last phase must have no test, so every contact gets a phase."
    ),
}

#: Said when a team's rulebook was written for contract version 1: it loads as written.
RULEBOOK_VERSION_1: Final[str] = N_(
    "This rulebook was written for contract version 1 and is applied as written. To follow "
    "version 2: move the respect_opt_out row of next_actions above deprioritize and give it "
    'stage = ["lead", "customer"]; add Timing to criteria.faint '
    '({{field = "timeline", in = ["short", "long"]}}); then set version = 2. '
    "“funnel-coach rules” prints the version 2 rulebook to compare with."
)

RULEBOOK_TYPES: Final[dict[str, str]] = {
    "table": N_("a table"),
    "list": N_("a list"),
    "text": N_("a text"),
    "bool": N_("true or false"),
    "int": N_("a whole number"),
    "count": N_("a whole number of 0 or more"),
    "texts": N_("a list of texts"),
}
