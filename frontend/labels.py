"""Words for the codes the services store: a person reads "LinkedIn", never `linkedin`."""
from __future__ import annotations

CHANNEL_LABELS = {"job_board": "A job board", "referral": "A referral", "company_site": "The company's site",
                  "recruiter": "A recruiter", "networking": "Networking", "linkedin": "LinkedIn", "other": "Elsewhere"}
FEEDBACK_LABELS = {"skills": "Skills", "experience": "Experience", "communication": "Communication",
                   "culture": "Team fit", "other": "Something else"}
# An interview round as Today's "Coming up" and a calendar entry name it.
ROUND_LABELS = {"phone": "Phone call", "technical": "Technical interview", "onsite": "On-site interview",
                "panel": "Panel interview", "take_home": "Take-home task"}


def source_label(code: str | None) -> str:
    """A source as the person wrote it, or the words for one of our channel codes."""
    if not code:
        return ""
    return CHANNEL_LABELS.get(code, code)


def feedback_label(code: str | None) -> str:
    if not code:
        return ""
    return FEEDBACK_LABELS.get(code, code.replace("_", " ").capitalize())
