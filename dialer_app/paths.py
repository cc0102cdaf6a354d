"""Where the app keeps its files: platformdirs by default, one folder when overridden.

`--data-dir DIR` or the environment variable ``DIALER_APP_DATA_DIR`` put *everything*
(database, settings, logs, recordings) under one folder, which keeps tests and
portable installs isolated from the rep's real data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dialer_app import APP_NAME

DATA_DIR_ENV = "DIALER_APP_DATA_DIR"
DATABASE_FILENAME = "dialer.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    """Every folder and file location the app uses."""

    data_dir: Path
    config_dir: Path
    log_dir: Path
    cache_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / DATABASE_FILENAME

    @property
    def recordings_dir(self) -> Path:
        return self.data_dir / "recordings"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    def ensure(self) -> None:
        """Create the folders (not the files) if they are missing."""
        for folder in (self.data_dir, self.config_dir, self.log_dir, self.cache_dir):
            folder.mkdir(parents=True, exist_ok=True)

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
        """Paths from an explicit override, the environment, or platformdirs (in that order)."""
        override = data_dir or os.environ.get(DATA_DIR_ENV)
        if override:
            root = Path(override).expanduser().resolve()
            return cls(root, root / "config", root / "logs", root / "cache")
        import platformdirs

        return cls(
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
            cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        )
