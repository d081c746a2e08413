"""Which requests may carry a file, how big, and what a person is told when theirs is bigger.

The app caps bodies at 1 MiB. An import (the API's upload route, the import
page's preview, and its confirm step, which carries the file back base64-encoded)
may carry a CSV up to the tracker's own limit. This runs before anything reads
the body, so the input guard and CSRF check read it under the right cap.
"""
from __future__ import annotations

from flask import current_app, request

from frontend.runtime import runtime

MULTIPART_MARGIN = 64 * 1024  # framing around the file, and the form's other fields
PAGE_UPLOADS = {"imports.preview", "imports.confirm"}


def limit_mb() -> int:
    return max(1, runtime().settings.import_max_bytes // (1024 * 1024))


def too_large_message() -> str:
    return (f"That file is too big for us: we take files up to {limit_mb()} MB. "
            "Try splitting it, or exporting a shorter date range.")


def allow_large_uploads() -> None:
    limit = runtime().settings.import_max_bytes
    view = current_app.view_functions.get(request.endpoint)
    route = getattr(view, "api_route", None)
    if route is not None and route.kind == "upload":
        request.max_content_length = limit + MULTIPART_MARGIN
    elif request.endpoint in PAGE_UPLOADS:
        request.max_content_length = limit * 4 // 3 + MULTIPART_MARGIN  # base64 on confirm
