"""The notifier's answers to events: inbox items, their deliveries, and the support network.

Handlers only write rows; the scheduler (services/notifier/scheduler.py) sends.
"""
from __future__ import annotations

from sqlalchemy import event as sa_event, select
from sqlalchemy.orm import Session

from services.notifier import clock, coach_cards, inbox, mail_files, support_network
from services.notifier.models import Channel, Recipient, Supporter, metadata
from services.notifier.secrets_at_rest import mask
from shared.config import load_settings
from shared.erasure import erase_user_rows

URGENT = "high"
REMINDER_WORDS = {
    "follow_up": ("Time for a gentle follow-up",
                  "It's been a little while since you applied. A short, friendly follow-up "
                  "often gets things moving."),
    "feedback_request": ("Worth asking for feedback?",
                         "A brief, polite request for feedback can turn a no into something useful. "
                         "There's a draft ready if you'd like it."),
    "weekly_review": ("Your week, in a few minutes",
                      "Take a moment to look back on this week: what moved, what you learned, "
                      "and what you'd like next week to hold."),
}


def _severity(data: dict, usual: str) -> str:
    return "important" if data.get("urgency") == URGENT else usual


def remember_recipient(session: Session, event: dict) -> None:
    """Who the user is, and their account e-mail as their first channel."""
    data, user_id = event["data"], event["user_id"]
    recipient = session.get(Recipient, user_id) or Recipient(user_id=user_id)
    recipient.display_name, recipient.email, recipient.timezone = (
        data["display_name"], data["email"], data["timezone"])
    session.add(recipient)
    account_channel = session.scalar(select(Channel).where(
        Channel.user_id == user_id, Channel.is_account_email.is_(True)))
    if account_channel is None:
        # Its address is read from `recipients` at send time: no second copy to keep in step.
        session.add(Channel(user_id=user_id, kind="email", label="Account e-mail",
                            target_encrypted="", masked=mask(data["email"]),
                            is_account_email=True, created_at=clock.now()))
    elif account_channel.masked != data["email"]:
        account_channel.masked = mask(data["email"])


def _carried_by_a_card(data: dict) -> bool:
    """The coach put this piece in a card: the card is the one inbox item for that moment."""
    return bool(data.get("card_id"))


def inbox_reflection(session: Session, event: dict) -> None:
    data = event["data"]
    if _carried_by_a_card(data):
        return
    inbox.notify(
        session, user_id=event["user_id"], kind="reflection", severity=_severity(data, "gentle"),
        title="A moment for you, when you're ready", body=data["prompt"],
        link=f"/reflections#reflection-{data['reflection_id']}", source_event_id=event["id"],
        ref=f"reflection:{data['reflection_id']}", about_rejection=data["kind"].startswith("rejection"))


def inbox_win(session: Session, event: dict) -> None:
    data = event["data"]
    if _carried_by_a_card(data) or data["kind"] == "own":  # a win the person typed is never sent back
        return
    inbox.notify(
        session, user_id=event["user_id"], kind="win", severity=_severity(data, "celebration"),
        title="A win worth noticing", body=data["title"], link="/wins",
        source_event_id=event["id"], ref=f"win:{data['win_id']}")


def inbox_goal(session: Session, event: dict) -> None:
    """New, met and missed goals are news; each step of progress is not."""
    data = event["data"]
    if _carried_by_a_card(data):
        return
    status = data.get("status", "active")
    words = {
        "proposed": ("info", "A goal you might like", f"{data['title']}: want to take it on?"),
        "met": words_met(data),
        "missed": ("gentle", "A goal that slipped by",
                   f"{data['title']}: {data['progress']} of {data['target']}. Weeks like this happen; "
                   "next week is a fresh start."),
    }.get(status)
    if status == "active" and data["target"] and data["progress"] >= data["target"]:
        status, words = "met", words_met(data)
    if words is None:
        return
    severity, title, body = words
    # Once per goal and status, however many progress updates repeat it.
    inbox.notify(session, user_id=event["user_id"], kind="goal", severity=severity, title=title,
                 body=body, link="/goals", source_event_id=f"goal:{data['goal_id']}:{status}",
                 ref=f"goal:{data['goal_id']}")


def words_met(data: dict) -> tuple[str, str, str]:
    return ("celebration", "Goal reached",
            f"{data['title']}: {data['progress']} of {data['target']}. Well done.")


