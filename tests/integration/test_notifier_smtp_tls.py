"""E-mail over STARTTLS and implicit TLS (SMTPS) against real aiosmtpd servers.

Each test makes its own throwaway CA and server certificate in tmp_path. The
sender verifies certificates; `cafile=` in the URL is how it trusts our CA.
"""
from __future__ import annotations

import email
import email.policy
import ipaddress
import ssl
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from services.notifier.channels.message import DeliveryFailed, Message, Target
from services.notifier.channels.email import EmailSender
from support.ports import free_port

pytestmark = [
    pytest.mark.integration,
    # aiosmtpd counts only STARTTLS as TLS for auth_require_tls, so SMTPS servers must turn it
    # off, and it warns; their connections are encrypted from the first byte all the same.
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning"),
]
USER, PASSWORD = "mailer", "s3cret-pw"
MESSAGE = Message(key="rebound:tls1", subject="A win worth noticing", title="First application out!",
                  body="You sent your first application.", text="First application out!")


# --- certificates -------------------------------------------------------------

def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(subject: str, issuer: str, public_key) -> x509.CertificateBuilder:
    now = datetime.now(timezone.utc)
    return (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
            .public_key(public_key).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False))


class Pki:
    """A throwaway CA and one server certificate it signed, as PEM files in `folder`."""

    def __init__(self, folder: Path, names: tuple[str, ...] = ("127.0.0.1", "localhost")):
        folder.mkdir(parents=True, exist_ok=True)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca = (_builder("Rebound test CA", "Rebound test CA", ca_key.public_key())
              .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
              .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                           content_commitment=False, key_encipherment=False,
                                           data_encipherment=False, key_agreement=False,
                                           encipher_only=False, decipher_only=False), critical=True)
              .sign(ca_key, hashes.SHA256()))
        key = ec.generate_private_key(ec.SECP256R1())
        alt_names = [x509.IPAddress(ipaddress.ip_address(n)) if n[0].isdigit() else x509.DNSName(n)
                     for n in names]
        server = (_builder(names[0], "Rebound test CA", key.public_key())
                  .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
                  .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                  .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                  .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                                 critical=False)
                  .sign(ca_key, hashes.SHA256()))
        self.ca_file, self.cert_file, self.key_file = folder / "ca.pem", folder / "server.pem", folder / "key.pem"
        self.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        self.cert_file.write_bytes(server.public_bytes(serialization.Encoding.PEM))
        self.key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                    serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


# --- servers ------------------------------------------------------------------

class Inbox:
    """aiosmtpd handler keeping every message with whether its session was encrypted."""

    def __init__(self):
        self.messages, self.encrypted = [], []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.encrypted.append(server.transport.get_extra_info("ssl_object") is not None)
        return "250 OK"


class WireRecordingSMTP(SMTP):
    """Keeps every byte the client sent before the connection was encrypted."""

    cleartext: bytearray

    def data_received(self, data: bytes) -> None:
        if self._tls_protocol is None and not self.__class__.implicit_tls:
            self.__class__.cleartext.extend(data)
        super().data_received(data)


class Server(Controller):
    """aiosmtpd Controller on a free port, asking for USER/PASSWORD and recording logins."""

    def __init__(self, inbox: Inbox, *, implicit_tls: ssl.SSLContext | None = None, **smtp):
        self.logins, self.cleartext = [], bytearray()
        self.smtp_class = type("Recording", (WireRecordingSMTP,),
                               {"cleartext": self.cleartext, "implicit_tls": implicit_tls is not None})
        if implicit_tls is not None:
            smtp.setdefault("auth_require_tls", False)
        super().__init__(inbox, hostname="127.0.0.1", port=free_port(), ssl_context=implicit_tls,
                         authenticator=self._authenticate, auth_required=True, **smtp)

    def heard_in_clear(self, text: str) -> bool:
        """Whether the client sent `text` (any case: smtplib sends lower-case verbs) unencrypted."""
        return text.lower().encode() in bytes(self.cleartext).lower()

    def factory(self):
        return self.smtp_class(self.handler, **self.SMTP_kwargs)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        # handled=False: aiosmtpd answers 535 itself; its default (True) leaves the client waiting.
        return AuthResult(success=(auth_data.login, auth_data.password) == (USER.encode(), PASSWORD.encode()),
                          handled=False)


