"""One test on a real Secret Service (GNOME Keyring on a private D-Bus), as on a rep's desktop."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NEEDED = ("dbus-run-session", "gnome-keyring-daemon")

SCRIPT = """
import sys
from dialer_app.secrets import SecretStore, sip_password_key
store = SecretStore()
status = store.status()
assert status.usable, status
if sys.argv[1] == "write":
    store.set(sip_password_key("Main"), "p@ss word")
print("backend", status.backend)
print("value", store.get(sip_password_key("Main")))
"""


@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in NEEDED),
    reason="needs Debian gnome-keyring and dbus (installed by .ci/run)",
)
def test_secrets_round_trip_through_gnome_keyring(tmp_path: Path) -> None:
    script = tmp_path / "probe.py"
    script.write_text(SCRIPT)
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "share"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
    }
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    (tmp_path / "run").mkdir(mode=0o700)
    shell = (
        "echo -n unlock | gnome-keyring-daemon --unlock --components=secrets >/dev/null && "
        f"{sys.executable} {script} write && {sys.executable} {script} read"
    )
    result = subprocess.run(
        ["dbus-run-session", "--", "bash", "-c", shell],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "backend keyring.backends.SecretService.Keyring" in lines
    assert lines.count("value p@ss word") == 2  # the second process read it back
    assert not any("p@ss word" in p.read_text(errors="ignore") for p in tmp_path.rglob("*.json"))
