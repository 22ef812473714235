"""Benchmark: the finance page of an alliance with five years of quarterly statements.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_finance_pages.py
[--database-url URL]``). Target: a bounded number of SQL queries (the same for one year
as for five) and a median under 150 ms.

The alliance has an agreement (plus one earlier agreement per year), 20 quarters each with
a royalty statement, a cost-sharing true-up and a P&L statement (each invoiced), two
invoiced milestone claims per year, two payments per invoice, and recurring obligations.
Figures are medians of in-process requests (FastAPI TestClient, no network).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.data import LargeAlliance, build_large_alliance  # noqa: E402
from pactum.auth.service import start_session  # noqa: E402
from pactum.auth.tokens import create_token  # noqa: E402
from pactum.core.db import make_engine, make_sessionmaker, transaction  # noqa: E402
from pactum.core.migrate import upgrade  # noqa: E402
from pactum.core.time import utcnow  # noqa: E402
from pactum.main import create_app  # noqa: E402
from pactum.models import (  # noqa: E402
    Agreement,
    AgreementVersion,
    Invoice,
    MilestoneClaim,
    Obligation,
    Payment,
    PnlStatement,
    RoyaltyStatement,
    TrueUp,
    User,
)
from pactum.settings import Settings  # noqa: E402
from pactum.web.session import COOKIE  # noqa: E402


def add_finance_history(session: Session, big: LargeAlliance, years: int) -> None:
    """An agreement and ``years`` years of quarterly statements, invoices and payments."""
    a, b = big.manager.org_id, big.partner.org_id
    assert a is not None
    assert b is not None
    user = big.manager.user_id
    common: dict[str, Any] = {
        "alliance_id": big.alliance_id,
        "owner_org_id": a,
        "visibility": "shared",
    }
    start = date(2022, 1, 1)
    agreement = Agreement(
        **common,
        title="Benchmark licence",
        status="in_force",
        licensor_org_id=a,
        licensee_org_id=b,
        currency="USD",
        effective_date=start,
        created_by_id=user,
    )
    session.add(agreement)
    session.flush()
    session.add(
        AgreementVersion(
            **common, agreement_id=agreement.id, number=1, effective_date=start, created_by_id=user
        )
    )
    for y in range(years):  # one earlier agreement per year, each with a version
        older = Agreement(
            **common,
            title=f"Side letter {y}",
            status="expired",
            licensor_org_id=a,
            licensee_org_id=b,
            currency="USD",
            effective_date=start,
            created_by_id=user,
        )
        session.add(older)
        session.flush()
        session.add(
            AgreementVersion(
                **common, agreement_id=older.id, number=1, effective_date=start, created_by_id=user
            )
        )
    invoices: list[dict[str, Any]] = []
    payments: list[dict[str, Any]] = []
    number = 0

    def invoice(
        source: str, source_id: uuid.UUID, day: date, amount: Decimal, payer: uuid.UUID
    ) -> None:
        nonlocal number
        number += 1
        invoice_id = uuid.uuid4()
        paid = amount if day < date(2026, 6, 1) else Decimal(0)
        invoices.append(
            {
                **common,
                "id": invoice_id,
                "number": f"INV-{day.year}-{number:04d}",
                "source_type": source,
                "source_id": source_id,
                "description": f"{source} {day.isoformat()}",
                "payer_org_id": payer,
                "payee_org_id": a if payer == b else b,
                "amount": amount,
                "paid": paid,
                "currency": "USD",
                "issued_on": day,
                "due_on": day + timedelta(days=45),
                "issued_by_id": user,
                "created_at": utcnow(),
                "version": 1,
            }
        )
        if paid:
            half = (amount / 2).quantize(Decimal("0.01"))
            for part, when in ((half, 20), (amount - half, 40)):
                payments.append(
                    {
                        **common,
                        "id": uuid.uuid4(),
                        "invoice_id": invoice_id,
                        "amount": part,
                        "currency": "USD",
                        "paid_on": day + timedelta(days=when),
                        "reference": "",
                        "note": "",
                        "recorded_by_id": user,
                        "created_at": utcnow(),
                    }
                )

    for q in range(years * 4):
        year, quarter = 2022 + q // 4, q % 4 + 1
        end = date(year + (quarter == 4), (quarter % 4) * 3 + 1, 1) - timedelta(days=1)
        fields = {
            **common,
            "agreement_id": agreement.id,
            "year": year,
            "quarter": quarter,
            "currency": "USD",
            "status": "approved",
            "created_by_id": user,
        }
        for model, source, amount, payer in (
            (RoyaltyStatement, "royalty", Decimal("12500000.00") + q, b),
            (TrueUp, "true_up", Decimal("830000.50") + q, a if q % 2 else b),
            (PnlStatement, "pnl", Decimal("4100000.25") + q, b),
        ):
            row = model(**fields, total=amount)
            session.add(row)
            session.flush()
            invoice(source, row.id, end + timedelta(days=30), amount, payer)
    for m in range(2 * years):
        day = start + timedelta(days=100 * m)
        claim = MilestoneClaim(
            **common,
            agreement_id=agreement.id,
            milestone=f"Milestone {m}",
            achieved_on=day,
            amount=Decimal("25000000.00"),
            currency="USD",
            payer_org_id=b,
            status="invoiced",
            respond_by=day + timedelta(days=30),
            claimed_by_id=user,
        )
        session.add(claim)
        session.flush()
        invoice("milestone", claim.id, day, Decimal("25000000.00"), b)
    session.execute(insert(Invoice), invoices)
    session.execute(insert(Payment), payments)
    for i in range(10):
        session.add(
            Obligation(
                **common,
                title=f"Quarterly report {i}",
                kind="report",
                responsible_org_id=a if i % 2 else b,
                rule={
                    "type": "recurring",
                    "period": "quarter",
                    "days_after": 45,
                    "start": "2022-01-01",
                },
                created_by_id=user,
            )
        )
    session.flush()


def main() -> None:
    """Build one alliance with a year and one with five years; time the pages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp dir")
    parser.add_argument("--repeat", type=int, default=40, help="requests per URL")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pactum-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    settings = Settings(env="test", data_dir=tmp, database_url=url, secret_key="b" * 40)
    engine = make_engine(url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    built: dict[int, tuple[LargeAlliance, str, str]] = {}
    for years in (1, 5):
        with transaction(factory) as db:
            big = build_large_alliance(db, members=20, objectives=20, audit_entries=2_000)
            add_finance_history(db, big, years)
            user = db.get(User, big.manager.user_id)
            assert user is not None
            assert big.manager.org_id is not None
            token, _ = create_token(db, settings, user=user, org_id=big.manager.org_id, name="b")
            cookie, _ = start_session(db, settings, user, client="bench")
        built[years] = (big, token, cookie)

    app = create_app(settings, engine=engine)
    queries: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    print(f"\n{'request':<34}{'years':>6}{'queries':>9}{'median ms':>11}{'p95 ms':>9}")
    for name, path in (
        ("finance page (HTML)", "/alliances/{id}/finance"),
        ("statements page (HTML)", "/alliances/{id}/statements"),
        ("true-ups page (HTML)", "/alliances/{id}/true-ups"),
        ("GET ledger (API)", "/api/v1/alliances/{id}/ledger"),
        ("GET invoices (API)", "/api/v1/alliances/{id}/invoices"),
    ):
        for years, (big, token, cookie) in built.items():
            target = path.replace("{id}", str(big.alliance_id))
            with TestClient(app, base_url="https://testserver") as client:
                client.cookies.set(COOKIE, cookie)
                headers = {"Authorization": f"Bearer {token}"}
                for _ in range(3):
                    status = client.get(target, headers=headers).status_code
                if status != 200:
                    print(f"{name:<34}{years:>6}   (answered {status})")
                    continue
                queries.clear()
                client.get(target, headers=headers)
                count = len(queries)
                times = []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    client.get(target, headers=headers)
                    times.append((time.perf_counter() - t0) * 1000)
                times.sort()
                p95 = times[int(len(times) * 0.95) - 1]
                print(f"{name:<34}{years:>6}{count:>9}{statistics.median(times):>11.1f}{p95:>9.1f}")
    engine.dispose()


if __name__ == "__main__":
    main()
