"""The inbox: every user-facing event becomes an item; read, archive, paginate, count."""
from notifier_samples import reflection


def test_each_event_type_becomes_the_right_kind_of_item(notifier):
    notifier.register()
    notifier.event("reflection.prompted", reflection())
    notifier.event("win.celebrated", {"win_id": 1, "kind": "first_application", "title": "First!"})
    notifier.event("goal.updated", {"goal_id": 3, "kind": "applications", "title": "Apply to 5",
                                    "progress": 5, "target": 5, "period": "week"})
    notifier.event("reminder.due", {"reminder_id": 4, "kind": "weekly_review", "application_id": None,
                                    "due_at": "2026-03-02T12:00:00+00:00"})
    notifier.event("reminder.due", {"reminder_id": 5, "kind": "follow_up", "application_id": 9,
                                    "due_at": "2026-03-02T12:00:00+00:00", "urgency": "high"})
    notifier.event("insight.generated", {"insight_id": 6, "kind": "pace", "title": "Steady pace",
                                         "body": "You applied every day this week."})
    items = notifier.get("/notifications").json["items"]
    assert [(i["kind"], i["severity"]) for i in items] == [
        ("insight", "info"), ("reminder", "important"), ("weekly_review", "info"),
        ("goal", "celebration"), ("win", "celebration"), ("reflection", "gentle")]
    assert items[-1]["body"] == "How was it?" and items[-1]["link"].endswith("reflection-7")
    assert items[1]["link"] == "/applications/9"


def test_goal_progress_is_not_news_but_reaching_it_is_once(notifier):
    goal = {"goal_id": 3, "kind": "applications", "title": "Apply to 5", "target": 5, "period": "week"}
    notifier.event("goal.updated", {**goal, "progress": 2})
    assert notifier.get("/notifications").json["items"] == []
    notifier.event("goal.updated", {**goal, "progress": 5})
    notifier.event("goal.updated", {**goal, "progress": 6})
    assert [i["title"] for i in notifier.get("/notifications").json["items"]] == ["Goal reached"]


def test_read_read_all_and_archive(notifier):
    for i in range(3):
        notifier.event("win.celebrated", {"win_id": i, "kind": "k", "title": f"Win {i}"})
    first, second, third = notifier.get("/notifications").json["items"]
    assert notifier.post(f"/notifications/{first['id']}/read", user="bob").status_code == 404
    assert notifier.post(f"/notifications/{first['id']}/read").json["read_at"]
    assert notifier.get("/notifications/unread_count").json == {"count": 2}
    assert notifier.post(f"/notifications/{second['id']}/archive").json["archived_at"]
    assert [i["id"] for i in notifier.get("/notifications").json["items"]] == [first["id"], third["id"]]
    assert [i["id"] for i in notifier.get("/notifications?archived=1").json["items"]] == [second["id"]]
    assert notifier.post("/notifications/read_all").json == {"updated": 1}
    assert notifier.get("/notifications?unread=1").json["items"] == []
    assert notifier.post("/notifications/read_all", user="bob").json == {"updated": 0}


def test_cursor_pagination_walks_the_whole_inbox(notifier):
    for i in range(5):
        notifier.event("win.celebrated", {"win_id": i, "kind": "k", "title": f"Win {i}"})
    page = notifier.get("/notifications?limit=2").json
    seen = [i["body"] for i in page["items"]]
    while page["next_cursor"]:
        page = notifier.get(f"/notifications?limit=2&cursor={page['next_cursor']}").json
        seen += [i["body"] for i in page["items"]]
    assert seen == [f"Win {i}" for i in range(4, -1, -1)]
    assert notifier.get("/notifications?cursor=garbage").status_code == 422


def test_unread_count_answers_304_until_something_changes(notifier):
    notifier.event("win.celebrated", {"win_id": 1, "kind": "k", "title": "One"})
    first = notifier.get("/notifications/unread_count")
    etag = first.headers["ETag"]
    assert first.json == {"count": 1}
    again = notifier.get("/notifications/unread_count", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    notifier.event("win.celebrated", {"win_id": 2, "kind": "k", "title": "Two"})
    changed = notifier.get("/notifications/unread_count", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json == {"count": 2}
    assert notifier.get("/notifications/unread_count", user="bob").json == {"count": 0}


def test_reading_archiving_and_erasing_change_the_unread_etag(notifier):
    for i in range(3):
        notifier.event("win.celebrated", {"win_id": i, "kind": "k", "title": f"Win {i}"})
    newest, middle, _ = notifier.get("/notifications").json["items"]
    seen = [notifier.get("/notifications/unread_count").headers["ETag"]]
    for change in (f"/notifications/{newest['id']}/read", f"/notifications/{middle['id']}/archive"):
        assert notifier.post(change).status_code == 200
        answer = notifier.get("/notifications/unread_count", headers={"If-None-Match": seen[-1]})
        assert answer.status_code == 200 and answer.headers["ETag"] not in seen
        seen.append(answer.headers["ETag"])
    assert answer.json == {"count": 1}
    notifier.event("user.deleted", {})  # a badge still open on another device drops to nothing
    answer = notifier.get("/notifications/unread_count", headers={"If-None-Match": seen[-1]})
    assert answer.status_code == 200 and answer.json == {"count": 0}


def test_withdrawn_coaching_leaves_the_inbox_and_is_not_sent(notifier):
    notifier.register()
    notifier.send("PATCH", "/preferences", {"topics": {"wins": "immediate", "coaching": "immediate"}})
    notifier.event("reflection.prompted", reflection(reflection_id=7))
    notifier.event("win.celebrated", {"win_id": 2, "kind": "k", "title": "Kept"})
    notifier.event("coaching.withdrawn", {"application_id": 1, "reflection_ids": [7],
                                          "suggestion_ids": [], "win_ids": []})
    assert [i["body"] for i in notifier.get("/notifications").json["items"]] == ["Kept"]
    notifier.clock.advance(hours=12)  # past any night hold
    notifier.tick()
    assert [m.body for m in notifier.recorder.to("alice@example.org")] == ["Kept"]


def test_a_deleted_user_leaves_nothing_behind(notifier):
    notifier.register()
    notifier.event("win.celebrated", {"win_id": 1, "kind": "k", "title": "One"})
    notifier.post("/supporters", {"name": "Sam", "relationship": "friend", "email": "sam@example.org"})
    notifier.event("user.deleted", {})
    assert notifier.get("/notifications").json["items"] == []
    assert notifier.get("/supporters").json["items"] == []
    assert notifier.get("/channels").json["items"] == []
    assert notifier.deliveries() == []
