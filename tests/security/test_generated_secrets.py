"""Finding 11: no constant key. Without configured secrets, random ones are made once per data dir
and reused; every secret can also be read from a file named by REBOUND_<NAME>_FILE."""
from __future__ import annotations

import os
import stat

import pytest

from shared.config import DEV_SECRET, ConfigError, load_settings


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("REBOUND_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("REBOUND_DATA_DIR", str(tmp_path))
    return monkeypatch


def test_unset_secrets_are_random_kept_and_private(clean_env, tmp_path):
    first = load_settings()
    assert DEV_SECRET not in (first.secret_key, first.internal_secret)
    assert len(first.secret_key) >= 43 and first.secret_key != first.internal_secret
    again = load_settings()
    assert (again.secret_key, again.internal_secret) == (first.secret_key, first.internal_secret)
    stored = tmp_path / "secrets" / "secret_key"
    assert stored.read_text().strip() == first.secret_key
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600


def test_another_data_dir_gets_other_secrets(clean_env, tmp_path):
    first = load_settings().secret_key
    clean_env.setenv("REBOUND_DATA_DIR", str(tmp_path / "elsewhere"))
    assert load_settings().secret_key != first


def test_a_secret_can_come_from_a_file(clean_env, tmp_path):
    path = tmp_path / "key"
    path.write_text("f" * 40 + "\n")
    clean_env.setenv("REBOUND_SECRET_KEY_FILE", str(path))
    assert load_settings().secret_key == "f" * 40


def test_a_missing_secret_file_is_a_clear_error(clean_env, tmp_path):
    clean_env.setenv("REBOUND_INTERNAL_SECRET_FILE", str(tmp_path / "nope"))
    with pytest.raises(ConfigError, match="REBOUND_INTERNAL_SECRET_FILE"):
        load_settings()


def test_value_and_file_together_are_refused(clean_env, tmp_path):
    path = tmp_path / "key"
    path.write_text("g" * 40)
    clean_env.setenv("REBOUND_SECRET_KEY", "h" * 40)
    clean_env.setenv("REBOUND_SECRET_KEY_FILE", str(path))
    with pytest.raises(ConfigError, match="REBOUND_SECRET_KEY"):
        load_settings()


def test_production_still_wants_secrets_it_was_given(clean_env):
    clean_env.setenv("REBOUND_ENV", "production")
    with pytest.raises(ConfigError, match="REBOUND_SECRET_KEY"):
        load_settings()


def test_processes_starting_together_agree_on_the_secrets(tmp_path):
    import subprocess
    import sys
    env = {k: v for k, v in os.environ.items() if not k.startswith("REBOUND_")}
    env["REBOUND_DATA_DIR"] = str(tmp_path)
    code = "from shared.config import load_settings; s = load_settings(); print(s.secret_key, s.internal_secret)"
    started = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True,
                                cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]))
               for _ in range(6)]
    answers = {proc.communicate(timeout=60)[0].strip() for proc in started}
    assert len(answers) == 1 and answers != {""}
    assert not [p for p in (tmp_path / "secrets").iterdir() if p.name.startswith(".")]  # no drafts left
