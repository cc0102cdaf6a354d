"""Schedule Send (the clock icon) and Schedule Send All (seed 004).

Send Email presets (Now only for Schedule All, In 1/4/12 Hours) or Send at a Custom Time;
Your Time Zone or the Person's Time Zone; for Schedule All, Send First # Emails. Picking a
preset moves the date/time box to that time; editing the box switches to the custom time.
The bottom line confirms when sending starts. The times are the domain's
(``domain.email_schedule``); this dialog only collects the choice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dialer_app.domain.email_schedule import (
    PRESET_LABELS,
    Preset,
    ScheduleError,
    check_future,
    preset_time,
    schedule_summary,
    wall_clock_to_utc,
    zone_or_local,
)


@dataclass(frozen=True)
class ScheduleChoice:
    preset: Preset | None
    """None: a custom date and time."""
    day: date
    clock: time
    persons_zone: bool
    count: int

    def at_for(self, now: datetime, zone: str) -> datetime:
        """The UTC send time for someone whose zone is ``zone`` (rep's or person's)."""
        if self.preset is not None:
            return preset_time(now, self.preset)
        return wall_clock_to_utc(self.day, self.clock, zone).at


class ScheduleDialog(QDialog):
    """``people_zone`` is the person's zone ("" unknown) for Schedule, or "" with
    ``total`` > 1 for Schedule All (then "Person's time zone" means each person's own)."""

    def __init__(
        self,
        now: Callable[[], datetime],
        rep_zone: str,
        person_zone: str,
        *,
        total: int = 1,
        who: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bulk = total > 1
        self.setObjectName("scheduleAllDialog" if self.bulk else "scheduleDialog")
        self.setWindowTitle("Schedule Send All" if self.bulk else f"Schedule Send to {who}")
        self._now = now
        self._rep_zone = rep_zone
        self._person_zone = person_zone
        self._total = total

        self.preset_buttons: dict[Preset, QRadioButton] = {}
        self.when_group = QButtonGroup(self)
        send_box = QGroupBox("Send Email")
        send_layout = QVBoxLayout(send_box)
        for preset, label in PRESET_LABELS.items():
            if preset is Preset.NOW and not self.bulk:
                continue
            button = QRadioButton(label)
            button.setObjectName(f"preset_{preset.name.lower()}")
            self.preset_buttons[preset] = button
            self.when_group.addButton(button)
            send_layout.addWidget(button)
        self.custom_button = QRadioButton("Send at a Custom Time")
        self.custom_button.setObjectName("customTime")
        self.when_group.addButton(self.custom_button)
        self.when_edit = QDateTimeEdit()
        self.when_edit.setObjectName("customWhen")
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat("ddd yyyy-MM-dd HH:mm")
        send_layout.addWidget(self.custom_button)
        send_layout.addWidget(self.when_edit)

        zone_box = QGroupBox("Time Zone")
        zone_layout = QVBoxLayout(zone_box)
        mine = zone_or_local(rep_zone)
        self.rep_zone_button = QRadioButton(
            f"Your Time Zone ({mine.key if mine else 'this computer'})"
        )
        self.rep_zone_button.setObjectName("repZone")
        if self.bulk:
            theirs = "each person's own; yours when unknown"
        else:
            theirs = person_zone or "unknown: add it on their profile"
        self.person_zone_button = QRadioButton(f"Person's Time Zone ({theirs})")
        self.person_zone_button.setObjectName("personZone")
        self.person_zone_button.setEnabled(self.bulk or bool(person_zone))
        self.rep_zone_button.setChecked(True)
        zone_layout.addWidget(self.rep_zone_button)
        zone_layout.addWidget(self.person_zone_button)

        self.count_spin = QSpinBox()
        self.count_spin.setObjectName("sendFirst")
        self.count_spin.setRange(1, max(total, 1))
        self.count_spin.setValue(total)
        self.summary = QLabel("")
        self.summary.setObjectName("scheduleSummary")
        self.summary.setWordWrap(True)
        self.error = QLabel("")
        self.error.setObjectName("scheduleError")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)

        buttons = QDialogButtonBox()
        self.schedule_button = buttons.addButton("Schedule", QDialogButtonBox.ButtonRole.AcceptRole)
        self.schedule_button.setObjectName("scheduleButton")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(send_box)
        layout.addWidget(zone_box)
        if self.bulk:
            form = QFormLayout()
            form.addRow(f"Send First # Emails (of {total})", self.count_spin)
            layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        first = Preset.NOW if self.bulk else Preset.IN_1_HOUR
        self.preset_buttons[first].setChecked(True)
        self._sync_edit()
        self.when_group.buttonToggled.connect(self._on_when_toggled)
        self.rep_zone_button.toggled.connect(lambda _on: self._sync_edit())
        self.when_edit.dateTimeChanged.connect(lambda _dt: self._edited())
        self.count_spin.valueChanged.connect(lambda _v: self._refresh())

    # -- the choice ------------------------------------------------------------------------------
    @property
    def preset(self) -> Preset | None:
        return next((p for p, b in self.preset_buttons.items() if b.isChecked()), None)

    @property
    def zone(self) -> str:
        """The zone the date/time box is read in (for one person: theirs or the rep's)."""
        if self.person_zone_button.isChecked() and self._person_zone:
            return self._person_zone
        return self._rep_zone

    def choice(self) -> ScheduleChoice:
        value = self.when_edit.dateTime()
        day, clock = value.date(), value.time()
        return ScheduleChoice(
            preset=self.preset,
            day=date(day.year(), day.month(), day.day()),
            clock=time(clock.hour(), clock.minute()),
            persons_zone=self.person_zone_button.isChecked(),
            count=self.count_spin.value() if self.bulk else 1,
        )

    def at(self) -> datetime:
        return self.choice().at_for(self._now(), self.zone)

    def _on_when_toggled(self, _button: object, checked: bool) -> None:
        if checked:
            self._sync_edit()

    def _sync_edit(self) -> None:
        """A preset shows its time in the box (in the chosen zone's wall clock)."""
        preset = self.preset
        if preset is not None:
            at = preset_time(self._now(), preset)
            zone = zone_or_local(self.zone)
            local = at.astimezone(zone) if zone else at.astimezone()
            self.when_edit.blockSignals(True)
            self.when_edit.setDateTime(
                QDateTime(
                    QDate(local.year, local.month, local.day),
                    QTime(local.hour, local.minute),
                )
            )
            self.when_edit.blockSignals(False)
        self._refresh()

    def _edited(self) -> None:
        """Typing a date or time means a custom time (the preset's check goes)."""
        if not self.custom_button.isChecked():
            self.custom_button.setChecked(True)
        self._refresh()

    def _refresh(self) -> None:
        self.error.clear()
        now = self._now()
        choice = self.choice()
        note = ""
        if choice.preset is None:
            note = wall_clock_to_utc(choice.day, choice.clock, self.zone).note
        count = choice.count
        text = schedule_summary(self.at(), self.zone, count, self._total, now)
        if self.bulk and choice.preset is None and choice.persons_zone:
            text = text.rstrip(".") + " in each person's time zone."
        self.summary.setText(f"{text} {note}".strip())

    def accept(self) -> None:
        if self.preset is None:
            try:
                check_future(self.at(), self._now().astimezone(UTC))
            except ScheduleError as exc:
                self.error.setText(str(exc))
                return
        super().accept()
