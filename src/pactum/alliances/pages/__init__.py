"""Pages for alliances: the list, proposing one, invitations, the alliance page, members,
lifecycle moves, exports and live updates. Routes stay thin; the services hold every rule."""

from fastapi import APIRouter

from pactum.alliances.pages import detail, exports, invitations, listing, live

router = APIRouter()
for module in (listing, invitations, detail, exports, live):
    router.include_router(module.router)
