"""Ringback on the rep's chosen ringer device (e.g. laptop speakers while the call audio
goes to a headset). QtMultimedia is loaded only when a ringer device is chosen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl

from dialer_app.engine.events import CallState
from dialer_app.services.calls import ActiveCall


def ringer_device_names() -> list[str]:
    """Output devices QtMultimedia can play the ringer on (empty without a sound server)."""
    from PySide6.QtMultimedia import QMediaDevices

    return [device.description() for device in QMediaDevices.audioOutputs()]


class Ringer(QObject):
    def __init__(self, wav: Path, device_name: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._wav = wav
        self._device_name = device_name
        self._player: Any = None
        self._output: Any = None
        self._ringing = False

    @property
    def enabled(self) -> bool:
        """True when a ringer device is chosen (else the engine rings on the speaker)."""
        return bool(self._device_name)

    @property
    def is_ringing(self) -> bool:
        return self._ringing

    def set_device(self, name: str) -> None:
        self.stop()
        self._device_name = name
        self._player = None
        self._output = None

    def on_call_changed(self, call: ActiveCall) -> None:
        if call.state is CallState.RINGING and call.connected is None:
            self.start()
        else:
            self.stop()

    def start(self) -> None:
        if not self.enabled or self._ringing:
            return
        player = self._ensure_player()
        player.setPosition(0)
        player.play()
        self._ringing = True

    def stop(self) -> None:
        if self._player is not None and self._ringing:
            self._player.stop()
        self._ringing = False

    def _ensure_player(self) -> Any:
        if self._player is None:
            from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

            device = next(
                (d for d in QMediaDevices.audioOutputs() if d.description() == self._device_name),
                QMediaDevices.defaultAudioOutput(),
            )
            self._output = QAudioOutput(device, self)
            self._player = QMediaPlayer(self)
            self._player.setAudioOutput(self._output)
            self._player.setLoops(QMediaPlayer.Loops.Infinite)
            self._player.setSource(QUrl.fromLocalFile(str(self._wav)))
        return self._player