@pytest.fixture
def running():
    """Starts servers and stops every one of them after the test."""
    started = []

    def start(server: Server) -> Server:
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def pki(tmp_path) -> Pki:
    return Pki(tmp_path / "pki")


def starttls_server(pki: Pki, inbox: Inbox, **smtp) -> Server:
    options = {"require_starttls": True, "auth_require_tls": True} | smtp
    return Server(inbox, tls_context=pki.server_context(), **options)


def send(url: str, tmp_path: Path, to: str = "alice@example.org") -> None:
    EmailSender(url, tmp_path / "mail", "Rebound <rebound@example.org>")(Target("email", to), MESSAGE)


def assert_delivered_once(inbox: Inbox, server: Server) -> None:
    [mail] = inbox.messages
    assert inbox.encrypted == [True]
    assert server.logins == [(USER, PASSWORD)]
    assert mail["Subject"] == "A win worth noticing"
    assert mail["To"] == "alice@example.org"
    assert mail["X-Rebound-Delivery"] == "rebound:tls1"
    assert mail.get_body(("plain",)).get_content().startswith("You sent your first application.")
    html = mail.get_body(("html",)).get_content()
    assert "<h1" in html and "First application out!" in html and "You sent your first application." in html


# --- delivery that must work --------------------------------------------------

def test_starttls_with_login_delivers_a_message_that_parses(pki, running, tmp_path):
    inbox = Inbox()
    server = running(starttls_server(pki, inbox))
    send(f"smtp://{USER}:{PASSWORD}@127.0.0.1:{server.port}/?starttls=1&cafile={pki.ca_file}", tmp_path)
    assert_delivered_once(inbox, server)
    assert not server.heard_in_clear("AUTH") and not server.heard_in_clear(PASSWORD)
    assert server.heard_in_clear("STARTTLS")  # the upgrade really happened on this connection


@pytest.mark.parametrize("form", ["smtps://{auth}@127.0.0.1:{port}/?cafile={ca}",
                                  "smtp://{auth}@127.0.0.1:{port}/?ssl=1&cafile={ca}"])
def test_implicit_tls_with_login_delivers_a_message_that_parses(pki, running, tmp_path, form):
    inbox = Inbox()
    server = running(Server(inbox, implicit_tls=pki.server_context()))
    send(form.format(auth=f"{USER}:{PASSWORD}", port=server.port, ca=pki.ca_file), tmp_path)
    assert_delivered_once(inbox, server)


def test_a_wrong_password_over_tls_is_refused_and_nothing_is_sent(pki, running, tmp_path):
    inbox = Inbox()
    server = running(starttls_server(pki, inbox))
    with pytest.raises(DeliveryFailed, match="SMTPAuthenticationError"):
        send(f"smtp://{USER}:wrong@127.0.0.1:{server.port}/?starttls=1&cafile={pki.ca_file}", tmp_path)
    assert set(server.logins) == {(USER, "wrong")} and inbox.messages == []  # smtplib tries PLAIN, then LOGIN


# --- certificates that must be refused ----------------------------------------

