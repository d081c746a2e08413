"""GET /export: every row the coach keeps about the caller (for the account export)."""
from services.coach.models import metadata
from shared.user_export import export_blueprint

bp = export_blueprint("coach", metadata)
