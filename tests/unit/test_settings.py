from __future__ import annotations

import json
from pathlib import Path

from dialer_app.settings import (
    SETTINGS_VERSION,
    Settings,
    load_settings,
    save_settings,
    settings_from_dict,
)


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.json") == Settings()


def test_round_trip_is_versioned(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save_settings(path, Settings(default_region="GB", use_popped_out_logger=False))
    stored = json.loads(path.read_text())
    assert stored["version"] == SETTINGS_VERSION
    loaded = load_settings(path)
    assert loaded.default_region == "GB"
    assert loaded.use_popped_out_logger is False


def test_old_versions_are_upgraded() -> None:
    assert settings_from_dict({"region": "DE"}).default_region == "DE"


def test_unknown_keys_survive_a_save(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "from_the_future": [1, 2]}))
    settings = load_settings(path)
    save_settings(path, settings.with_changes(default_region="FR"))
    stored = json.loads(path.read_text())
    assert stored["from_the_future"] == [1, 2]
    assert stored["default_region"] == "FR"


def test_invalid_values_fall_back_to_defaults() -> None:
    settings = settings_from_dict(
        {"version": 1, "default_region": 44, "use_popped_out_logger": True}
    )
    assert settings.default_region == "US"
    assert settings.use_popped_out_logger is True


def test_unreadable_file_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert load_settings(path) == Settings()
    assert (tmp_path / "settings.broken.json").read_text() == "{not json"


def test_secrets_are_not_settings() -> None:
    names = {name.lower() for name in Settings.__dataclass_fields__}
    assert not any("password" in n or "token" in n or "secret" in n for n in names)


def test_auto_dial_is_off_by_default_and_round_trips(tmp_path: Path) -> None:
    assert Settings().auto_dial is False
    path = tmp_path / "settings.json"
    save_settings(path, Settings(auto_dial=True))
    assert load_settings(path).auto_dial is True
    assert settings_from_dict({"version": 1, "auto_dial": "yes"}).auto_dial is False
