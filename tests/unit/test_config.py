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


def test_several_brokers_separated_by_semicolons(monkeypatch):
    monkeypatch.setenv("REBOUND_BUS_URL", " amqp://u:p@a:5672/ ; amqp://u:p@b:5672/;amqps://u:p@c/ ")
    settings = load_settings()
    assert settings.bus_is_amqp
    assert settings.bus_urls == ["amqp://u:p@a:5672/", "amqp://u:p@b:5672/", "amqps://u:p@c/"]


@pytest.mark.parametrize("url", ["filesystem://;amqp://u:p@b/", "amqp://u:p@a/;filesystem://", " ; "])
def test_a_broker_list_mixing_kinds_or_naming_none_is_refused(monkeypatch, url):
    monkeypatch.setenv("REBOUND_BUS_URL", url)
    with pytest.raises(ConfigError, match="REBOUND_BUS_URL"):
        load_settings()


@pytest.mark.parametrize("raw,expected", [(None, True), ("false", False), ("0", False), ("TRUE", True),
                                          ("yes", True), ("off", False)])
def test_migrate_on_start(monkeypatch, raw, expected):
    if raw is not None:
        monkeypatch.setenv("REBOUND_MIGRATE_ON_START", raw)
    assert load_settings().migrate_on_start is expected


def test_migrate_on_start_refuses_a_word_it_cannot_read(monkeypatch):
    monkeypatch.setenv("REBOUND_MIGRATE_ON_START", "later")
    with pytest.raises(ConfigError, match="REBOUND_MIGRATE_ON_START"):
        load_settings()


@pytest.mark.parametrize("raw,migrated", [("true", ["coach"]), ("false", [])])
def test_a_process_migrates_at_start_only_when_asked(monkeypatch, tmp_path, raw, migrated):
    from rebound import processes
    monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REBOUND_MIGRATE_ON_START", raw)
    calls, started = [], []
    monkeypatch.setattr(processes, "setup_logging", lambda process: None)
    monkeypatch.setattr(processes, "migrate_service", lambda service, settings: calls.append(service))
    monkeypatch.setattr(processes, "run_background", lambda service, settings: started.append(service))
    processes.run("coach-worker")
    assert calls == migrated
    assert started == ["coach"]
