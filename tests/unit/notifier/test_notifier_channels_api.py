"""Channels through the API: validation, masking, encryption at rest, test, pause and resume."""
import email
import email.policy

from sqlalchemy import text

from services.notifier.channels.email import EmailSender
from services.notifier.channels.message import Message, Target

SECRET_URL = "json://hooks.example/very-secret-token-123"


def test_channels_are_validated_masked_and_encrypted_at_rest(notifier):
    bad = notifier.post("/channels", {"kind": "pager", "target": "x", "extra": 1})
    assert bad.status_code == 422 and {"kind", "extra"} <= set(bad.json["error"]["fields"])
    assert "target" in notifier.post("/channels", {"kind": "webhook", "target": "ftp://x"}).json["error"]["fields"]
    assert "target" in notifier.post("/channels", {"kind": "apprise", "target": "nothing://"}).json["error"]["fields"]
    made = notifier.post("/channels", {"kind": "apprise", "target": SECRET_URL, "label": "Phone"})
    assert made.status_code == 201 and "very-secret" not in made.json["target"]
    hook = notifier.post("/channels", {"kind": "webhook", "target": "https://hooks.example/in"}).json
    assert len(hook["signing_key"]) > 30
    assert "signing_key" not in notifier.get("/channels").json["items"][1]
    with notifier.runtime.engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(text("SELECT * FROM channels")) for v in row)
    assert "very-secret" not in stored and hook["signing_key"] not in stored
    assert notifier.get("/channels", user="bob").json["items"] == []
    assert notifier.post(f"/channels/{hook['id']}/pause", user="bob").status_code == 404


def test_send_a_test_returns_the_result(notifier):
    made = notifier.post("/channels", {"kind": "apprise", "target": SECRET_URL}).json
    ok = notifier.post(f"/channels/{made['id']}/test").json
    assert ok == {"ok": True, "result": "delivered", "error": None}
    [(target, message)] = notifier.recorder.sent
    assert target.address == SECRET_URL and "test" in message.subject.lower()
    notifier.recorder.failing.add("apprise")
    failed = notifier.post(f"/channels/{made['id']}/test").json
    assert failed["ok"] is False and "500" in failed["error"]
    assert notifier.post(f"/channels/{made['id']}/test", user="bob").status_code == 404


def test_without_smtp_each_message_is_kept_as_an_eml_file(tmp_path):
    sender = EmailSender(None, tmp_path / "mail", "Rebound <rebound@example.org>")
    sender(Target("email", "alice@example.org"), Message(
        key="rebound:n1:c1", subject="Hello <there>", title="Hello <there>", body="Body & more",
        text="Body & more", link="https://rebound.example/wins"))
    [eml] = (tmp_path / "mail").glob("*.eml")
    parsed = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert parsed["To"] == "alice@example.org" and parsed["Subject"] == "Hello <there>"
    html = parsed.get_body(("html",)).get_content()
    assert "Hello &lt;there&gt;" in html and "Body &amp; more" in html
    assert "https://rebound.example/wins" in parsed.get_body(("plain",)).get_content()
