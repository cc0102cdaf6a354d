"""Audio that never enters a call: the microphone level meter, recording the rep's
voicemail greeting, and playing a file to the speaker. Engine thread only."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pjsua2 as pj

from dialer_app.engine.media import FilePlayer, connect, disconnect

log = logging.getLogger("dialer_app.engine")

_MAX_LEVEL = 255.0  # pjmedia conference port levels are 0..255


class LocalAudio:
    def __init__(
        self,
        capture: Callable[[], Any],
        playback: Callable[[], Any],
        post: Callable[[Callable[[], None]], None],
    ) -> None:
        self._capture = capture
        self._playback = playback
        self._post = post
        self._recorder: Any = None
        self._player: FilePlayer | None = None

    def microphone_level(self) -> float:
        """What the microphone sends into the bridge, 0..1 (0 with the null device)."""
        try:
            return min(1.0, float(self._capture().getTxLevel()) / _MAX_LEVEL)
        except pj.Error:
            return 0.0

    def start_recording(self, path: str) -> None:
        self.stop_recording()
        recorder = pj.AudioMediaRecorder()
        recorder.createRecorder(path)
        connect(self._capture(), recorder)
        self._recorder = recorder

    def stop_recording(self) -> None:
        """Drop the recorder; pjmedia writes the WAV header on the bridge's next tick."""
        if self._recorder is not None:
            disconnect(self._capture(), self._recorder)
            self._recorder = None

    def play(self, path: str) -> None:
        self.stop_playing()
        player = FilePlayer(path, False, self._post, self.stop_playing)
        connect(player, self._playback())
        self._player = player

    def stop_playing(self) -> None:
        if self._player is not None:
            disconnect(self._player, self._playback())
            self._player = None

    def close(self) -> None:
        self.stop_recording()
        self.stop_playing()
