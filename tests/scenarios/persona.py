"""Maya's eight-week search, as she would live it, driven through the real handlers.

Maya is a data analyst in Leeds. She sends thirty applications in eight
weeks; ten end in a rejection (four in one bad week, three of them recorded in
one sitting), two companies never reply, she withdraws from one, one company
gives feedback, her moods dip and one evening she writes something dark; in the
last week an offer comes. `run` plays it on a World and returns the facts the
test checks (which application ids mean what).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from tests.scenarios.world import World

START = datetime(2026, 3, 2, 8, 0)  # Monday 2 March 2026, 08:00 in Leeds (UTC in March)

COMPANIES = [
    "Northwind Analytics", "Brightline Retail", "Kestrel Health", "Ouse Energy", "Harbour Bank",
    "Ribble Logistics", "Fenwick Foods", "Calder Insurance", "Moorland Media", "Aire Transport",
    "Pennine Water", "Wharfe Labs", "Skipton Mutual", "Tees Digital", "Holme Learning",
    "Ostara Games", "Nidd Travel", "Swale Housing", "Humber Ports", "Ostara Studios",
    "Derwent Civic", "Halcyon Data", "Esk Robotics", "Lune Pharma", "Wear Fintech",
    "Tyne Analytics", "Hodder Books", "Colne Retail", "Ure Outdoor", "Kent Energy",
]
ROLES = ["Data Analyst", "Junior Data Analyst", "Insights Analyst", "BI Analyst", "Reporting Analyst"]


class Maya:
    def __init__(self, world: World):
        self.w = world
        self.companies: dict[int, str] = {}
        self.roles: dict[int, str] = {}
        self.furthest: dict[int, str] = {}
        self.facts: dict[str, object] = {"rejections": [], "ghosted": [], "withdrawn": []}

    # --- what she does ----------------------------------------------------------------------
    def at(self, day: int, hour: int, minute: int = 0) -> None:
        """Move to day `day` (0 = the first Monday) at a local time, the workers running meanwhile."""
        target = START.replace(hour=0) + timedelta(days=day, hours=hour, minutes=minute)
        target -= timedelta(hours=1) if target >= datetime(2026, 3, 29, 1) else timedelta(0)  # BST
        if target > self.w.clock():
            self.w.wait(minutes=int((target - self.w.clock()).total_seconds() // 60))

    def apply(self, app_id: int, source: str = "job_board") -> int:
        company, role = COMPANIES[(app_id - 1) % len(COMPANIES)], ROLES[app_id % len(ROLES)]
        self.companies[app_id], self.roles[app_id], self.furthest[app_id] = company, role, "applied"
        self.w.did(f"Sent an application to {company} ({role}, via {source}).")
        self.w.tracker("application.created", application_id=app_id, company=company, role=role, source=source,
                       role_category="analytics", applied_on=self.w.clock().date().isoformat())
        return app_id

    def stage(self, app_id: int, to: str) -> None:
        self.w.did(f"Moved {self.companies[app_id]} to {to.replace('_', ' ')}.")
        self.w.tracker("application.stage_changed", application_id=app_id, from_stage=self.furthest[app_id],
                       to_stage=to, changed_on=self.w.clock().date().isoformat())
        self.furthest[app_id] = to

    def interview(self, app_id: int, in_days: int = 3, kind: str = "onsite") -> None:
        self.w.did(f"Booked an interview with {self.companies[app_id]}.")
        self.w.tracker("interview.scheduled", application_id=app_id, round_id=app_id * 10, kind=kind,
                       scheduled_on=(self.w.clock().date() + timedelta(days=in_days)).isoformat(),
                       company=self.companies[app_id], role=self.roles[app_id])

    def rejected(self, app_id: int, reason: str | None = None, feedback: str | None = None,
                 mood: int | None = None) -> dict:
        told = [f"reason: {reason}"] if reason else []
        told += [f'feedback: "{feedback}"'] if feedback else []
        told += [f"mood {mood}"] if mood else []
        self.w.did(f"Recorded a rejection from {self.companies[app_id]}"
                   + (f" ({'; '.join(told)})" if told else "") + ".")
        before = len(self.w.inbox())
        event = self.w.tracker(
            "application.rejected", application_id=app_id, company=self.companies[app_id],
            role=self.roles[app_id], source="job_board", stage_reached=self.furthest[app_id], reason=reason,
            feedback=feedback, received_on=self.w.clock().date().isoformat())
        if mood is not None:  # the rejection form posts the mood as a check-in about the application
            self.w.post("/checkins", {"mood": mood, "application_id": app_id})
        self.facts["rejections"].append({"event": event, "app": app_id, "reason": reason, "at": self.w.clock(),
                                         "feedback": feedback, "mood": mood, "stage": self.furthest[app_id],
                                         "inbox_items": len(self.w.inbox()) - before})
        return event

    def ghosted(self, app_id: int) -> None:
        self.w.did(f"Marked {self.companies[app_id]} as 'No reply'.")
        self.w.tracker("application.stage_changed", application_id=app_id, from_stage=self.furthest[app_id],
                       to_stage="ghosted", changed_on=self.w.clock().date().isoformat())
        self.w.tracker("application.ghosted", application_id=app_id, company=self.companies[app_id],
                       role=self.roles[app_id], source="job_board", stage_reached=self.furthest[app_id],
                       ghosted_on=self.w.clock().date().isoformat())
        self.facts["ghosted"].append(app_id)

    def withdrew(self, app_id: int) -> None:
        self.w.did(f"Withdrew from {self.companies[app_id]}.")
        self.w.tracker("application.stage_changed", application_id=app_id, from_stage=self.furthest[app_id],
                       to_stage="withdrawn", changed_on=self.w.clock().date().isoformat())
        self.facts["withdrawn"].append(app_id)

    def offer(self, app_id: int) -> None:
        self.stage(app_id, "offer")
        self.w.tracker("application.offer_received", application_id=app_id, company=self.companies[app_id],
                       role=self.roles[app_id])

    def checkin(self, mood: int, note: str | None = None) -> None:
        self.w.did(f"Checked in: mood {mood}" + (f', "{note}"' if note else "") + ".")
        self.w.post("/checkins", {"mood": mood, **({"note": note} if note else {})})

    def reflect(self, answer: str, mood: int | None = None) -> bool:
        """Answer the oldest open reflection, if there is one."""
        open_ = self.w.get("/reflections?status=open")["items"]
        if not open_:
            return False
        oldest = sorted(open_, key=lambda r: r["id"])[0]
        self.w.did(f'Answered a reflection: "{answer}"' + (f" (mood {mood})" if mood else "") + ".")
        self.w.post(f"/reflections/{oldest['id']}", {"answer": answer, **({"mood": mood} if mood else {})})
        return True


def run(world: World) -> dict:
    """Play the eight weeks in time order; each step is (day, hour, minute, what Maya does)."""
    m = Maya(world)
    world.did("Signed up and set a goal of five applications a week.")
    world.api.patch("/settings", json={"weekly_target": 5}, headers=world.token)
    world.post("/goals", {"kind": "applications", "target": 5})
    for day, hour, minute, step in sorted(steps(m), key=lambda s: s[:3]):
        m.at(day, hour, minute)
        step()
    m.at(55, 23)
    world.collect()
    return {"maya": m, **m.facts}


def steps(m: Maya) -> list[tuple]:
    apps = [  # (day, hour, application id, source): about thirty over eight weeks, a lighter fifth week
        (0, 10, 1), (0, 14, 2), (1, 11, 3), (3, 9, 4), (3, 15, 5, "referral"), (4, 10, 6),
        (7, 9, 7), (8, 10, 8), (9, 13, 9), (10, 11, 10), (11, 9, 11),
        (14, 10, 12), (15, 10, 13), (17, 14, 14), (18, 9, 15),
        (21, 9, 16),
        (28, 11, 17), (30, 10, 18), (32, 14, 19),
        (35, 9, 20), (35, 14, 21), (36, 10, 22), (37, 11, 23), (38, 9, 24),
        (42, 10, 25), (43, 11, 26), (44, 9, 27), (45, 10, 28, "referral"),
        (49, 10, 29), (50, 9, 30),
    ]
    plan = [(a[0], a[1], 0, lambda a=a: m.apply(a[2], *a[3:])) for a in apps]
    plan += [
        (4, 19, 0, lambda: m.checkin(3)),
        # Week 2: a screening call with Brightline; a first no (the role was filled), her mood given with it.
        (8, 16, 0, lambda: m.stage(2, "screening")),
        (9, 18, 0, lambda: m.rejected(3, reason="position_filled", mood=2)),
        (10, 20, 0, lambda: m.reflect("I was excited about that one. Nothing to change really, it just went.",
                                      mood=3)),
        # Week 3: an interview booked, a no about experience, a company that went quiet.
        (14, 17, 0, lambda: m.stage(2, "interview")),
        (14, 17, 1, lambda: m.interview(2, in_days=4)),
        (16, 12, 0, lambda: m.rejected(5, reason="experience")),
        (17, 19, 0, lambda: m.ghosted(1)),
        # Week 4, the bad week: Brightline's no after the interview (with feedback and her mood), two more
        # recorded the same evening, a dark note, one more no on Friday.
        (22, 18, 0, lambda: m.rejected(2, reason="culture_fit", mood=2, feedback=(
            "They liked my portfolio but wanted more stakeholder experience."))),
        (22, 18, 1, lambda: m.rejected(7, reason="skills")),
        (22, 18, 2, lambda: m.rejected(8)),
        (22, 21, 0, lambda: m.checkin(1, "I'm such a failure. What's the point of any of this")),
        (23, 20, 0, lambda: m.reflect("I messed up the Brightline interview, it's my fault.", mood=2)),
        (25, 10, 0, lambda: m.rejected(9, reason="position_filled")),
        (25, 20, 0, lambda: m.checkin(2)),
        # Week 5: low moods on several days, a second silence, a withdrawal.
        (28, 20, 0, lambda: m.checkin(2)),
        (29, 12, 0, lambda: m.ghosted(6)),
        (30, 21, 0, lambda: m.checkin(1)),
        (31, 15, 0, lambda: m.withdrew(10)),
        (32, 21, 0, lambda: m.checkin(1, "Tired. Hard to keep going some days.")),
        # Week 6: back on her feet; Ostara Games moves fast; a no that came as a long silence.
        (36, 16, 0, lambda: m.stage(16, "screening")),
        (37, 18, 0, lambda: m.rejected(12, reason="no_response")),
        (38, 12, 0, lambda: m.stage(16, "interview")),
        (38, 12, 1, lambda: m.interview(16, in_days=2)),
        (38, 19, 0, lambda: m.checkin(3)),
        # Week 7: the Ostara final round ends in a no; Halcyon wants to talk.
        (42, 15, 0, lambda: m.stage(16, "final_interview")),
        (43, 17, 0, lambda: m.rejected(16, reason="other")),
        (44, 13, 0, lambda: m.rejected(14, reason="compensation")),
        (44, 15, 0, lambda: m.stage(22, "screening")),
        (45, 12, 0, lambda: m.stage(22, "interview")),
        (45, 12, 1, lambda: m.interview(22, in_days=3)),
        (45, 20, 0, lambda: m.checkin(3)),
        # Week 8: one more no, and the offer.
        (50, 11, 0, lambda: m.rejected(18, reason="experience")),
        (52, 16, 0, lambda: m.offer(22)),
        (53, 12, 0, lambda: m.checkin(5, "Halcyon said yes!")),
    ]
    return plan
