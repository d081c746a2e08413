"""GET /export: every row the mailbox keeps about the caller (for the account export); never the password."""
from services.mailbox.models import metadata
from shared.user_export import export_blueprint

bp = export_blueprint("mailbox", metadata, frozenset({"password_encrypted"}))
