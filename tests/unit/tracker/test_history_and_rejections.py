"""Stage history in date order, rejections, their retraction, and the funnel."""
import pytest

from frontend.panels import REASON_LABELS
from shared.events import REJECTION_REASONS


def _stages(app):
    return [(c["from_stage"], c["to_stage"], c["changed_on"]) for c in app["history"]]


def test_back_dated_changes_are_placed_in_date_order(tracker):
    app = tracker.create(applied_on="2026-01-01")
    tracker.post(f"/applications/{app['id']}/stage", {"stage": "interview", "changed_on": "2026-01-20"})
    late = tracker.post(f"/applications/{app['id']}/stage", {"stage": "screening", "changed_on": "2026-01-08"})
    assert late.status_code == 200
    assert _stages(late.json) == [(None, "applied", "2026-01-01"), ("applied", "screening", "2026-01-08"),
                                  ("screening", "interview", "2026-01-20")]
    assert late.json["stage"] == "interview"
    again = tracker.get(f"/applications/{app['id']}").json
    assert _stages(again) == _stages(late.json)
    event = tracker.events("application.stage_changed")[-1]["data"]
    assert event["from_stage"] == "applied" and event["to_stage"] == "screening"


def test_a_change_repeating_its_neighbour_is_a_conflict(tracker):
    app = tracker.create(applied_on="2026-01-01")
    tracker.post(f"/applications/{app['id']}/stage", {"stage": "interview", "changed_on": "2026-01-20"})
    response = tracker.post(f"/applications/{app['id']}/stage", {"stage": "interview", "changed_on": "2026-01-10"})
    assert response.status_code == 409


def test_rejection_is_placed_by_date_and_keeps_the_event_id_for_retraction(tracker):
    app = tracker.create(applied_on="2026-01-01")
    tracker.post(f"/applications/{app['id']}/stage", {"stage": "screening", "changed_on": "2026-01-05"})
    rejected = tracker.post(f"/applications/{app['id']}/rejection",
                            {"reason": "position_filled", "received_on": "2026-01-09"}).json
    assert rejected["stage"] == "rejected" and rejected["rejection"]["stage_reached"] == "screening"
    assert tracker.post(f"/applications/{app['id']}/stage", {"stage": "offer"}).status_code == 409
    [event] = tracker.events("application.rejected")
    undone = tracker.delete(f"/applications/{app['id']}/rejection")
    assert undone.status_code == 200
    assert undone.json["stage"] == "screening" and undone.json["rejection"] is None
    assert [c["to_stage"] for c in undone.json["history"]] == ["applied", "screening"]
    [retracted] = tracker.events("application.rejection_retracted")
    assert retracted["data"] == {"application_id": app["id"], "rejection_event_id": event["id"]}
    assert tracker.delete(f"/applications/{app['id']}/rejection").status_code == 404
    assert tracker.post(f"/applications/{app['id']}/rejection", {}).status_code == 201


@pytest.mark.parametrize("reason", REJECTION_REASONS)
def test_every_reason_is_taken_and_named_in_the_event(tracker, reason):
    app = tracker.create()
    assert tracker.post(f"/applications/{app['id']}/rejection", {"reason": reason}).status_code == 201
    assert tracker.events("application.rejected")[-1]["data"]["reason"] == reason
    assert REASON_LABELS[reason] != reason   # the form and the log show words, not the code


def test_feedback_added_later_is_news_for_the_coach(tracker):
    app = tracker.create()
    tracker.post(f"/applications/{app['id']}/rejection", {})
    response = tracker.patch(f"/applications/{app['id']}/rejection", {"feedback": "More SQL, please"})
    assert response.json["rejection"]["feedback"] == "More SQL, please"
    [event] = tracker.events("application.feedback_received")
    assert event["data"] == {"application_id": app["id"], "feedback": "More SQL, please"}
    assert tracker.patch(f"/applications/{app['id']}/rejection", {"reason": "vibes"}).status_code == 422


def test_withdrawn_and_ghosted_are_endings_not_rejections(tracker):
    app = tracker.create()
    tracker.post(f"/applications/{app['id']}/stage", {"stage": "withdrawn"})
    assert tracker.post(f"/applications/{app['id']}/rejection", {}).status_code == 409
    assert tracker.get("/stats").json["by_stage"] == {"withdrawn": 1}


def test_stats_count_the_furthest_stage_reached(tracker):
    ids = [tracker.create(company=f"Co{i}", applied_on="2026-01-05", source=src)["id"]
           for i, src in enumerate(["LinkedIn", "LinkedIn", "referral", "Indeed"])]
    tracker.post(f"/applications/{ids[0]}/stage", {"stage": "interview", "changed_on": "2026-01-15"})
    tracker.post(f"/applications/{ids[0]}/rejection", {"received_on": "2026-01-25"})
    tracker.post(f"/applications/{ids[2]}/stage", {"stage": "screening", "changed_on": "2026-01-09"})
    tracker.post(f"/applications/{ids[3]}/ghost")
    stats = tracker.get("/stats").json
    assert stats["by_stage"] == {"rejected": 1, "applied": 1, "screening": 1, "ghosted": 1}
    assert stats["by_furthest_stage"] == {"interview": 1, "applied": 2, "screening": 1}
    assert stats["funnel"]["applied"] == 4 and stats["funnel"]["screening"] == 2
    assert stats["funnel"]["interview"] == 1 and stats["funnel"]["offer"] == 0
    assert stats["response_rate_by_channel"]["linkedin"] == {"applied": 2, "responded": 1, "rate": 0.5}
    assert stats["response_rate_by_channel"]["job_board"]["responded"] == 0
    assert stats["median_days_to_first_response"] == 7  # 10 days and 4 days
    assert stats["applications_per_week"] == [{"week_start": "2026-01-05", "count": 4}]
    assert tracker.get("/stats/stages").json == {"total": 4, "by_stage": stats["by_stage"]}
