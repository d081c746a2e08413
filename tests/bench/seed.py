"""Bulk fixtures written straight into the services' databases (benchmark data only).

Core inserts with executemany; column defaults of the models fill the rest.
"""
from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from argon2 import PasswordHasher
from sqlalchemy import create_engine, insert

from frontend.models import User
from services.coach.models import Reflection
from services.notifier.models import Notification
from services.tracker.models import Application
from shared.tables import utcnow

COMPANIES = ["Acme", "Globex", "Initech", "Hooli", "Umbrella", "Stark", "Wayne", "Wonka", "Tyrell"]
ROLES = ["Backend Engineer", "Data Analyst", "Product Manager", "Designer", "SRE", "QA Engineer"]
STAGES = ["applied"] * 5 + ["screening", "interview", "rejected", "ghosted", "saved"]
CHUNK = 5000


def _write(url: str, table, rows: list[dict]) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for start in range(0, len(rows), CHUNK):
                conn.execute(insert(table), rows[start:start + CHUNK])
    finally:
        engine.dispose()


def application_rows(user_id: str, count: int, rng: random.Random, stage: str | None = None) -> list[dict]:
    today, now = date.today(), utcnow()
    rows = []
    for i in range(count):
        company = f"{rng.choice(COMPANIES)} {i}"
        applied = today - timedelta(days=rng.randint(0, 300))
        rows.append({"user_id": user_id, "company": company, "company_key": company.lower(),
                     "role": rng.choice(ROLES), "source": "LinkedIn", "stage": stage or rng.choice(STAGES),
                     "applied_on": applied, "stage_since": applied, "created_at": now, "updated_at": now})
    return rows


def applications(url: str, user_ids: list[str], per_user: int, seed: int = 1,
                 stage: str | None = None) -> None:
    rng = random.Random(seed)
    for start in range(0, len(user_ids), 20):  # bounded memory for 1,000 x 500
        rows = [r for u in user_ids[start:start + 20] for r in application_rows(u, per_user, rng, stage)]
        _write(url, Application.__table__, rows)


def reflections(url: str, user_id: str, count: int) -> None:
    now = utcnow()
    _write(url, Reflection.__table__, [
        {"user_id": user_id, "application_id": i + 1, "kind": "rejection", "status": "open",
         "prompt": f"What is one thing from the talks with company {i} you would keep?",
         "source_event_id": str(uuid.uuid4()), "created_at": now} for i in range(count)])


def notifications(url: str, user_id: str, count: int) -> None:
    """Inbox items as the coach's cards make them: one per moment, with its sections."""
    now = utcnow()
    cards = [str(uuid.uuid4()) for _ in range(count)]
    _write(url, Notification.__table__, [
        {"user_id": user_id, "kind": "coach_card", "severity": "gentle", "title": f"After Company {i}'s answer",
         "body": f"Company {i} won't be going ahead: a check-in and a question to think over.",
         "link": f"/inbox#card-{card}", "ref": f"card:{card}",
         "sections": [{"kind": "feelings", "title": "A moment for you", "body": "How are you, from 1 to 5?",
                       "link": "/journal"},
                      {"kind": "reflection", "title": "A question to keep", "body": f"What would you keep from {i}?",
                       "link": "/journal"}],
         "source_event_id": str(uuid.uuid4()), "about_rejection": True, "created_at": now,
         "read_at": now if i % 3 else None} for i, card in enumerate(cards)])


def users(url: str, count: int, password: str, prefix: str = "scale") -> list[tuple[str, str]]:
    """`count` accounts sharing one password hash; [(id, email)]."""
    hashed = PasswordHasher().hash(password)
    made = [(str(uuid.uuid4()), f"{prefix}{i}@bench.example") for i in range(count)]
    _write(url, User.__table__, [{"id": uid, "email": email, "password_hash": hashed,
                                  "display_name": f"Bench {i}", "timezone": "UTC", "created_at": utcnow()}
                                 for i, (uid, email) in enumerate(made)])
    return made
