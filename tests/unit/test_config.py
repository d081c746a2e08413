import pytest

from shared.config import ConfigError, load_settings


def test_defaults_use_sqlite_and_the_filesystem_bus(monkeypatch, tmp_path):
    monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.bus_url == "filesystem://"
    assert settings.database_url("tracker") == f"sqlite:///{tmp_path / 'tracker.db'}"
    assert settings.service_urls["coach"] == "http://127.0.0.1:8002"


def test_service_urls_follow_their_ports(monkeypatch):
    monkeypatch.setenv("REBOUND_NOTIFIER_PORT", "9103")
    assert load_settings().service_urls["notifier"] == "http://127.0.0.1:9103"


@pytest.mark.parametrize("secret", ["", "dev-only-not-secret", "short"])
def test_production_refuses_default_or_weak_secrets(monkeypatch, secret):
    monkeypatch.setenv("REBOUND_ENV", "production")
    monkeypatch.setenv("REBOUND_SECRET_KEY", secret)
    monkeypatch.setenv("REBOUND_INTERNAL_SECRET", "x" * 40)
    with pytest.raises(ConfigError, match="REBOUND_SECRET_KEY"):
        load_settings()


def test_production_accepts_long_random_secrets(monkeypatch):
    monkeypatch.setenv("REBOUND_ENV", "production")
    monkeypatch.setenv("REBOUND_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("REBOUND_INTERNAL_SECRET", "i" * 40)
    assert load_settings().production


def test_a_bad_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("REBOUND_MAX_ATTEMPTS", "five")
    with pytest.raises(ConfigError, match="REBOUND_MAX_ATTEMPTS"):
        load_settings()
