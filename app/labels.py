"""Every word the app shows about the profile form, marked for the catalogs.

Stage, phase, criterion and next-action names come from the classifier's own
catalogs (`classifier.label`), so the app and the verdict never disagree.
"""

from __future__ import annotations

from .i18n import N_

#: The form's groups, in the order a seller learns about a contact.
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("contact", N_("Contact"), ("name", "interactions", "channel", "identified")),
    ("permission", N_("Permission"), ("consent",)),
    ("engagement", N_("Engagement"), ("content", "conversation", "intent", "price_only")),
    ("fit", N_("Fit and capacity"), ("in_target", "budget", "authority", "need", "timeline")),
    ("purchase", N_("Purchase"), ("purchases",)),
)

FIELD_LABELS: dict[str, str] = {
    "name": N_("Name (for display only)"),
    "interactions": N_("Interactions with the brand"),
    "channel": N_("First contact channel"),
    "identified": N_("Identified (we hold their personal data)"),
    "consent": N_("Consent to commercial messages"),
    "content": N_("Pieces of our content consumed (downloads, webinars, emails read)"),
    "conversation": N_("Two-way conversation with a seller"),
    "in_target": N_("Matches the focus target / buyer persona"),
    "budget": N_("Has the budget"),
    "authority": N_("Makes or signs off the decision"),
    "need": N_("Need"),
    "timeline": N_("Timeline to buy"),
    "intent": N_("Declared intention to buy from us"),
    "price_only": N_("Only compares prices"),
    "purchases": N_("Completed purchases"),
}

FIELD_HELP: dict[str, str] = {
    "name": N_("Never used by the rules; shown only to tell profiles apart."),
    "interactions": N_(
        "Touches with the brand through any channel: site visits, anonymous reading of public "
        "pages, posts or videos, social follows, store visits, calls. Leave empty when you do not "
        "know."
    ),
    "channel": N_(
        "Where the first contact happened. Informational only: it never changes the stage."
    ),
    "identified": N_(
        "Yes when we hold data that identifies the person: a name with an email or phone, from a "
        "registration, a form or a business card."
    ),
    "consent": N_(
        "Permission to receive commercial communications: never given, opt-in, confirmed (double) "
        "opt-in, or given and then withdrawn."
    ),
    "content": N_(
        "Our content they consumed in a way we can count and attribute to them: downloads, "
        "webinars attended, newsletters or sequence emails read, gated guides. Anonymous reading "
        "of public pages counts as interactions. Leave empty when you do not know."
    ),
    "conversation": N_("Yes when a two-way conversation with a salesperson has started."),
    "in_target": N_("Yes when the contact matches our focus target and buyer persona."),
    "budget": N_("Yes when the contact has the money to buy."),
    "authority": N_(
        "Yes when the contact makes or signs off the purchase, in a company or a household."
    ),
    "need": N_(
        "None: no problem we solve. Latent: senses a problem but has not defined it. Clear: has "
        "defined the need we solve."
    ),
    "timeline": N_(
        "None: no plan to buy. Long: plans to buy in 3 months or more. Short: plans to buy within "
        "about 3 months."
    ),
    "intent": N_(
        "None. Low: interested, exploring. High: wants to buy, asks for an offer, a quote or "
        "a demo."
    ),
    "price_only": N_("Yes when the contact only compares prices or collects quotes."),
    "purchases": N_("Completed purchases. Leave empty when you do not know."),
}

UNKNOWN = N_("Unknown")
YES = N_("Yes")
NO = N_("No")

VALUE_LABELS: dict[tuple[str, str], str] = {
    ("consent", "none"): N_("Never given"),
    ("consent", "single"): N_("Opt-in"),
    ("consent", "double"): N_("Double opt-in"),
    ("consent", "withdrawn"): N_("Withdrawn"),
    ("need", "none"): N_("No need we solve"),
    ("need", "latent"): N_("Latent"),
    ("need", "clear"): N_("Clear"),
    ("timeline", "none"): N_("No plan"),
    ("timeline", "long"): N_("Long (3+ months)"),
    ("timeline", "short"): N_("Short (within 3 months)"),
    ("intent", "none"): N_("No intention"),
    ("intent", "low"): N_("Low: exploring"),
    ("intent", "high"): N_("High: asks for an offer"),
    ("channel", "website"): N_("Website"),
    ("channel", "social"): N_("Social media"),
    ("channel", "store"): N_("Store"),
    ("channel", "email"): N_("Email"),
    ("channel", "event"): N_("Event"),
    ("channel", "referral"): N_("Referral"),
    ("channel", "advertising"): N_("Advertising"),
    ("channel", "phone"): N_("Phone"),
    ("channel", "other"): N_("Other"),
}
