"""How objectives are shown to people: their kinds and statuses in plain words."""

KIND_LABELS = {
    "objective": "Objective",
    "expected_benefit": "Expected benefit",
    "walk_away": "Walk-away point",
}
OBJECTIVE_STATUS_LABELS = {
    "proposed": "Proposed",
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "achieved": "Achieved",
    "dropped": "Dropped",
}
