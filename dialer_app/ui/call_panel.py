"""In-call controls and live call state: timer, hold, mute, keypad tones, extension,
voicemail drop, and the quality line (codec, SRTP, jitter, loss, MOS)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from dialer_app.engine.events import CallState
from dialer_app.services.calls import ActiveCall, FinishedCall, QualitySample

_STATE_TEXT = {
    CallState.CALLING: "Calling…",
    CallState.RINGING: "Ringing…",
    CallState.CONNECTING: "Connecting…",
    CallState.CONNECTED: "Connected",
    CallState.ON_HOLD: "On hold",
}


def format_duration(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class CallPanel(QWidget):
    """Observes the call service; its buttons are wired to the service by the main window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callPanel")
        self._call: ActiveCall | None = None

        self.state_label = QLabel("")
        self.state_label.setObjectName("callState")
        self.state_label.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.quality_label = QLabel("")
        self.quality_label.setObjectName("callQuality")
        self.quality_label.setWordWrap(True)

        self.hangup_button = QPushButton("Hang up")
        self.hangup_button.setObjectName("hangupButton")
        self.hangup_button.setStyleSheet(
            "QPushButton#hangupButton { background: #c0392b; color: white; font-weight: bold;"
            " border-radius: 6px; min-height: 32px; }"
        )
        self.mute_button = QPushButton("Mute")
        self.mute_button.setObjectName("muteButton")
        self.mute_button.setCheckable(True)
        self.hold_button = QPushButton("Hold")
        self.hold_button.setObjectName("holdButton")
        self.hold_button.setCheckable(True)
        self.extension_button = QPushButton("Dial extension")
        self.extension_button.setObjectName("extensionButton")
        self.extension_button.setToolTip("Send the extension as keypad tones (Ctrl+Shift+X)")
        self.extension_hint = QLabel("")
        self.extension_hint.setObjectName("extensionHint")
        self.extension_hint.setWordWrap(True)
        self.voicemail_button = QPushButton("Drop voicemail")
        self.voicemail_button.setObjectName("voicemailButton")

        grid = QGridLayout()
        grid.addWidget(self.mute_button, 0, 0)
        grid.addWidget(self.hold_button, 0, 1)
        grid.addWidget(self.extension_button, 1, 0)
        grid.addWidget(self.voicemail_button, 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state_label)
        layout.addWidget(self.quality_label)
        layout.addWidget(self.extension_hint)
        layout.addLayout(grid)
        layout.addWidget(self.hangup_button)

        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._refresh_state_text)
        self.show_idle()

    @property
    def call(self) -> ActiveCall | None:
        return self._call

    def show_idle(self) -> None:
        self._call = None
        self._timer.stop()
        for widget in (
            self.hangup_button,
            self.mute_button,
            self.hold_button,
            self.extension_button,
            self.extension_hint,
            self.voicemail_button,
            self.quality_label,
        ):
            widget.setVisible(False)

    def show_call(self, call: ActiveCall, *, greeting_ready: bool) -> None:
        self._call = call
        connected = call.connected is not None
        self.hangup_button.setVisible(True)
        for widget in (self.mute_button, self.hold_button, self.voicemail_button):
            widget.setVisible(True)
            widget.setEnabled(connected and not call.voicemail_dropping)
        self._offer_extension(call)
        self.mute_button.setChecked(call.muted)
        self.mute_button.setText("Unmute" if call.muted else "Mute")
        self.hold_button.setChecked(call.on_hold)
        self.hold_button.setText("Resume" if call.on_hold else "Hold")
        self.voicemail_button.setToolTip(
            "Play your recorded greeting into the call and hang up (Ctrl+Shift+V)"
            if greeting_ready
            else "Record or import a voicemail greeting in Settings first"
        )
        if not greeting_ready:
            self.voicemail_button.setEnabled(False)
        if call.voicemail_dropping:
            self.voicemail_button.setText("Leaving voicemail…")
        else:
            self.voicemail_button.setText("Drop voicemail")
        self.quality_label.setVisible(connected)
        if connected and not self._timer.isActive():
            self._timer.start()
        self._refresh_state_text()

    def _offer_extension(self, call: ActiveCall) -> None:
        """Seed 002: the office extension is ready to send once connected; the rep clicks
        when the phone system asks for it (never sent on its own: an IVR may not be ready)."""
        extension = call.number.extension or ""
        connected = call.connected is not None
        offered = bool(extension) and connected and not call.extension_sent
        self.extension_button.setVisible(bool(extension))
        self.extension_button.setEnabled(connected)
        self.extension_button.setText(f"Dial extension {extension}")
        self.extension_button.setProperty("highlighted", offered)
        self.extension_button.setStyleSheet(
            "QPushButton#extensionButton { background: #f39c12; color: black; font-weight: bold;"
            " border-radius: 6px; min-height: 28px; }"
            if offered
            else ""
        )
        if not extension:
            hint = ""
        elif call.extension_sent:
            hint = f"Extension {extension} sent."
        elif connected:
            hint = f"Extension {extension}: click Dial extension (Ctrl+Shift+X) when asked for it."
        else:
            hint = f"Extension {extension} can be sent once the call connects."
        self.extension_hint.setText(hint)
        self.extension_hint.setVisible(bool(hint))

    def show_quality(self, sample: QualitySample) -> None:
        stats = sample.stats
        lock = "🔒 SRTP" if stats.srtp else "unencrypted"
        text = (
            f"{stats.codec} · {lock} · jitter {stats.jitter_ms:.0f} ms · "
            f"loss {stats.loss_pct:.1f}% · MOS {stats.mos:.1f}"
        )
        if sample.warnings:
            text += "<br><span style='color:#d35400'>⚠ " + "; ".join(sample.warnings) + "</span>"
        self.quality_label.setText(text)
        self.quality_label.setVisible(True)

    def show_finished(self, finished: FinishedCall) -> None:
        self.show_idle()
        duration = ""
        if finished.duration_s is not None:
            duration = f" ({format_duration(finished.duration_s)})"
        self.state_label.setText(f"Call ended{duration}: {finished.end.message}")

    def _refresh_state_text(self) -> None:
        call = self._call
        if call is None:
            return
        who = call.person_name or call.number.international
        text = _STATE_TEXT.get(call.state, call.state.value)
        if call.voicemail_dropping:
            text = "Leaving voicemail"
        if call.connected is not None:
            text += f" {format_duration(call.talk_seconds)}"
        if call.muted:
            text += " · muted"
        self.state_label.setText(f"{text} — {who}")
