"""The one exception a route raises to answer with an error: {"error": {code, message, fields}}."""
from __future__ import annotations


class ApiError(Exception):
    """An error answered as {"error": {code, message, fields}}."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}
        self.headers = headers or {}
