"""Log to a rotating file in the platformdirs log folder (and stderr for warnings)."""

from __future__ import annotations

import logging
import logging.handlers

from dialer_app.paths import AppPaths


def configure_logging(paths: AppPaths, *, verbose: bool = False) -> None:
    root = logging.getLogger()
    if getattr(root, "_dialer_configured", False):
        return
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("dialer-app: %(levelname)s %(message)s"))
    root.addHandler(console)
    try:
        paths.log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            paths.log_dir / "dialer.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError as exc:
        root.warning(
            "cannot write logs to %s (%s); logging to the console only", paths.log_dir, exc
        )
    else:
        file_handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        root.addHandler(file_handler)
    root._dialer_configured = True  # type: ignore[attr-defined]
