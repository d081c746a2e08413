"""Public API routes of the coach: reflections, check-ins, goals, efforts, wins, insights.

The coach's settings share the path /settings with the tracker's, so the
public API names them /settings/coach.
"""
from __future__ import annotations

from frontend.schemas import Page, ReflectionAnswerIn
from frontend.views.api import Route, api_blueprint, register


def _coach(method: str, path: str, summary: str, **options) -> Route:
    return Route(method, path, "coach", summary, **options)


ROUTES = [
    _coach("GET", "/reflections", "Reflection prompts (status=open|done|skipped)", query=Page(), kind="list"),
    _coach("POST", "/reflections/{id}", "Answer a reflection prompt", body=ReflectionAnswerIn(),
           request_schema="AnswerIn", answer_schema="ReflectionOut"),
    _coach("POST", "/reflections/{id}/skip", "Skip a reflection prompt", answer_schema="ReflectionOut"),
    _coach("POST", "/checkins", "Record how you're feeling", request_schema="CheckinIn",
           answer_schema="CheckinOut", status=201),
    _coach("GET", "/checkins", "Check-ins so far", query=Page(), kind="list"),
    _coach("GET", "/goals", "Goals and how far along they are", query=Page(), kind="list"),
    _coach("POST", "/goals", "Set a goal", request_schema="GoalIn", answer_schema="GoalOut", status=201),
    _coach("PATCH", "/goals/{id}", "Change a goal", request_schema="GoalPatch", answer_schema="GoalOut"),
    _coach("POST", "/goals/{id}/accept", "Accept a suggested goal", answer_schema="GoalOut"),
    _coach("POST", "/goals/{id}/decline", "Decline a suggested goal", answer_schema="GoalOut"),
    _coach("POST", "/efforts", "Log outreach, learning or rest", request_schema="EffortIn",
           answer_schema="EffortOut", status=201),
    _coach("GET", "/efforts", "Logged efforts (kind=learning is the learning log)", query=Page(), kind="list"),
    _coach("GET", "/wins", "Small wins worth remembering", query=Page(), kind="list"),
    _coach("POST", "/wins", "Add a win of your own", request_schema="WinIn", answer_schema="WinOut", status=201),
    _coach("GET", "/wins/export.md", "Wins as Markdown", kind="download"),
    _coach("GET", "/wins/export.csv", "Wins as CSV", kind="download"),
    _coach("GET", "/suggestions", "Suggestions from the coach (status=open)", query=Page(), kind="list"),
    _coach("POST", "/suggestions/{id}/dismiss", "Dismiss a suggestion", answer_schema="SuggestionOut"),
    _coach("GET", "/feedback-requests", "Drafts asking employers for feedback", query=Page(), kind="list"),
    _coach("PATCH", "/feedback-requests/{id}", "Edit a feedback-request draft or mark it sent",
           request_schema="DraftPatch", answer_schema="DraftOut"),
    _coach("GET", "/feedback", "Feedback you've received", query=Page(), kind="list"),
    _coach("POST", "/feedback", "Record feedback you received", request_schema="FeedbackIn",
           answer_schema="FeedbackOut", status=201),
    _coach("GET", "/insights", "Patterns in your search: funnel, rejections, response rates, mood"),
    _coach("GET", "/settings/coach", "Coach settings", target="/settings", answer_schema="CoachSettingsOut"),
    _coach("PATCH", "/settings/coach", "Change coach settings", target="/settings",
           request_schema="CoachSettingsPatch", answer_schema="CoachSettingsOut"),
]

bp = api_blueprint("api_coach")
register(bp, ROUTES)
