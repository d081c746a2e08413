"""The list: every filter, sorting, and cursors that follow the sort."""
import pytest


@pytest.fixture
def seeded(tracker):
    rows = [
        dict(company="Acme", role="Backend Engineer", applied_on="2026-01-03", source="LinkedIn", tags=["remote"], excitement=3),
        dict(company="Globex", role="Data Analyst", applied_on="2026-01-10", source="referral", excitement=5),
        dict(company="Initech", role="Platform Engineer", applied_on="2026-02-01", source="Indeed", tags=["remote", "dream"]),
        dict(company="Hooli", role="SRE", applied_on="2026-02-15", source="company site", notes="Kubernetes heavy",
             follow_up_on="2026-03-01"),
    ]
    ids = [tracker.create(**row)["id"] for row in rows]
    tracker.post(f"/applications/{ids[1]}/stage", {"stage": "interview"})
    tracker.post(f"/applications/{ids[3]}/notes", {"body": "Recruiter said Terraform"})
    tracker.post(f"/applications/{ids[2]}/rejection", {"feedback": "Wanted more Rust on the team"})
    return ids


def _ids(tracker, query):
    response = tracker.get(f"/applications?{query}")
    assert response.status_code == 200, response.json
    return [a["id"] for a in response.json["items"]]


@pytest.mark.parametrize("query, expected", [
    ("stage=interview", [1]), ("stage=applied,interview", [3, 1, 0]), ("source=linkedin", [0]),
    ("source=job_board", [2]), ("source=site", [3]), ("company=glob", [1]), ("tag=remote", [2, 0]),
    ("tag=dream", [2]), ("applied_from=2026-01-05&applied_to=2026-02-01", [2, 1]),
    ("q=engineer", [2, 0]), ("q=kubernetes", [3]), ("q=terraform", [3]),
    ("q=indeed", [2]), ("q=rust on the", [2]),  # the source, and a rejection's feedback
    ("follow_up_from=2026-02-20&follow_up_to=2026-03-05", [3]), ("follow_up_to=2026-02-28", []),
])
def test_each_filter(tracker, seeded, query, expected):
    assert _ids(tracker, query) == [seeded[i] for i in expected]


@pytest.mark.parametrize("query, field", [
    ("stage=dreaming", "stage"), ("applied_from=yesterday", "applied_from"), ("follow_up_to=soon", "follow_up_to"), ("sort=vibes", "sort"),
    ("archived=maybe", "archived"), ("limit=0", "limit"), ("cursor=nonsense", "cursor"),
])
def test_bad_filters_get_422_naming_the_field(tracker, query, field):
    response = tracker.get(f"/applications?{query}")
    assert response.status_code == 422 and field in response.json["error"]["fields"]


@pytest.mark.parametrize("sort, expected", [
    ("applied_on", [0, 1, 2, 3]), ("-applied_on", [3, 2, 1, 0]), ("company", [0, 1, 3, 2]),
    ("-excitement", [1, 0, 3, 2]), ("id", [0, 1, 2, 3]),
])
def test_sorting_with_cursor_pages_visits_every_row_once(tracker, seeded, sort, expected):
    seen, cursor = [], None
    while True:
        query = f"sort={sort}&limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = tracker.get(f"/applications?{query}").json
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [seeded[i] for i in expected]


def test_a_cursor_from_one_sort_is_refused_by_another(tracker, seeded):
    cursor = tracker.get("/applications?sort=company&limit=1").json["next_cursor"]
    assert tracker.get(f"/applications?sort=applied_on&cursor={cursor}").status_code == 422


def test_list_items_match_the_schema_without_the_detail_lists(tracker, seeded):
    tracker.post(f"/applications/{seeded[0]}/rejection", {"reason": "skills", "feedback": "more Go"})
    listed = {a["id"]: a for a in tracker.get("/applications").json["items"]}
    for app_id in seeded:
        detail = tracker.get(f"/applications/{app_id}").json
        for key in ("note_entries", "contacts", "rounds"):
            detail.pop(key)
        assert listed[app_id] == detail


@pytest.fixture
def with_gaps(tracker):
    rows = [("2026-01-03", 3), (None, None), ("2026-01-01", None), (None, 5), ("2026-01-03", 3)]
    ids = []
    for applied_on, excitement in rows:
        app = tracker.create(applied_on="2026-01-02", excitement=excitement)
        tracker.patch(f"/applications/{app['id']}", {"applied_on": applied_on})
        ids.append(app["id"])
    return ids


@pytest.mark.parametrize("sort, expected", [
    ("applied_on", [1, 3, 2, 0, 4]), ("-applied_on", [4, 0, 2, 3, 1]),
    ("excitement", [1, 2, 0, 4, 3]), ("-excitement", [3, 4, 0, 2, 1]),
])
@pytest.mark.parametrize("limit", [1, 2])
def test_missing_values_sort_lowest_on_every_page(tracker, with_gaps, sort, expected, limit):
    seen, cursor = [], None
    while True:
        query = f"sort={sort}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = tracker.get(f"/applications?{query}").json
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [with_gaps[i] for i in expected]
