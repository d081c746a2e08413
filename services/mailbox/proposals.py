"""From one read message to what we keep: a proposal (or nothing), and the `mail.classified` event.

Only the decision, the confidence, the matched application, company, role, the mail's
date and an excerpt of at most 300 characters are stored. Mail that is `other`, or not
confident enough, leaves no trace at all.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.mailbox.classify import Classification, ParsedMail
from services.mailbox.matching import already_known, best_match
from services.mailbox.models import EXCERPT_LIMIT, KnownApplication, MailAccount, Proposal
from shared.outbox import emit
from shared.tables import utcnow

# The least confidence for a proposal about a known application, and for "new application?".
MATCHED_MIN = 0.4
UNMATCHED_MIN = 0.55


@dataclass(frozen=True)
class MessageKey:
    """Where a message was read: used only to make its one-way reference."""
    folder: str
    uidvalidity: int
    uid: int


def message_ref(user_id: str, mail: ParsedMail, key: MessageKey) -> str:
    """A one-way reference: the same mail gives the same ref, even after a UIDVALIDITY change."""
    identity = mail.message_id.strip() or f"{key.folder}/{key.uidvalidity}/{key.uid}"
    return hashlib.sha256(f"{user_id}\n{identity}".encode()).hexdigest()


def consider(session: Session, account: MailAccount, mail: ParsedMail, verdict: Classification,
             key: MessageKey) -> Proposal | None:
    """Store a proposal for this mail if it is worth asking about; None otherwise."""
    if verdict.label == "other":
        return None
    ref = message_ref(account.user_id, mail, key)
    seen = session.scalar(select(Proposal.id).where(
        Proposal.user_id == account.user_id, Proposal.message_ref == ref))
    if seen is not None:
        return None  # proposed before (and maybe declined): never twice
    apps = session.scalars(select(KnownApplication).where(KnownApplication.user_id == account.user_id))
    match = best_match(apps, mail, verdict)
    if match is None and verdict.confidence < UNMATCHED_MIN:
        return None
    if match is not None and (verdict.confidence < MATCHED_MIN or verdict.label == "application_received"):
        return None  # an acknowledgement of an application we already know is no news
    known = session.get(KnownApplication, (account.user_id, match.application_id)) if match else None
    if known is not None and already_known(known, verdict.label):
        return None  # a rescheduled interview, a second rejection: already recorded
    auto = (match is not None and verdict.label == "rejection" and account.auto_record_above is not None
            and verdict.confidence >= account.auto_record_above)
    proposal = Proposal(
        user_id=account.user_id, message_ref=ref, classification=verdict.label,
        confidence=verdict.confidence, application_id=match.application_id if match else None,
        company=(verdict.company or "")[:200] or None, role=(verdict.role or "")[:200] or None,
        received_on=min(mail.received_on or utcnow().date(), utcnow().date()), excerpt=verdict.excerpt[:EXCERPT_LIMIT],
        status="auto_recorded" if auto else "pending", decided_at=utcnow() if auto else None)
    if known is not None:
        proposal.company, proposal.role = known.company, known.role
    session.add(proposal)
    session.flush()
    emit(session, "mail.classified", user_id=account.user_id, producer="mailbox", data={
        "message_ref": ref, "classification": proposal.classification, "confidence": proposal.confidence,
        "application_id": proposal.application_id, "company": proposal.company, "role": proposal.role,
        "received_on": proposal.received_on.isoformat(), "excerpt": proposal.excerpt, "auto_record": auto,
    })
    return proposal
