import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, secret_key
from config.production_checks import assert_production_ready


def test_env_helpers_parse_and_refuse_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QQ_FLAG", "yes")
    monkeypatch.setenv("QQ_NUM", "42")
    monkeypatch.setenv("QQ_LIST", "a, b,,c")
    assert env_bool("QQ_FLAG") is True
    assert env_int("QQ_NUM", 1) == 42
    assert env_list("QQ_LIST") == ["a", "b", "c"]
    monkeypatch.setenv("QQ_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured):
        env_bool("QQ_FLAG")
    monkeypatch.setenv("QQ_NUM", "many")
    with pytest.raises(ImproperlyConfigured):
        env_int("QQ_NUM", 1)


def test_a_local_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(var_dir=tmp_path, production=False)
    assert first == secret_key(var_dir=tmp_path, production=False)
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        secret_key(var_dir=tmp_path, production=True)


def test_production_refuses_insecure_settings() -> None:
    insecure = {
        "DEBUG": True,
        "ALLOWED_HOSTS": ["*"],
        "DEMO_DATA_ALLOWED": True,
        "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3"}},
        "SECRET_KEY": "short",
    }
    with pytest.raises(ImproperlyConfigured) as exc:
        assert_production_ready(insecure)
    for problem in ("DEBUG", "ALLOWED_HOSTS", "DEMO_DATA_ALLOWED", "PostgreSQL", "SECRET_KEY"):
        assert problem in str(exc.value)
    assert_production_ready(
        {
            "DEBUG": False,
            "ALLOWED_HOSTS": ["qingqian.sjz.gov.cn"],
            "DEMO_DATA_ALLOWED": False,
            "DATABASES": {"default": {"ENGINE": "django.db.backends.postgresql"}},
            "SECRET_KEY": "x" * 50,
            "PII_KEYS": "k1:" + "1" * 32,
            "PII_INDEX_KEY": "2" * 64,
            "AUDIT_ANCHOR_KEY": "3" * 64,
        }
    )


def test_the_defaults_are_chinese_and_shanghai_time(settings) -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]


def test_the_database_is_configured_for_its_engine(settings) -> None:
    """SQLite: WAL, busy timeout, IMMEDIATE transactions. PostgreSQL: persistent, health-checked connections."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
        assert db["OPTIONS"]["timeout"] >= 5
    else:
        assert db["ENGINE"] == "django.db.backends.postgresql"
        assert db["CONN_HEALTH_CHECKS"] is True