def _urls(port: int, implicit: bool, cafile: Path | None) -> str:
    query = f"cafile={cafile}" if cafile else ""
    if implicit:
        return f"smtps://{USER}:{PASSWORD}@127.0.0.1:{port}/?{query}"
    return f"smtp://{USER}:{PASSWORD}@127.0.0.1:{port}/?starttls=1&{query}"


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "smtps"])
@pytest.mark.parametrize("trust", ["system-cas", "another-ca"])
def test_a_certificate_from_an_untrusted_ca_is_refused_before_anything_is_sent(
        pki, running, tmp_path, implicit, trust):
    inbox = Inbox()
    tls = pki.server_context()
    server = running(Server(inbox, implicit_tls=tls) if implicit else starttls_server(pki, inbox))
    cafile = Pki(tmp_path / "other").ca_file if trust == "another-ca" else None
    with pytest.raises(DeliveryFailed) as failure:
        send(_urls(server.port, implicit, cafile), tmp_path)
    assert "certificate could not be verified" in str(failure.value)
    assert "nothing was sent" in str(failure.value)
    assert inbox.messages == [] and server.logins == []
    assert not server.heard_in_clear("AUTH") and not server.heard_in_clear("MAIL FROM")


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "smtps"])
def test_a_trusted_certificate_for_another_host_name_is_refused(running, tmp_path, implicit):
    pki = Pki(tmp_path / "pki", names=("mail.example.org",))
    inbox = Inbox()
    server = running(Server(inbox, implicit_tls=pki.server_context()) if implicit
                     else starttls_server(pki, inbox))
    with pytest.raises(DeliveryFailed, match="certificate could not be verified.*(mismatch|match)"):
        send(_urls(server.port, implicit, pki.ca_file), tmp_path)
    assert inbox.messages == [] and server.logins == []


# --- plain connections that must not leak the password ------------------------

@pytest.mark.parametrize("auth_require_tls", [True, False], ids=["auth-hidden-in-clear", "auth-offered-in-clear"])
def test_plain_smtp_to_a_server_requiring_starttls_fails_without_sending_the_password(
        pki, running, tmp_path, auth_require_tls):
    inbox = Inbox()
    server = running(starttls_server(pki, inbox, auth_require_tls=auth_require_tls))
    with pytest.raises(DeliveryFailed, match=r"offers STARTTLS.*add \?starttls=1"):
        send(f"smtp://{USER}:{PASSWORD}@127.0.0.1:{server.port}/", tmp_path)
    assert inbox.messages == [] and server.logins == []
    assert server.heard_in_clear("EHLO")  # the client did talk to this server
    assert not server.heard_in_clear("AUTH") and not server.heard_in_clear(PASSWORD)


def test_plain_smtp_without_a_password_to_a_server_requiring_starttls_is_refused_by_it(
        pki, running, tmp_path):
    inbox = Inbox()
    server = running(starttls_server(pki, inbox))
    with pytest.raises(DeliveryFailed, match="Must issue a STARTTLS command first"):
        send(f"smtp://127.0.0.1:{server.port}/", tmp_path)
    assert inbox.messages == []


def test_asking_for_starttls_from_a_server_without_it_fails_instead_of_going_plain(running, tmp_path):
    inbox = Inbox()
    server = running(Server(inbox, auth_require_tls=False))
    with pytest.raises(DeliveryFailed, match="STARTTLS extension not supported"):
        send(f"smtp://{USER}:{PASSWORD}@127.0.0.1:{server.port}/?starttls=1", tmp_path)
    assert inbox.messages == [] and server.logins == []
    assert not server.heard_in_clear("AUTH")


def test_smtps_to_a_plain_server_fails_with_a_tls_reason(running, tmp_path, pki):
    inbox = Inbox()
    server = running(Server(inbox, auth_require_tls=False))
    with pytest.raises(DeliveryFailed, match="secure connection to the mail server failed"):
        send(f"smtps://{USER}:{PASSWORD}@127.0.0.1:{server.port}/?cafile={pki.ca_file}", tmp_path)
    assert inbox.messages == [] and server.logins == []


# --- URL mistakes -------------------------------------------------------------

@pytest.mark.parametrize("query, reason", [("startls=1", "options Rebound does not know: startls"),
                                           ("starttls=1&cafile=/nonexistent/ca.pem", "CA file")])
def test_a_mistake_in_the_url_fails_clearly_before_connecting(running, tmp_path, pki, query, reason):
    inbox = Inbox()
    server = running(starttls_server(pki, inbox))
    with pytest.raises(DeliveryFailed, match=reason):
        send(f"smtp://{USER}:{PASSWORD}@127.0.0.1:{server.port}/?{query}", tmp_path)
    assert server.cleartext == b"" and inbox.messages == []
