"""The seam between the Dial button and the phone line.

The UI asks this service to dial text the rep typed; the service validates it (E.164)
and hands it to the line. Until a line exists (the engine issue), the service says so.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from dialer_app.domain.line_status import NO_LINE, LineStatus
from dialer_app.domain.phone import PhoneNumber, PhoneNumberError, parse_number


class CallService(QObject):
    """Owns the line status and the dial action; widgets only observe its signals."""

    line_status_changed = Signal(object)  # LineStatus
    dial_refused = Signal(str)  # a message for the rep
    dial_started = Signal(object)  # PhoneNumber

    def __init__(self, region: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._region = region
        self._status: LineStatus = NO_LINE

    @property
    def line_status(self) -> LineStatus:
        return self._status

    def set_region(self, region: str) -> None:
        self._region = region

    def set_line_status(self, status: LineStatus) -> None:
        self._status = status
        self.line_status_changed.emit(status)

    def validate(self, text: str) -> PhoneNumber:
        """Parse what the rep typed; raises PhoneNumberError with a human message."""
        return parse_number(text, self._region)

    def dial(self, text: str, extension: str | None = None) -> None:
        try:
            number = self.validate(text)
        except PhoneNumberError as exc:
            self.dial_refused.emit(str(exc))
            return
        if extension and not number.extension:
            number = PhoneNumber(
                number.e164, extension, number.region, number.national, number.international
            )
        if not self._status.can_dial:
            self.dial_refused.emit(f"Cannot call {number.international}: {self._status.message}")
            return
        self.dial_started.emit(number)
