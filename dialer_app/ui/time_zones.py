"""A completer of IANA time zone names, for the profile's and the settings' zone fields."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCompleter, QWidget


def time_zone_completer(parent: QWidget) -> QCompleter:
    """IANA zone names, matched anywhere ("york" finds America/New_York)."""
    from zoneinfo import available_timezones

    completer = QCompleter(sorted(available_timezones()), parent)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    return completer
