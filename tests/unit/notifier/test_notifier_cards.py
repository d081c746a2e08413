"""A coach card is one inbox item with its sections; the pieces it carries make no items of their own."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from services.notifier.models import Notification, metadata
from shared.db import alembic_config
from rebound.migrations import migrations_dir
from shared.tables import bus_metadata

CARD = {
    "card_id": "7c074000-bad7-5b9e-9cdb-66ddb178c7e0", "cause_event_id": "e1", "cause_type": "application.rejected",
    "application_id": 4, "title": "After Acme's answer", "summary": "Acme won't be going ahead: a check-in.",
    "sections": [{"kind": "feelings", "title": "How are you?", "body": "From 1 to 5.", "link": "/journal"},
                 {"kind": "reflection", "title": "A look back", "body": "What went well?", "link": "/journal"}],
    "urgency": "normal", "email": "digest", "private": False,
}


def items(notifier) -> list[Notification]:
    with notifier.runtime.sessions() as session:
        found = list(session.scalars(select(Notification).order_by(Notification.id)))
        session.expunge_all()
        return found


def test_a_card_is_one_inbox_item_with_its_sections(notifier):
    notifier.register()
    event = notifier.event("coach.card_composed", CARD)
    notifier.apply(event)  # delivered twice: still one item
    [item] = items(notifier)
    assert (item.kind, item.title, item.body) == ("coach_card", "After Acme's answer", CARD["summary"])
    assert item.sections == CARD["sections"] and item.link == f"/inbox#card-{CARD['card_id']}"
    assert item.about_rejection and len(notifier.deliveries(notification_id=item.id)) == 1


def test_the_pieces_a_card_carries_make_no_items_of_their_own(notifier):
    notifier.register()
    card_id = CARD["card_id"]
    notifier.event("reflection.prompted", {"reflection_id": 1, "application_id": 4, "kind": "rejection_resume",
                                           "prompt": "What went well?", "card_id": card_id})
    notifier.event("suggestion.offered", {"suggestion_id": 1, "kind": "checkin", "title": "How are you?",
                                          "body": "From 1 to 5.", "application_id": 4, "card_id": card_id})
    notifier.event("win.celebrated", {"win_id": 1, "kind": "feedback_received", "title": "Feedback.",
                                      "card_id": card_id})
    notifier.event("goal.updated", {"goal_id": 1, "kind": "applications", "title": "Send 2", "progress": 0,
                                    "target": 2, "period": "week", "status": "proposed", "card_id": card_id})
    notifier.event("win.celebrated", {"win_id": 2, "kind": "own", "title": "I finished my portfolio"})
    assert items(notifier) == []
    # From a coach that knows nothing of cards, a piece is still an item.
    notifier.event("win.celebrated", {"win_id": 3, "kind": "offer", "title": "An offer!"})
    assert [i.kind for i in items(notifier)] == ["win"]


def test_a_card_sent_again_is_revised_in_place_and_not_sent_again(notifier):
    notifier.register()
    notifier.event("coach.card_composed", CARD)
    revised = {**CARD, "summary": "Acme won't be going ahead: a question to think over.",
               "sections": CARD["sections"][1:]}
    notifier.event("coach.card_composed", revised)
    [item] = items(notifier)
    assert item.body == revised["summary"] and [s["kind"] for s in item.sections] == ["reflection"]
    assert len(notifier.deliveries()) == 1


def test_private_and_safety_cards_stay_in_the_app(notifier):
    notifier.register()
    notifier.event("coach.card_composed", {**CARD, "email": "never", "private": True})
    [item] = items(notifier)
    assert notifier.deliveries(notification_id=item.id) == []


def test_a_withdrawn_card_leaves_the_inbox_before_it_goes_out(notifier):
    notifier.register()
    notifier.event("coach.card_composed", CARD)
    notifier.event("coaching.withdrawn", {"application_id": 4, "reflection_ids": [], "suggestion_ids": [],
                                          "win_ids": [], "card_ids": [CARD["card_id"]]})
    [item] = items(notifier)
    assert item.archived_at is not None
    assert [d.state for d in notifier.deliveries(notification_id=item.id)] == ["cancelled"]


def test_the_sections_migration_builds_the_declared_schema_and_steps_back(notifier):
    engine = notifier.runtime.engine

    def differences():
        with engine.connect() as connection:
            return compare_metadata(MigrationContext.configure(connection), [metadata, bus_metadata])

    assert differences() == []
    config = alembic_config(migrations_dir("notifier"), notifier.runtime.settings.database_url("notifier"))
    command.downgrade(config, "0002")
    assert "sections" not in {c["name"] for c in inspect(engine).get_columns("notifications")}
    command.upgrade(config, "head")
    assert differences() == []
