"""Demo data: a biotech, a pharma, an outsider and one active co-development alliance.

Loading is idempotent: when the demo organisations exist nothing is added. Every record
is created through the services, so the demo data is audited like real work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import Principal, invitations_for, open_alliance
from pactum.alliances import service as alliances
from pactum.alliances.schemas import AllianceCreate, MemberCreate, PartnerIn, TransitionIn
from pactum.audit.service import Actor
from pactum.auth.service import active_memberships, principal_for
from pactum.models import Organisation, User
from pactum.objectives import service as objectives
from pactum.objectives.schemas import ObjectiveCreate
from pactum.ops.demo_finance import load_finance, load_statements
from pactum.ops.demo_governance import load_governance
from pactum.orgs import service as orgs
from pactum.orgs.schemas import OrgCreate, PersonCreate

DEMO_PASSWORD = "pactum-demo-2026"  # noqa: S105  (documented demo credential)
ADMIN_EMAIL = "admin@pactum.example"


@dataclass(frozen=True)
class DemoPerson:
    """A demo login."""

    email: str
    name: str
    org: str
    title: str
    is_admin: bool
    alliance_role: str | None


HELIX = "Helix Biotherapeutics"
MERIDIAN = "Meridian Pharma"
NORTHWIND = "Northwind Genomics"

PEOPLE = (
    DemoPerson(
        "amara.okafor@helixbio.example",
        "Dr Amara Okafor",
        HELIX,
        "VP Alliance Management",
        True,
        "alliance_manager",
    ),
    DemoPerson(
        "tom.reyes@helixbio.example",
        "Tom Reyes",
        HELIX,
        "Head of Translational Science",
        False,
        "committee_member",
    ),
    DemoPerson(
        "priya.nair@helixbio.example", "Priya Nair", HELIX, "Finance Director", False, "finance"
    ),
    DemoPerson(
        "lena.fischer@helixbio.example",
        "Lena Fischer",
        HELIX,
        "Project Lead, HLX-204",
        False,
        "contributor",
    ),
    DemoPerson(
        "julia.brandt@meridianpharma.example",
        "Julia Brandt",
        MERIDIAN,
        "Director, Alliance Management",
        True,
        "alliance_manager",
    ),
    DemoPerson(
        "kenji.sato@meridianpharma.example",
        "Kenji Sato",
        MERIDIAN,
        "Global Program Head, Oncology",
        False,
        "committee_member",
    ),
    DemoPerson(
        "laura.chen@meridianpharma.example",
        "Laura Chen",
        MERIDIAN,
        "Senior Counsel, BD Legal",
        False,
        "legal",
    ),
    DemoPerson(
        "marc.dubois@meridianpharma.example",
        "Marc Dubois",
        MERIDIAN,
        "Alliance Finance Lead",
        False,
        "finance",
    ),
    DemoPerson(
        "rafael.ortiz@helixbio.example",
        "Dr Rafael Ortiz",
        HELIX,
        "Chief Executive Officer (executive officer)",
        False,
        "committee_member",
    ),
    DemoPerson(
        "henrik.larsen@meridianpharma.example",
        "Henrik Larsen",
        MERIDIAN,
        "EVP Research & Development (executive officer)",
        False,
        "committee_member",
    ),
    # One person in two organisations: she switches between them in the page header.
    DemoPerson(
        "sofia.marin@northwindgen.example",
        "Sofia Marin",
        NORTHWIND,
        "Head of Business Development",
        False,
        None,
    ),
    DemoPerson(
        "sofia.marin@northwindgen.example",
        "Sofia Marin",
        HELIX,
        "Business development adviser (consultant)",
        False,
        "viewer",
    ),
    DemoPerson(
        "oliver.grant@northwindgen.example",
        "Oliver Grant",
        NORTHWIND,
        "Chief Business Officer",
        True,
        None,
    ),
)

ALLIANCE_NAME = "HLX-204 KRAS G12D co-development"

SHARED: tuple[tuple[str, str, str, str, date, str, str], ...] = (
    (
        "objective",
        "First patient dosed in the Phase I dose-escalation study",
        "Open at least six US and EU sites and dose the first patient.",
        "Date of first dose",
        date(2027, 3, 31),
        "on_track",
        HELIX,
    ),
    (
        "objective",
        "Recommended Phase II dose agreed by the JDC",
        "Safety review committee and JDC agree the RP2D from escalation data.",
        "JDC decision recorded",
        date(2028, 6, 30),
        "proposed",
        MERIDIAN,
    ),
    (
        "objective",
        "Companion diagnostic partner selected",
        "Select a CDx partner for KRAS G12D testing before pivotal planning.",
        "Signed CDx agreement",
        date(2027, 9, 30),
        "at_risk",
        MERIDIAN,
    ),
    (
        "expected_benefit",
        "Combined development cost below plan by 10%",
        "Shared CRO and site network lower per-patient costs.",
        "Budget variance per quarter",
        date(2028, 12, 31),
        "on_track",
        HELIX,
    ),
)
PRIVATE: tuple[tuple[str, str, str, str, str, date | None], ...] = (
    (
        HELIX,
        "walk_away",
        "Do not accept a profit share below 40%",
        "Board mandate: below 40% of US profits the programme is worth more out-licensed.",
        "Board approval",
        None,
    ),
    (
        HELIX,
        "expected_benefit",
        "Build in-house late-stage oncology capability",
        "Use the alliance to hire and train a clinical operations team for Phase III.",
        "Headcount and SOPs in place",
        date(2028, 1, 31),
    ),
    (
        MERIDIAN,
        "walk_away",
        "Exit if the ORR at RP2D is below 20%",
        "Portfolio committee threshold for continued co-funding.",
        "Interim ORR",
        None,
    ),
    (
        MERIDIAN,
        "objective",
        "Secure ex-US commercial lead",
        "Negotiate commercial lead outside the US at the first amendment.",
        "Amendment signed",
        date(2028, 3, 31),
    ),
)


def is_loaded(session: Session) -> bool:
    """Whether the demo organisations already exist."""
    return (
        session.execute(select(Organisation.id).where(Organisation.name == HELIX)).first()
        is not None
    )


def load(session: Session) -> bool:
    """Load the demo data unless present; returns whether anything was added."""
    if is_loaded(session):
        return False
    system = Actor.system("demo loader")
    if session.execute(select(User.id).where(User.email == ADMIN_EMAIL)).first() is None:
        orgs.create_user(
            session,
            system,
            org=None,
            data=PersonCreate(
                email=ADMIN_EMAIL, name="Instance Administrator", password=DEMO_PASSWORD
            ),
            is_instance_admin=True,
        )
    org_ids = {
        name: orgs.create_org(session, system, OrgCreate(name=name, kind=kind)).id
        for name, kind in ((HELIX, "biotech"), (MERIDIAN, "pharma"), (NORTHWIND, "biotech"))
    }
    users: dict[str, User] = {}
    for person in PEOPLE:
        if person.email in users:  # a second organisation: the operator provisions it
            orgs.provision_membership(
                session,
                system,
                org=session.get_one(Organisation, org_ids[person.org]),
                user=users[person.email],
                title=person.title,
                is_admin=person.is_admin,
            )
            continue
        users[person.email] = orgs.create_user(
            session,
            system,
            org=session.get(Organisation, org_ids[person.org]),
            data=PersonCreate(
                email=person.email,
                name=person.name,
                title=person.title,
                is_admin=person.is_admin,
                password=DEMO_PASSWORD,
            ),
        )

    def principal(email: str) -> Principal:
        user = users[email]
        return principal_for(user, active_memberships(session, user.id)[0])

    helix_manager, meridian_manager = PEOPLE[0].email, PEOPLE[4].email
    alliance = alliances.create_alliance(
        session,
        principal(helix_manager),
        AllianceCreate(
            name=ALLIANCE_NAME,
            types=["co_development", "licensing"],
            therapeutic_area="Oncology",
            description=(
                "50/50 co-development and co-commercialisation of HLX-204, an oral KRAS G12D "
                "inhibitor, in pancreatic and colorectal cancer. Helix leads development "
                "through Phase II; Meridian leads Phase III and commercialisation."
            ),
            my_role="licensor",
            partners=[PartnerIn(org_id=org_ids[MERIDIAN], role="licensee")],
        ),
    )
    invitation = next(
        p
        for p in session.execute(invitations_for(principal(meridian_manager))).scalars()
        if p.alliance_id == alliance.id
    )
    alliances.respond_invitation(session, principal(meridian_manager), invitation.id, accept=True)
    managers = {HELIX: helix_manager, MERIDIAN: meridian_manager}
    for person in PEOPLE:
        if person.alliance_role and person.alliance_role != "alliance_manager":
            view = open_alliance(session, principal(managers[person.org]), alliance.id)
            alliances.add_member(
                session,
                view,
                MemberCreate.model_validate(
                    {"user_id": users[person.email].id, "role": person.alliance_role}
                ),
            )
    for status in ("due_diligence", "negotiation", "launching", "active"):
        view = open_alliance(session, principal(helix_manager), alliance.id)
        move = TransitionIn.model_validate({"status": status, "reason": "Demo history"})
        alliances.transition(session, view, move, expected_version=None)
    rows: list[tuple[str, str, str, str, str, str, date | None, str]] = [
        (org, "shared", kind, title, text, measure, due, status)
        for kind, title, text, measure, due, status, org in SHARED
    ]
    rows += [
        (org, "private", kind, title, text, measure, due, "proposed")
        for org, kind, title, text, measure, due in PRIVATE
    ]
    for org, visibility, kind, title, text, measure, due, status in rows:
        view = open_alliance(session, principal(managers[org]), alliance.id)
        data = {
            "kind": kind,
            "title": title,
            "description": text,
            "measure": measure,
            "target_date": due,
            "status": status,
            "visibility": visibility,
            "owner_user_id": users[managers[org]].id,
        }
        objectives.create_objective(session, view, ObjectiveCreate.model_validate(data))
    finance_orgs = {"helix": org_ids[HELIX], "meridian": org_ids[MERIDIAN]}
    finance_people = {
        "helix_manager": helix_manager,
        "helix_finance": "priya.nair@helixbio.example",
        "meridian_finance": "marc.dubois@meridianpharma.example",
    }
    load_finance(session, principal, alliance.id, finance_orgs, finance_people)
    load_statements(session, principal, alliance.id, finance_orgs, finance_people)
    governance_people = {
        "helix_manager": helix_manager,
        "helix_scientist": "tom.reyes@helixbio.example",
        "helix_lead": "lena.fischer@helixbio.example",
        "helix_exec": "rafael.ortiz@helixbio.example",
        "meridian_manager": meridian_manager,
        "meridian_scientist": "kenji.sato@meridianpharma.example",
        "meridian_legal": "laura.chen@meridianpharma.example",
        "meridian_exec": "henrik.larsen@meridianpharma.example",
    }
    load_governance(session, principal, alliance.id, finance_orgs, governance_people)
    return True


def logins() -> list[tuple[str, str, str, str]]:
    """(organisation, name, e-mail, role) of every demo login; all share DEMO_PASSWORD."""
    rows = [("(instance)", "Instance Administrator", ADMIN_EMAIL, "instance administrator")]
    for p in PEOPLE:
        role = ("organisation admin, " if p.is_admin else "") + (
            (p.alliance_role or "no alliance role").replace("_", " ")
        )
        rows.append((p.org, p.name, p.email, role))
    return rows
