"""``pactum admin``, ``pactum org``, ``pactum user`` and ``pactum token``."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from pactum.audit.service import Actor
from pactum.auth import service as auth
from pactum.auth import tokens as api_tokens
from pactum.cli.context import console, err, session, settings
from pactum.orgs import invitations
from pactum.orgs import service as orgs
from pactum.orgs.schemas import InvitationCreate, OrgCreate, PersonCreate

admin_app = typer.Typer(help="Instance administrators.", no_args_is_help=True)
org_app = typer.Typer(help="Organisations.", no_args_is_help=True)
user_app = typer.Typer(help="People.", no_args_is_help=True)
token_app = typer.Typer(help="Personal API tokens.", no_args_is_help=True)

CLI = Actor.system("command line")
PasswordOpt = Annotated[
    str,
    typer.Option(
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="PACTUM_NEW_PASSWORD",
        help="At least 12 characters; prompted for when omitted (or PACTUM_NEW_PASSWORD).",
    ),
]


def _person(**fields: object) -> PersonCreate:
    try:
        return PersonCreate.model_validate(fields)
    except ValidationError as exc:
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"])
            err.print(f"[red]{field}:[/red] {error['msg']}")
        raise typer.Exit(2) from exc


@admin_app.command("create")
def admin_create(
    email: Annotated[str, typer.Option(help="The administrator's e-mail (their login).")],
    name: Annotated[str, typer.Option(help="Full name.")],
    password: PasswordOpt,
) -> None:
    """Create an instance administrator (manages organisations; sees no alliance data)."""
    data = _person(email=email, name=name, password=password)
    with session() as db:
        orgs.create_user(db, CLI, org=None, data=data, is_instance_admin=True)
    console.print(f"Instance administrator {data.email} created.")


@org_app.command("create")
def org_create(
    name: Annotated[str, typer.Argument(help="The organisation's name.")],
    kind: Annotated[str, typer.Option(help="biotech, pharma, academic ...")] = "company",
    require_totp: Annotated[
        bool, typer.Option(help="Require a second factor from its people.")
    ] = False,
) -> None:
    """Create an organisation."""
    with session() as db:
        org = orgs.create_org(db, CLI, OrgCreate(name=name, kind=kind, require_totp=require_totp))
        console.print(f"Organisation {org.name} created (id {org.id}).")


@org_app.command("list")
def org_list() -> None:
    """List organisations."""
    with session() as db:
        for org in orgs.list_orgs(db):
            console.print(f"{org.id}  {org.name}  ({org.kind})")


@user_app.command("create")
def user_create(
    org: Annotated[str, typer.Option(help="Organisation name or id.")],
    email: Annotated[str, typer.Option(help="E-mail (their login).")],
    name: Annotated[str, typer.Option(help="Full name.")],
    password: PasswordOpt,
    admin: Annotated[bool, typer.Option(help="Make them an organisation administrator.")] = False,
    title: Annotated[str, typer.Option(help="Job title.")] = "",
) -> None:
    """Create a new account in an organisation (an address that already has an account is
    refused: invite its owner with ``pactum user invite`` instead)."""
    data = _person(email=email, name=name, password=password, is_admin=admin, title=title)
    with session() as db:
        organisation = orgs.find_org(db, org)
        orgs.create_user(db, CLI, org=organisation, data=data)
        console.print(f"{data.email} added to {organisation.name}.")


@user_app.command("invite")
def user_invite(
    org: Annotated[str, typer.Option(help="Organisation name or id.")],
    email: Annotated[str, typer.Option(help="The address to invite.")],
    admin: Annotated[bool, typer.Option(help="Make them an organisation administrator.")] = False,
    title: Annotated[str, typer.Option(help="Job title.")] = "",
) -> None:
    """Invite an address to an organisation and print its single-use link (for closed
    networks without e-mail: hand the link to the person). They become a member when
    they accept; the invitation e-mail is also sent when SMTP is configured."""
    config = settings()
    try:
        data = InvitationCreate(email=email, title=title, is_admin=admin)
    except ValidationError as exc:
        for error in exc.errors():
            err.print(f"[red]{'.'.join(str(p) for p in error['loc'])}:[/red] {error['msg']}")
        raise typer.Exit(2) from exc
    with session(config) as db:
        organisation = orgs.find_org(db, org)
        invitation = invitations.create_invitation(
            db, config, org_id=organisation.id, actor=CLI, data=data
        )
        link = invitations.link(config, invitation)
        expires = invitation.expires_at
    until = f"{expires:%d %b %Y %H:%M} UTC"
    console.print(f"Invitation to {organisation.name} for {data.email}, open until {until}:")
    typer.echo(link)


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Option(help="E-mail of the token's owner.")],
    org: Annotated[
        str | None, typer.Option(help="Organisation (name or id); default: their first.")
    ] = None,
    name: Annotated[str, typer.Option(help="A label to recognise the token by.")] = "cli",
    days: Annotated[int | None, typer.Option(help="Expire after this many days.")] = None,
) -> None:
    """Create a personal API token and print it (shown once)."""
    config = settings()
    with session(config) as db:
        person = auth.find_user(db, user)
        if person is None:
            err.print(f"[red]user:[/red] no person with e-mail {user}")
            raise typer.Exit(1)
        memberships = auth.active_memberships(db, person.id)
        if org is not None:
            org_id = orgs.find_org(db, org).id
        elif memberships:
            org_id = memberships[0].org_id
        else:
            err.print("[red]org:[/red] the person belongs to no active organisation")
            raise typer.Exit(1)
        raw, _row = api_tokens.create_token(
            db, config, user=person, org_id=org_id, name=name, days=days
        )
    typer.echo(raw)
