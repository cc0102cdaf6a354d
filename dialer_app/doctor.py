"""`dialer-app doctor`: one line per check, and a fix for every failure."""

from __future__ import annotations

import enum
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from dialer_app.paths import AppPaths


class Verdict(enum.Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class CheckResult:
    name: str
    verdict: Verdict
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.verdict.value:<4} {self.name:<12} {self.detail}"
        return f"{text} -- fix: {self.fix}" if self.fix else text


def check_data_dir(paths: AppPaths) -> CheckResult:
    try:
        paths.ensure()
        with tempfile.NamedTemporaryFile(dir=paths.data_dir, prefix=".doctor-"):
            pass
    except OSError as exc:
        return CheckResult(
            "data dir",
            Verdict.FAIL,
            f"{paths.data_dir} is not writable ({exc.strerror})",
            "free some disk space or fix the folder's permissions, or pass --data-dir",
        )
    return CheckResult("data dir", Verdict.OK, f"{paths.data_dir} is writable")


def check_database(paths: AppPaths) -> CheckResult:
    from dialer_app.db.errors import DatabaseProblem
    from dialer_app.db.migrate import HEAD_REVISION, stored_revision

    try:
        revision = stored_revision(paths.database)
    except DatabaseProblem as exc:
        return CheckResult("database", Verdict.FAIL, str(exc), "restore or move the file aside")
    if revision is None:
        return CheckResult(
            "database", Verdict.OK, f"{paths.database} not created yet (made on first start)"
        )
    if revision == HEAD_REVISION:
        return CheckResult("database", Verdict.OK, f"{paths.database} schema {revision} (current)")
    return CheckResult(
        "database",
        Verdict.WARN,
        f"{paths.database} schema {revision}, app wants {HEAD_REVISION}",
        "start the app once: it upgrades the schema (a backup copy is kept)",
    )


def check_keyring() -> CheckResult:
    from dialer_app.secrets import SecretStore

    status = SecretStore().status()
    if status.usable:
        return CheckResult("keyring", Verdict.OK, status.message)
    return CheckResult(
        "keyring",
        Verdict.FAIL,
        f"no usable keyring backend ({status.backend})",
        "install and unlock GNOME Keyring or KWallet (a Secret Service); "
        "until then the app keeps secrets for the session only",
    )


def check_audio() -> CheckResult:
    try:
        from dialer_app.engine.audio_probe import probe_audio_devices

        devices = probe_audio_devices()
    except Exception as exc:  # the probe must never crash the doctor
        return CheckResult(
            "audio",
            Verdict.FAIL,
            f"the SIP audio layer did not start ({exc})",
            "reinstall with `pip install -e .` (pjsua2-python)",
        )
    inputs = [d.name for d in devices if d.inputs > 0]
    outputs = [d.name for d in devices if d.outputs > 0]
    if not inputs or not outputs:
        return CheckResult(
            "audio",
            Verdict.WARN,
            f"{len(inputs)} microphone(s), {len(outputs)} speaker(s): "
            "calls use the null device (silent)",
            "plug in a headset or start PulseAudio/PipeWire",
        )
    return CheckResult(
        "audio", Verdict.OK, f"microphones: {', '.join(inputs)}; speakers: {', '.join(outputs)}"
    )


def check_line(paths: AppPaths) -> CheckResult:
    from dialer_app.settings import load_settings

    settings = load_settings(paths.settings_file)
    if not settings.default_line:
        return CheckResult(
            "line", Verdict.OK, "no trunk configured: calls use the built-in demo line"
        )
    return CheckResult("line", Verdict.OK, f"default line: {settings.default_line}")


def run_checks(paths: AppPaths) -> list[CheckResult]:
    checks: list[Callable[[], CheckResult]] = [
        lambda: check_data_dir(paths),
        lambda: check_database(paths),
        check_keyring,
        check_audio,
        lambda: check_line(paths),
    ]
    return [check() for check in checks]


def doctor(paths: AppPaths, print_line: Callable[[str], None] = print) -> int:
    """Print every check; exit code 1 if any failed."""
    results = run_checks(paths)
    for result in results:
        print_line(result.line())
    return 1 if any(r.verdict is Verdict.FAIL for r in results) else 0
