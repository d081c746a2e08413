"""GET /export: every row the notifier keeps about the caller (for the account export).

Encrypted destinations, webhook signing keys and supporters' link nonces stay
out: the masked forms say which channel is which.
"""
from services.notifier.models import metadata
from shared.user_export import export_blueprint

SECRET_COLUMNS = frozenset({"target_encrypted", "secret_encrypted", "apprise_encrypted", "nonce", "verify_nonce"})
bp = export_blueprint("notifier", metadata, SECRET_COLUMNS)
