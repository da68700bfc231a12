"""The workshop's vocabulary: enum values in code; their labels live in the
translation catalogues under ``<group>.<value>``."""

ORG_KINDS = ["company", "craftsman", "ess", "authority", "other"]
PRESENCE = ["present", "represented"]
SHEET_KINDS = ["offer", "need"]
UNITS = ["t", "kg", "m3", "L", "pieces", "pallets", "MWh", "kW", "m2", "hours", "person_days"]
FREQUENCIES = ["one_off", "daily", "weekly", "monthly", "yearly", "seasonal"]
CONDITIONS = ["new", "used", "to_repair"]
TERMS = ["free", "sale", "swap", "to_discuss"]
VISIBILITY = ["all", "facilitators"]
SHEET_STATES = ["open", "matched", "withdrawn"]
IDEA_KINDS = ["exchange", "pooling"]
ORIGINS = ["participant", "facilitator", "suggestion"]
# "discussion" (En discussion) and "standby" (En veille) exist only after the afternoon, like "done".
STATUSES = ["new", "explore", "discussion", "soon", "abandoned", "standby", "done"]
ABANDON_REASONS = ["technical", "regulatory", "economic", "distance", "volume", "no_contact", "other"]

# Category -> sub-categories (DESIGN.md §2).
CATEGORIES = {
    "materials": [],
    "waste": ["wood", "cardboard", "plastics", "metals", "biowaste", "textiles", "glass", "inert", "weee", "hazardous"],
    "packaging": ["pallets", "crates", "ibc", "drums"],
    "energy": ["waste_heat", "steam", "cold", "electricity", "gas", "compressed_air"],
    "water": ["process", "rain", "softened", "effluents"],
    "equipment": [],
    "skills": [],
    "jobs": [],
    "space": [],
    "logistics": [],
    "services": [],
    "other": [],
}
CATEGORY_KEYS = list(CATEGORIES)
SUBCATEGORY_KEYS = sorted({s for subs in CATEGORIES.values() for s in subs})

# Follow-up (app/followup): how a contact was made, what a participant may report for their organisation.
CONTACT_CHANNELS = ["phone", "email", "meeting", "visit", "video", "other"]
OUTCOME_STATUSES = ["discussion", "soon", "done", "standby", "abandoned"]
FACTOR_FAMILIES = ["material", "energy", "water"]
