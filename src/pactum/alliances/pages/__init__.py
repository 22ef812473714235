"""Pages for alliances: the list, proposing one, invitations, the alliance page, members,
lifecycle moves and exports. Routes stay thin; the services hold every rule."""

from fastapi import APIRouter

from pactum.alliances.pages import detail, exports, invitations, listing

router = APIRouter()
for module in (listing, invitations, detail, exports):
    router.include_router(module.router)
