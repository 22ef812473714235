"""What a person may see and do: the one policy every query of alliance data goes through."""

from pactum.access.policy import (
    PERMISSIONS,
    AllianceView,
    Denial,
    Principal,
    get_scoped,
    invitations_for,
    lock_alliance,
    lock_party,
    not_found,
    open_alliance,
    record_denial,
    roles_by_alliance,
    scoped,
    system_scope,
    visible_alliances,
)

__all__ = [
    "PERMISSIONS",
    "AllianceView",
    "Denial",
    "Principal",
    "get_scoped",
    "invitations_for",
    "lock_alliance",
    "lock_party",
    "not_found",
    "open_alliance",
    "record_denial",
    "roles_by_alliance",
    "scoped",
    "system_scope",
    "visible_alliances",
]