def inbox_reminder(session: Session, event: dict) -> None:
    data = event["data"]
    title, body = REMINDER_WORDS[data["kind"]]
    kind = "weekly_review" if data["kind"] == "weekly_review" else "reminder"
    link = f"/applications/{data['application_id']}" if data["application_id"] else "/"
    inbox.notify(session, user_id=event["user_id"], kind=kind, severity=_severity(data, "info"),
                 title=title, body=body, link=link, source_event_id=event["id"],
                 ref=f"reminder:{data['reminder_id']}", about_rejection=data["kind"] == "feedback_request")


def inbox_suggestion(session: Session, event: dict) -> None:
    data = event["data"]
    if _carried_by_a_card(data):
        return
    inbox.notify(session, user_id=event["user_id"], kind="insight", severity=_severity(data, "info"),
                 title=data["title"], body=data["body"], link="/insights", source_event_id=event["id"],
                 ref=f"suggestion:{data['suggestion_id']}",
                 about_rejection="rejection" in data["kind"] or "feedback" in data["kind"])


def inbox_insight(session: Session, event: dict) -> None:
    data = event["data"]
    if _carried_by_a_card(data):
        return
    inbox.notify(session, user_id=event["user_id"], kind="insight", severity=_severity(data, "info"),
                 title=data["title"], body=data["body"], link="/insights",
                 source_event_id=event["id"], ref=f"insight:{data['insight_id']}")


def withdraw_coaching(session: Session, event: dict) -> None:
    """The coach took some things back: so do we, before they go out."""
    data = event["data"]
    refs = ([f"reflection:{i}" for i in data["reflection_ids"]]
            + [f"suggestion:{i}" for i in data["suggestion_ids"]]
            + [f"win:{i}" for i in data["win_ids"]]
            + [f"card:{i}" for i in data.get("card_ids", [])])
    inbox.withdraw(session, event["user_id"], refs, clock.now())


def nudge_supporters(session: Session, event: dict) -> None:
    support_network.send_nudges(session, event)


def share_offer(session: Session, event: dict) -> None:
    """The coach celebrates the offer in the inbox; here only supporters may hear of it."""
    support_network.share_good_news(session, event)


def inbox_mailbox_failing(session: Session, event: dict) -> None:
    """Once per stretch of failures: the mailbox service only says so once until it recovers."""
    inbox.notify(session, user_id=event["user_id"], kind="system", severity="info",
                 title="We can't reach your mailbox right now",
                 body=(f"{event['data']['reason']} We'll keep trying quietly. You can check the "
                       "details, or disconnect it, in Settings."),
                 link="/settings/mailbox", source_event_id=event["id"], ref="mailbox:failing")


def erase_user(session: Session, event: dict) -> None:
    """Forget everything about a person who deleted their account, their mail files included."""
    user_id = event["user_id"]
    addresses = _mail_addresses(session, user_id)
    erase_user_rows(session, metadata, user_id)
    mail_dir = load_settings().data_dir / "mail"
    # Files go once the rows have: a rolled-back erasure is retried, and finds them still there.
    sa_event.listen(session, "after_commit", lambda _s: mail_files.erase(mail_dir, user_id, addresses),
                    once=True)


def _mail_addresses(session: Session, user_id: str) -> set[str]:
    """Every e-mail address mail was written to for this person (for files from before folders)."""
    recipient = session.get(Recipient, user_id)
    found = {recipient.email} if recipient else set()
    found.update(session.scalars(select(Supporter.email).where(Supporter.user_id == user_id,
                                                               Supporter.email.is_not(None))))
    return found


HANDLERS = {
    "user.registered": [remember_recipient],
    "user.deleted": [erase_user],
    "reflection.prompted": [inbox_reflection],
    "win.celebrated": [inbox_win],
    "goal.updated": [inbox_goal],
    "reminder.due": [inbox_reminder],
    "suggestion.offered": [inbox_suggestion],
    "insight.generated": [inbox_insight],
    "coaching.withdrawn": [withdraw_coaching],
    "coach.card_composed": [coach_cards.inbox_card],
    "support.nudge_requested": [nudge_supporters],
    "application.offer_received": [share_offer],
    "mailbox.failing": [inbox_mailbox_failing],
}
