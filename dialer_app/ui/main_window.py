"""The main window: dial pad, people list, line status. Keyboard-first."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dialer_app import APP_DISPLAY_NAME, __version__
from dialer_app.db.calls_reader import CallsReader
from dialer_app.db.people_reader import PersonRow
from dialer_app.db.recordings_reader import RecordingsReader
from dialer_app.domain.dial_links import DialLink, DialLinkError, parse_dial_link
from dialer_app.domain.person_numbers import person_label
from dialer_app.domain.phone import PhoneNumberError, format_for_display, parse_number
from dialer_app.domain.recording_indicator import RecordingIndicator
from dialer_app.secrets import KeyringStatus, SecretStore
from dialer_app.services.call_logger import CallLoggerService, LogSession
from dialer_app.services.calls import ActiveCall, CallService, FinishedCall
from dialer_app.services.lines import load_line_setups
from dialer_app.services.people import PeopleService
from dialer_app.settings import Settings
from dialer_app.ui.account_search import AccountSearch
from dialer_app.ui.call_logger import CallLogPanel, LoggerWindow
from dialer_app.ui.call_panel import CallPanel
from dialer_app.ui.calls_page import CallsPage
from dialer_app.ui.dial_pad import DialPad
from dialer_app.ui.dial_pad_people import DialPadPeople
from dialer_app.ui.line_indicator import LineIndicator
from dialer_app.ui.people_model import PeopleTableModel
from dialer_app.ui.people_panel import PeoplePanel
from dialer_app.ui.record_button import RecordingControl
from dialer_app.ui.ringer import Ringer

if TYPE_CHECKING:  # the service imports SQLAlchemy: not on the start-up path
    from sqlalchemy.orm import Session, sessionmaker

    from dialer_app.db.people_import import ImportReport
    from dialer_app.db.recording_governance_store import RecordingGovernanceStore
    from dialer_app.domain.cadences import DuePerson
    from dialer_app.domain.recording_rules import GovernanceSettings
    from dialer_app.recordings.storage import RecordingFiles
    from dialer_app.services.cadences import CadenceService
    from dialer_app.services.email_sender import SendOutcome
    from dialer_app.services.email_steps import EmailStepService
    from dialer_app.services.person_profile import PersonProfile, PersonProfileService
    from dialer_app.services.recordings import RecordingService
    from dialer_app.services.team_options import TeamOptionsService
    from dialer_app.sync.qt_bridge import SyncBridge
    from dialer_app.ui.cadence_dialogs import AddToCadenceDialog
    from dialer_app.ui.cadence_panel import CadenceDock
    from dialer_app.ui.cadences_page import CadencesPage
    from dialer_app.ui.email_window import EmailDock, EmailWindow
    from dialer_app.ui.import_wizard import ImportWizard
    from dialer_app.ui.person_profile import PersonProfileWindow
    from dialer_app.ui.recording_actions import RecordingActions
    from dialer_app.ui.recording_rules_dialog import RecordingRulesDialog
    from dialer_app.ui.recordings_page import RecordingsPage

KEYRING_CHECK_DELAY_MS = 500
CONFIRM_ADD_ABOVE = 50
"""Adding more search results than this to a cadence asks first, with the count."""
log = logging.getLogger(__name__)


@dataclass
class MainWindowDeps:
    """What the window needs from the composition root (app.py)."""

    settings: Settings
    save_settings: Callable[[Settings], None]
    people: PeopleService
    calls: CallService
    secrets: SecretStore
    ringback_wav: Path | None = None
    logger: CallLoggerService | None = None
    calls_reader: CallsReader | None = None
    team_options: Callable[[], TeamOptionsService] | None = None
    """Builds the admin service for the team call log settings (ORM, so only on demand)."""
    import_sessions: Callable[[], sessionmaker[Session]] | None = None
    """The sessions the import wizard writes with (ORM, so only when an import runs)."""
    person_profiles: Callable[[], PersonProfileService] | None = None
    """Builds the person profile service (ORM, so only when a profile opens)."""
    cadences: Callable[[], CadenceService] | None = None
    """Builds the cadence service (ORM, so only when the Cadences tab or a cadence action
    first needs it); built once and shared."""
    emails: Callable[[], EmailStepService] | None = None
    """Builds the email step service (issue 9) the first time an email step runs."""
    recordings: RecordingService | None = None
    """The record icon's service (governance, start/pause/resume, delete, export)."""
    recordings_reader: RecordingsReader | None = None
    recording_files: RecordingFiles | None = None
    recording_governance: Callable[[], RecordingGovernanceStore] | None = None
    """Builds the admin's store for the team recording rules (ORM, so only on demand)."""


class MainWindow(QMainWindow):
    keyring_status_ready = Signal(object)  # KeyringStatus, from a worker thread
    email_outcome = Signal(object)  # SendOutcome, from the email sender thread
    settings_applied = Signal(object)  # Settings: the rep saved Settings (the sync restarts)

    def __init__(self, deps: MainWindowDeps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._deps = deps
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_DISPLAY_NAME)
        self.resize(980, 620)

        region = deps.settings.default_region
        self.dial_pad = DialPad(region)
        self.dial_pad_people = DialPadPeople(self.dial_pad, deps.people, self)
        self.account_search = AccountSearch(deps.people, lambda: self.dial_pad.region)
        self.call_panel = CallPanel()
        self.people_model = PeopleTableModel(deps.people, region, self)
        self.people_panel = PeoplePanel(self.people_model)

        dialer = QWidget()
        dialer_layout = QVBoxLayout(dialer)
        dialer_layout.setContentsMargins(0, 0, 0, 0)
        self.recording_control = RecordingControl()  # seed 001: the dialer's top left
        dialer_layout.addWidget(self.recording_control)
        dialer_layout.addWidget(self.account_search)
        dialer_layout.addWidget(self.dial_pad)
        dialer_layout.addWidget(self.call_panel)
        dialer_layout.addStretch(1)
        self.left_tabs = QTabWidget()
        self.left_tabs.setObjectName("dialerTabs")
        self.left_tabs.addTab(dialer, "Dialer")
        self.left_tabs.tabBar().setVisible(False)  # a Log tab appears when not popped out
        self.log_panel: CallLogPanel | None = None
        self.logger_window: LoggerWindow | None = None
        self._logger_popped_out: bool | None = None  # placed by _place_logger
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.left_tabs)
        self.right_tabs = QTabWidget()
        self.right_tabs.setObjectName("mainTabs")
        self.right_tabs.addTab(self.people_panel, "People")
        self.calls_page: CallsPage | None = None
        if deps.calls_reader is not None:
            self.calls_page = CallsPage(deps.calls_reader)
            self.right_tabs.addTab(self.calls_page, "Calls")
            self.right_tabs.currentChanged.connect(self._on_tab_changed)
            self.calls_page.listen_requested.connect(self.open_recording)
        self.recordings_page: RecordingsPage | None = None
        self.recordings_tab: QWidget | None = None
        self._recording_actions: RecordingActions | None = None
        self.recording_rules_dialog: RecordingRulesDialog | None = None
        if deps.recordings_reader is not None and deps.recording_files is not None:
            # Built when first shown, like Cadences: the list is read when the rep looks.
            self.recordings_tab = QWidget()
            QVBoxLayout(self.recordings_tab).setContentsMargins(0, 0, 0, 0)
            self.right_tabs.addTab(self.recordings_tab, "Recordings")
            self.right_tabs.currentChanged.connect(lambda _index: self._ensure_recordings_page())
        self._cadence_service: CadenceService | None = None
        self.cadences_page: CadencesPage | None = None
        self.add_to_cadence_dialog: AddToCadenceDialog | None = None
        self.cadences_tab: QWidget | None = None
        self.cadence_dock: CadenceDock | None = None
        self._email_service: EmailStepService | None = None
        self.email_dock: EmailDock | None = None
        if deps.cadences is not None:
            # An empty tab at start-up: the page (and the ORM) load when it is first shown.
            self.cadences_tab = QWidget()
            QVBoxLayout(self.cadences_tab).setContentsMargins(0, 0, 0, 0)
            self.right_tabs.addTab(self.cadences_tab, "Cadences")
            self.right_tabs.currentChanged.connect(lambda _index: self._ensure_cadences_page())
        splitter.addWidget(self.right_tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 680])
        self.setCentralWidget(splitter)

        self.line_indicator = LineIndicator()
        self.statusBar().addPermanentWidget(self.line_indicator)
        self.keyring_label = QLabel("")
        self.keyring_label.setObjectName("keyringLabel")
        self.statusBar().addPermanentWidget(self.keyring_label)
        from dialer_app.ui.sync_indicator import SyncIndicator

        self.sync_indicator = SyncIndicator()
        self.sync_indicator.setVisible(bool(deps.settings.team_server_url))
        self.statusBar().addPermanentWidget(self.sync_indicator)
        self.sync: SyncBridge | None = None

        self.import_wizard: ImportWizard | None = None
        self.actions_by_name: dict[str, QAction] = {}
        self.profile_windows: dict[int, PersonProfileWindow] = {}
        self._build_actions()

        calls = deps.calls
        self.ringer = Ringer(deps.ringback_wav or Path(), deps.settings.ringer, self)
        calls.use_engine_ringback(not self.ringer.enabled)
        calls.call_changed.connect(self.ringer.on_call_changed)
        calls.call_finished.connect(lambda _finished: self.ringer.stop())
        self.dial_pad.dial_requested.connect(self._dial)
        self.dial_pad.dtmf_pressed.connect(calls.send_dtmf)
        calls.dial_refused.connect(lambda text: self.dial_pad.show_message(text, error=True))
        calls.call_changed.connect(self._on_call_changed)
        calls.call_finished.connect(self._on_call_finished)
        calls.quality_changed.connect(self.call_panel.show_quality)
        calls.notice.connect(self._on_notice)
        calls.line_status_changed.connect(self.line_indicator.show_status)
        self.call_panel.hangup_button.clicked.connect(calls.hangup)
        self.call_panel.mute_button.clicked.connect(calls.toggle_mute)
        self.call_panel.hold_button.clicked.connect(calls.toggle_hold)
        self.call_panel.extension_button.clicked.connect(calls.dial_extension)
        self.call_panel.voicemail_button.clicked.connect(calls.drop_voicemail)
        self.people_panel.person_chosen.connect(self.load_person)
        self.account_search.person_chosen.connect(self.load_person)
        self._connect_recordings()

        calls.call_finished.connect(lambda _finished: self._refresh_calls())
        calls.call_finished.connect(lambda _finished: self._refresh_profile_calls())
        if deps.logger is not None:
            deps.logger.logged.connect(lambda _result: self._refresh_calls())
            deps.logger.logged.connect(lambda _result: self._refresh_profile_calls())
            deps.logger.logged.connect(lambda _result: self._cadences_changed())
            deps.logger.person_created.connect(lambda _person_id: self._on_people_changed())
            self._place_logger(deps.settings.use_popped_out_logger)
            deps.logger.session_opened.connect(self._on_log_opened)
            app = QApplication.instance()
            if isinstance(app, QApplication):
                # autosave whenever the rep moves focus (besides every 3 s)
                app.focusChanged.connect(self._autosave_log)
        self.line_indicator.show_status(deps.calls.line_status)
        self.keyring_status_ready.connect(self._show_keyring_status)
        self.email_outcome.connect(self._on_email_outcome)
        # Not urgent, and importing keyring competes with the first paint for the GIL.
        QTimer.singleShot(KEYRING_CHECK_DELAY_MS, self.check_keyring)
        self.people_panel.search_now()
        self.dial_pad.setFocus()

    # -- actions -----------------------------------------------------------------------
    def _add_action(
        self, name: str, text: str, shortcuts: list[QKeySequence | str], slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"action_{name}")
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        self.actions_by_name[name] = action
        return action

    def _build_actions(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(
            self._add_action(
                "import_people", "&Import people…", ["Ctrl+I"], self.open_import_wizard
            )
        )
        file_menu.addAction(
            self._add_action("settings", "&Settings…", ["Ctrl+,"], self.open_settings)
        )
        file_menu.addAction(
            self._add_action(
                "team_settings",
                "&Team call log settings…",
                ["Ctrl+Shift+T"],
                self.open_team_settings,
            )
        )
        if self._deps.recording_governance is not None:
            file_menu.addAction(
                self._add_action(
                    "recording_rules",
                    "Team &recording rules…",
                    ["Ctrl+Shift+G"],
                    self.open_recording_rules,
                )
            )
        file_menu.addSeparator()
        file_menu.addAction(self._add_action("quit", "&Quit", ["Ctrl+Q"], self.close))

        call_menu = menu.addMenu("&Call")
        call_menu.addAction(
            self._add_action(
                "dial", "&Dial", ["Ctrl+Return", "Ctrl+Enter"], self.dial_pad.request_dial
            )
        )
        calls = self._deps.calls
        call_menu.addAction(self._add_action("hangup", "&Hang up", ["Ctrl+E"], calls.hangup))
        call_menu.addAction(
            self._add_action("mute", "&Mute / unmute", ["Ctrl+M"], calls.toggle_mute)
        )
        call_menu.addAction(
            self._add_action("hold", "H&old / resume", ["Ctrl+H"], calls.toggle_hold)
        )
        call_menu.addAction(
            self._add_action(
                "dial_extension", "Dial the &extension", ["Ctrl+Shift+X"], calls.dial_extension
            )
        )
        call_menu.addAction(
            self._add_action(
                "drop_voicemail", "Drop &voicemail", ["Ctrl+Shift+V"], calls.drop_voicemail
            )
        )
        call_menu.addAction(
            self._add_action("show_log", "Show call &log", ["Ctrl+Shift+L"], self.show_call_log)
        )
        call_menu.addAction(
            self._add_action(
                "record", "&Record next call / pause recording", ["Ctrl+R"], self.click_record
            )
        )
        call_menu.addSeparator()
        call_menu.addAction(
            self._add_action("focus_dial_pad", "Go to &dial pad", ["Ctrl+L"], self.focus_dial_pad)
        )
        call_menu.addAction(
            self._add_action(
                "clear_number", "&Clear number", ["Ctrl+Backspace"], self.dial_pad.clear
            )
        )
        call_menu.addAction(
            self._add_action(
                "other_numbers",
                "Other &numbers of this person",
                ["Ctrl+Shift+N"],
                self.dial_pad.open_number_choices,
            )
        )
        call_menu.addAction(
            self._add_action(
                "search_account",
                "Search an &account from the dial pad",
                ["Ctrl+Shift+K"],
                self.focus_account_search,
            )
        )

        people_menu = menu.addMenu("&People")
        people_menu.addAction(
            self._add_action(
                "search_people", "&Search people", ["Ctrl+K", "Ctrl+F"], self.focus_search
            )
        )
        people_menu.addAction(
            self._add_action("calls_history", "Calls &history", ["Ctrl+Shift+H"], self.show_calls)
        )
        if self._deps.recordings_reader is not None and self._deps.recording_files is not None:
            people_menu.addAction(
                self._add_action(
                    "recordings", "Call rec&ordings", ["Ctrl+Shift+P"], self.show_recordings
                )
            )
        people_menu.addAction(
            self._add_action(
                "person_calls",
                "Calls with the selected &person",
                ["Ctrl+Shift+A"],
                self.show_person_calls,
            )
        )
        people_menu.addAction(
            self._add_action(
                "open_profile", "Open &profile", ["Ctrl+O"], self.open_selected_profile
            )
        )
        people_menu.addAction(
            self._add_action(
                "add_to_cadence",
                "Add to &cadence…",
                ["Ctrl+Shift+C"],
                self.add_selected_to_cadence,
            )
        )
        people_menu.addAction(
            self._add_action(
                "add_results_to_cadence",
                "Add all search &results to cadence…",
                ["Ctrl+Shift+R"],
                self.add_search_results_to_cadence,
            )
        )
        if self._deps.cadences is not None:
            people_menu.addAction(
                self._add_action(
                    "cadence_todo",
                    "Cadence &to-do",
                    ["Ctrl+Shift+D"],
                    self.toggle_cadence_panel,
                )
            )
        people_menu.addAction(
            self._add_action(
                "call_selected",
                "Put selected person on the &dial pad",
                ["Ctrl+P"],
                self.load_selected_person,
            )
        )

        help_menu = menu.addMenu("&Help")
        help_menu.addAction(
            self._add_action("shortcuts", "&Keyboard shortcuts", ["F1"], self.show_shortcuts)
        )
        help_menu.addAction(
            self._add_action("about", f"&About {APP_DISPLAY_NAME}", [], self.show_about)
        )

    def shortcut_table(self) -> list[tuple[str, str]]:
        """(action, shortcuts) for the help dialog; one source of truth with the menus."""
        rows = []
        for action in self.actions_by_name.values():
            keys = ", ".join(
                s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()
            )
            if keys:
                rows.append((action.text().replace("&", "").rstrip("…"), keys))
        rows.append(("Dial the number field", "Enter"))
        rows.append(("Other numbers of this person, in the number field", "Alt+Down"))
        rows.append(("Keypad tones during a call", "0-9 * #"))
        rows.append(("Put the highlighted person on the dial pad", "Enter in the list"))
        return rows

    # -- slots -------------------------------------------------------------------------
    # -- the call logger ---------------------------------------------------------------
    def _place_logger(self, popped_out: bool) -> None:
        """The Log as its own window (default) or as a tab beside the dial pad (seed 000)."""
        logger = self._deps.logger
        if logger is None or popped_out == self._logger_popped_out:
            return
        self._logger_popped_out = popped_out
        if popped_out:
            if self.log_panel is not None:
                self.left_tabs.removeTab(self.left_tabs.indexOf(self.log_panel))
                self.log_panel.deleteLater()
                self.log_panel = None
            self.left_tabs.tabBar().setVisible(False)
            if logger.session is not None:
                self._logger_window_for(logger.session)
        else:
            if self.logger_window is not None:
                self.logger_window.hide()
                self.logger_window.deleteLater()
                self.logger_window = None
            self.log_panel = CallLogPanel(logger)
            self.left_tabs.addTab(self.log_panel, "Log")
            self.left_tabs.tabBar().setVisible(True)
            if logger.session is not None:
                self.log_panel.load(logger.session)

    # -- calls history -------------------------------------------------------------------
    def show_calls(self) -> None:
        if self.calls_page is not None:
            self.calls_page.show_person(None, "")
            self.right_tabs.setCurrentWidget(self.calls_page)

    def show_person_calls(self) -> None:
        """The selected person's activity: every call with them."""
        person = self.people_panel.selected_person()
        if self.calls_page is not None and person is not None:
            self.calls_page.show_person(person.id, person.name)
            self.right_tabs.setCurrentWidget(self.calls_page)

    def _on_tab_changed(self, _index: int) -> None:
        if self.calls_page is not None and self.right_tabs.currentWidget() is self.calls_page:
            self.calls_page.refresh()

    def _refresh_calls(self) -> None:
        if self.calls_page is not None and self.right_tabs.currentWidget() is self.calls_page:
            self.calls_page.refresh()

    def _autosave_log(self, _old: object, _new: object) -> None:
        if self._deps.logger is not None:
            self._deps.logger.save_draft()

    def _logger_window_for(self, session: LogSession) -> LoggerWindow:
        """The popped-out logger is built when the first call starts (not at start-up)."""
        window = self.logger_window
        if window is None:
            logger = self._deps.logger
            assert logger is not None
            settings = self._deps.settings
            window = LoggerWindow(
                logger, self, geometry=settings.logger_geometry, on_top=settings.logger_on_top
            )
            window.geometry_changed.connect(lambda text: self._save_setting(logger_geometry=text))
            window.on_top_changed.connect(lambda on: self._save_setting(logger_on_top=on))
            self.logger_window = window
            window.panel.load(session)
            window.show_session(session)
        return window

    def _on_log_opened(self, session: LogSession) -> None:
        if self.log_panel is not None:
            self.left_tabs.setCurrentWidget(self.log_panel)
        elif self._logger_popped_out:
            self._logger_window_for(session)

    def show_call_log(self) -> None:
        if self.logger_window is not None and self._deps.logger and self._deps.logger.session:
            self.logger_window.show()
            self.logger_window.raise_()
            self.logger_window.activateWindow()
        elif self.log_panel is not None:
            self.left_tabs.setCurrentWidget(self.log_panel)

    def recover_open_logs(self) -> None:
        """After a crash: reopen the log the rep was typing, with its notes."""
        if self._deps.logger is not None and self._deps.logger.recover():
            self._on_notice("Recovered an unsaved call log from your last session.")
            self.show_call_log()

    def _save_setting(self, **changes: object) -> None:
        self._deps.settings = self._deps.settings.with_changes(**changes)
        self._deps.save_settings(self._deps.settings)

    def focus_dial_pad(self) -> None:
        self.dial_pad.number_edit.setFocus()
        self.dial_pad.number_edit.selectAll()

    def focus_account_search(self) -> None:
        self.account_search.edit.setFocus()
        self.account_search.edit.selectAll()

    def focus_search(self) -> None:
        self.people_panel.search_edit.setFocus()
        self.people_panel.search_edit.selectAll()

    def load_selected_person(self) -> None:
        person = self.people_panel.selected_person()
        if person is not None:
            self.load_person(person)

    # -- recordings --------------------------------------------------------------------------
    @property
    def recording_service(self) -> RecordingService | None:
        return self._deps.recordings

    def _connect_recordings(self) -> None:
        """The record icon follows the service; the dial pad's number and person preview
        the next call's decision (coalesced: a person load changes both at once)."""
        service = self._deps.recordings
        control = self.recording_control
        if service is None:
            return
        control.show_indicator(service.indicator)
        control.clicked.connect(service.click)
        service.indicator_changed.connect(self._show_recording_indicator)
        service.notice.connect(control.show_notice)
        service.notice.connect(self._on_notice)
        service.recordings_changed.connect(self._on_recordings_changed)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(0)
        self._preview_timer.timeout.connect(
            lambda: service.preview(self.dial_pad.number_text, self.dial_pad.person_id)
        )
        self.dial_pad.number_changed.connect(lambda _text: self._preview_timer.start())
        self.dial_pad.person_changed.connect(self._preview_timer.start)

    def _show_recording_indicator(self, indicator: RecordingIndicator) -> None:
        self.recording_control.show_indicator(indicator)
        action = self.actions_by_name.get("record")
        if action is not None:
            action.setEnabled(indicator.clickable)
            action.setText(indicator.action or "&Record next call / pause recording")

    def click_record(self) -> None:
        """Call → Record (Ctrl+R): the same as clicking the icon, when it can be clicked."""
        service = self._deps.recordings
        if service is not None and self.recording_control.button.indicator.clickable:
            service.click()

    def recording_actions(self) -> RecordingActions | None:
        """Open, export and delete recordings (built on first use: the player needs numpy
        and QtMultimedia, neither on the start-up path)."""
        reader, files = self._deps.recordings_reader, self._deps.recording_files
        if reader is None or files is None:
            return None
        if self._recording_actions is None:
            from dialer_app.ui.recording_actions import RecordingActions

            # Lists refresh on the service's recordings_changed (see _connect_recordings).
            self._recording_actions = RecordingActions(reader, files, self._deps.recordings, self)
        return self._recording_actions

    def open_recording(self, call_uuid: str) -> None:
        actions = self.recording_actions()
        if actions is not None and actions.open_player(call_uuid, self) is None:
            self._on_notice("That recording can't be played: it may have been deleted.")

    def show_recordings(self) -> RecordingsPage | None:
        if self.recordings_tab is None:
            return None
        self.right_tabs.setCurrentWidget(self.recordings_tab)
        page = self._ensure_recordings_page()
        if page is not None:
            page.search_edit.setFocus()
        return page

    def _ensure_recordings_page(self) -> RecordingsPage | None:
        tab, reader = self.recordings_tab, self._deps.recordings_reader
        if tab is None or reader is None or self.recordings_page is not None:
            return self.recordings_page
        if self.right_tabs.currentWidget() is not tab:
            return None
        from dialer_app.ui.recordings_page import RecordingsPage

        page = RecordingsPage(reader, tab)
        page.play_requested.connect(self.open_recording)
        page.export_requested.connect(self._export_recording)
        page.delete_requested.connect(self._delete_recording)
        layout = tab.layout()
        assert layout is not None
        layout.addWidget(page)
        self.recordings_page = page
        return page

    def _export_recording(self, call_uuid: str) -> None:
        actions = self.recording_actions()
        if actions is not None:
            target = actions.export(call_uuid, self)
            if target is not None:
                self._on_notice(f"Recording exported to {target}")

    def _delete_recording(self, call_uuid: str) -> None:
        actions = self.recording_actions()
        if actions is not None:
            actions.delete(call_uuid, self)

    def _on_recordings_changed(self) -> None:
        """Saved, repaired or deleted: every list that shows recordings reads again."""
        if self.recordings_page is not None:
            self.recordings_page.refresh()
        self._refresh_calls()
        self._refresh_profile_calls()

    def open_recording_rules(self) -> RecordingRulesDialog | None:
        """Admin: the team's recording switch, default, retention and rules by region."""
        factory = self._deps.recording_governance
        if factory is None:
            return None
        from dialer_app.ui.recording_rules_dialog import RecordingRulesDialog

        if self.recording_rules_dialog is not None:
            self.recording_rules_dialog.deleteLater()
        dialog = RecordingRulesDialog(factory(), self, on_saved=self._reload_governance)
        if self.team_settings_managed():
            from dialer_app.sync.status_text import MANAGED_BY_SERVER

            dialog.set_read_only(MANAGED_BY_SERVER)
        self.recording_rules_dialog = dialog
        dialog.open()
        return dialog

    def _reload_governance(self, _settings: GovernanceSettings) -> None:
        if self._deps.recordings is not None:  # the next call follows the saved rules
            self._deps.recordings.reload_governance()

    # -- cadences ---------------------------------------------------------------------------
    def cadence_service(self) -> CadenceService:
        """The one cadence service, built on first use (it imports the ORM)."""
        if self._cadence_service is None:
            assert self._deps.cadences is not None
            self._cadence_service = self._deps.cadences()
            self._cadence_service.setParent(self)
        return self._cadence_service

    def _ensure_cadences_page(self) -> CadencesPage | None:
        tab = self.cadences_tab
        if tab is None or self.cadences_page is not None:
            return self.cadences_page
        if self.right_tabs.currentWidget() is not tab:
            return None
        from dialer_app.ui.cadences_page import CadencesPage

        self.cadences_page = CadencesPage(self.cadence_service, tab)
        layout = tab.layout()
        assert layout is not None
        layout.addWidget(self.cadences_page)
        self.cadences_page.reload()
        return self.cadences_page

    def _cadences_changed(self) -> None:
        """A log may complete a step or add a call to Calls Made: refresh open views."""
        if self._cadence_service is not None:
            self._cadence_service.notify_changed()

    def toggle_cadence_panel(self) -> CadenceDock | None:
        """Cadence to-do (Ctrl+Shift+D): the side panel, built the first time it opens."""
        if self._deps.cadences is None:
            return None
        dock = self.cadence_dock
        if dock is None:
            from dialer_app.ui.cadence_panel import CadenceDock, CadencePanel

            dock = CadenceDock(CadencePanel(self.cadence_service, self), self)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            if self._deps.logger is not None:
                self._deps.logger.logged.connect(dock.panel.on_logged)
            self.cadence_dock = dock
            dock.panel.todo.reload()
        elif dock.isVisible():
            dock.hide()
            return dock
        dock.show()
        dock.raise_()
        dock.panel.todo.tree.setFocus()
        return dock

    # the runner's host (ui.cadence_panel.RunnerHost)
    def queue_person(self, person: DuePerson | None, *, dial: bool) -> str:
        """Put a due person on the dial pad with their cadence step ready for the logger."""
        logger = self._deps.logger
        if person is None:
            if logger is not None:
                logger.prepare_step(None)
            return ""
        if self._deps.calls.active_call is not None:
            return "Finish the current call, then click Put on dial pad."
        row = self._deps.people.person(person.person_id)
        if row is None:
            return "That person no longer exists."
        if not person.phone_e164:
            if logger is not None:
                logger.prepare_step(None)
            self.load_person(replace(row, phone_e164=""))
            return f"{person.name} has no phone number: complete the step from the log later."
        self.left_tabs.setCurrentIndex(0)
        self.load_person(
            replace(row, phone_e164=person.phone_e164, phone_extension=person.phone_extension)
        )
        if logger is not None:
            logger.prepare_membership(person.membership_id)
        if dial:
            self.dial_pad.request_dial()
        return ""

    def email_service(self) -> EmailStepService | None:
        if self._email_service is None and self._deps.emails is not None:
            self._email_service = self._deps.emails()
            self._email_service.setParent(self)
            self._email_service.changed.connect(self._cadences_changed)
            self._email_service.changed.connect(self._refresh_profile_calls)
        return self._email_service

    def email_window(self) -> EmailWindow | None:
        """The email window (issue 9), in a dock left of the cadence side panel."""
        service = self.email_service()
        if service is None:
            return None
        dock = self.email_dock
        if dock is None:
            from dialer_app.ui.email_window import EmailDock, EmailWindow

            window = EmailWindow(service)
            window.notice.connect(self._on_notice)
            dock = EmailDock(window, self)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            if self.cadence_dock is not None:
                self.splitDockWidget(dock, self.cadence_dock, Qt.Orientation.Horizontal)
            self.email_dock = dock
        dock.show()
        dock.raise_()
        return dock.window_

    def _on_email_outcome(self, outcome: SendOutcome) -> None:
        """The sender thread sent (or failed) an email: say so, refresh the counts."""
        from dialer_app.domain.email_schedule import EmailState

        if outcome.state is EmailState.SENT:
            self._on_notice("Email sent.")
        elif outcome.message:
            self._on_notice(outcome.message)
        self._cadences_changed()
        self._refresh_profile_calls()

    def show_cadence(self, cadence_id: int) -> None:
        """Return to Cadence Overview: the Cadences tab on that cadence."""
        if self.cadences_tab is None:
            return
        self.right_tabs.setCurrentWidget(self.cadences_tab)
        page = self._ensure_cadences_page()
        if page is not None:
            page.select_cadence(cadence_id)

    @property
    def auto_dial(self) -> bool:
        return self._deps.settings.auto_dial

    def set_auto_dial(self, on: bool) -> None:
        if on != self._deps.settings.auto_dial:
            self._save_setting(auto_dial=on)

    def add_selected_to_cadence(self) -> AddToCadenceDialog | None:
        """People → Add to cadence: the selected people (or the highlighted one) on a
        cadence; refusals (do not contact...) stay on screen."""
        people = self.people_panel.selected_people()
        if not people:
            return None
        who = people[0].name if len(people) == 1 else f"{len(people):,} people"
        return self.add_people_to_cadence([person.id for person in people], who)

    def add_search_results_to_cadence(self) -> AddToCadenceDialog | None:
        """People → Add all search results: everyone the search matches, not only the rows
        the list has fetched; more than CONFIRM_ADD_ABOVE people asks first."""
        if self._deps.cadences is None:
            return None
        query = self.people_panel.current_query()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # ~2 s for 100,000 people
        try:
            person_ids = self._deps.people.matching_ids(query)
        finally:
            QApplication.restoreOverrideCursor()
        if not person_ids:
            self._on_notice(f"No one matches “{query}”.")
            return None
        count = len(person_ids)
        who = f"{count:,} {'person' if count == 1 else 'people'}"
        if count > CONFIRM_ADD_ABOVE:
            matching = f"matching “{query}”" if query else "(everyone: the search is empty)"
            answer = QMessageBox.question(
                self,
                "Add all search results?",
                f"Add all {who} {matching} to a cadence?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        return self.add_people_to_cadence(person_ids, who)

    def add_people_to_cadence(self, person_ids: list[int], who: str) -> AddToCadenceDialog | None:
        """Pick a cadence for these people (``who`` names them in the title); the result
        says how many were added, skipped and refused, and why."""
        if not person_ids or self._deps.cadences is None:
            return None
        from dialer_app.ui.cadence_dialogs import AddToCadenceDialog

        service = self.cadence_service()
        cadences = [(c.id, c.name) for c in service.list_cadences()]

        def add(cadence_id: int) -> tuple[bool, str]:
            outcome = service.add_people(cadence_id, person_ids)
            text = outcome.message() if len(person_ids) == 1 else outcome.summary()
            return bool(outcome.added), text

        if self.add_to_cadence_dialog is not None:
            self.add_to_cadence_dialog.deleteLater()
        dialog = AddToCadenceDialog(who, cadences, add, self)
        self.add_to_cadence_dialog = dialog
        dialog.open()
        return dialog

    # -- person profiles -------------------------------------------------------------------
    def open_selected_profile(self) -> None:
        person = self.people_panel.selected_person()
        if person is not None:
            self.open_profile(person.id)

    def open_profile(self, person_id: int) -> PersonProfileWindow | None:
        """One non-modal window per person; opening it again brings it to the front."""
        window = self.profile_windows.get(person_id)
        if window is None:
            factory = self._deps.person_profiles
            if factory is None or self._deps.calls_reader is None:
                return None
            from dialer_app.ui.person_profile import PersonProfileWindow

            try:
                window = PersonProfileWindow(
                    factory(),
                    self._deps.calls_reader,
                    person_id,
                    lambda: self._deps.settings.default_region,
                    self,
                    rep_zone=lambda: self._deps.settings.time_zone,
                    unschedule_email=self._unschedule_email if self._deps.emails else None,
                    recordings=self.recording_actions(),
                )
            except LookupError as exc:  # deleted since the list was read
                self._on_notice(str(exc))
                self.people_panel.search_now()
                return None
            window.saved.connect(self._on_profile_saved)
            window.call_requested.connect(self._call_from_profile)
            window.closed.connect(lambda closed_id: self.profile_windows.pop(closed_id, None))
            self.profile_windows[person_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def _on_profile_saved(self, profile: PersonProfile) -> None:
        """The list shows the new name, account and first number (and stays on the person);
        so does the dial pad, if they are on it."""
        self.dial_pad_people.refresh()
        self.people_panel.search_now()
        model = self.people_model
        for row in range(model.rowCount()):
            person = model.person_at(row)
            if person is not None and person.id == profile.id:
                self.people_panel.table.selectRow(row)
                break

    def _call_from_profile(self, person: PersonRow) -> None:
        self.load_person(person)
        self.raise_()
        self.activateWindow()

    def _refresh_profile_calls(self) -> None:
        for window in self.profile_windows.values():
            window.refresh_activity()

    def _unschedule_email(self, email_id: int) -> str:
        """Unschedule from a profile's Emails tab (the service says why not, if not)."""
        service = self.email_service()
        if service is None:
            return ""
        notice = service.unschedule(email_id)  # emits changed: due lists and profiles reload
        self._on_notice(notice)
        return notice

    def load_person(self, person: PersonRow) -> None:
        if not person.phone_e164:
            self.dial_pad.clear()
            self.dial_pad.show_message(f"{person.name} has no phone number.", error=True)
            return
        if self._deps.calls.active_call is not None:
            return
        self.dial_pad_people.load_person(person)  # the first number, the others to choose
        self.dial_pad.number_edit.setFocus()

    def open_link(self, link: DialLink | str) -> None:
        """A tel:/callto:/sip: link clicked elsewhere: bring the window up with the number on
        the dial pad, matched to its person (``?person=<id>`` first, else the number's
        owner). During a call the pad is left alone and the status bar says why."""
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()
        in_call = self._deps.calls.active_call is not None
        try:
            parsed = link if isinstance(link, DialLink) else parse_dial_link(link)
        except DialLinkError as exc:
            log.info("refused a link: %s", exc)
            if in_call:
                self._on_notice(str(exc))
            else:
                self.dial_pad.clear()
                self.dial_pad.show_message(str(exc), error=True)
            return
        region = self._deps.settings.default_region
        number, problem = None, ""
        try:
            number = parse_number(parsed.number_text, region)
        except PhoneNumberError as exc:
            problem = str(exc)
        shown = format_for_display(number.e164, region) if number else parsed.number_text
        if in_call:
            self._on_notice(f"You are on a call: {shown} was not put on the dial pad.")
            return
        person = self._deps.people.person(parsed.person_id) if parsed.person_id else None
        extension = parsed.extension
        if person and number and extension is None and person.phone_e164 == number.e164:
            extension = person.phone_extension  # the link left out the stored extension
        self.left_tabs.setCurrentIndex(0)
        # Without ?person= the dial pad names the number's owner itself, as for typing:
        # one owner, several to pick from, or "Unknown number".
        self.dial_pad.set_number(
            number.e164 if number else parsed.number_text,
            extension=extension or "",
            person=person_label(person) if person else "",
            person_id=person.id if person else None,
            person_name=person.name if person else "",
        )
        if problem:
            self.dial_pad.show_message(problem, error=True)
        self.dial_pad.number_edit.setFocus()
        log.info("opened link: person %s", self.dial_pad.person_id or "none")

    def open_settings(self) -> None:
        from dialer_app.ui.settings_dialog import SettingsDialog  # not needed to start up

        dialog = SettingsDialog(
            self._deps.settings, self._deps.secrets, self, calls=self._deps.calls
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.apply_settings(dialog.result_settings())

    def attach_sync(self, bridge: SyncBridge) -> None:
        """Show the background sync's state; Retry asks it to try again now."""
        self.sync = bridge
        bridge.status_changed.connect(self.sync_indicator.show_status)
        bridge.status_changed.connect(self._on_sync_status)
        bridge.team_settings_changed.connect(self._on_team_settings_pulled)
        self.sync_indicator.retry_requested.connect(bridge.retry)
        if self._deps.logger is not None:  # a logged call goes up now, not in 30 s
            self._deps.logger.logged.connect(lambda _result: bridge.nudge())

    def _on_sync_status(self, status: object) -> None:
        """A finished pass may have changed the calls' Sync column."""
        if getattr(status, "state", "") != "synced":
            return
        if self.calls_page is not None and self.calls_page.isVisible():
            self.calls_page.model.reload(self.calls_page.model.person_id)

    def _on_team_settings_pulled(self) -> None:
        if self.recording_service is not None:
            self.recording_service.reload_governance()

    def team_settings_managed(self) -> bool:
        """A rep's team settings come from the team server once one is configured."""
        return bool(self._deps.settings.team_server_url) and (
            self.sync is None or self.sync.role != "admin"
        )

    def open_team_settings(self) -> None:
        """Admin: dispositions, sentiments and custom call fields (renames keep old logs)."""
        if self._deps.team_options is None:
            return
        from dialer_app.ui.team_call_log_dialog import TeamCallLogDialog

        dialog = TeamCallLogDialog(self._deps.team_options(), self)
        if self.team_settings_managed():
            from dialer_app.sync.status_text import MANAGED_BY_SERVER

            dialog.set_read_only(MANAGED_BY_SERVER)
        dialog.exec()
        logger = self._deps.logger
        if logger is not None and logger.session is not None:
            logger.session_opened.emit(logger.session)  # reload the open log's options

    def open_import_wizard(self, path: Path | None = None) -> None:
        """The CSV import wizard, window-modal but not blocking (the import has a thread)."""
        make_sessions = self._deps.import_sessions
        if make_sessions is None:
            return
        if self.import_wizard is not None:
            self.import_wizard.raise_()
            self.import_wizard.activateWindow()
            return
        from dialer_app.ui.import_wizard import ImportWizard  # not needed to start up

        wizard = ImportWizard(
            make_sessions,
            self._deps.settings.default_region,
            self,
            path=path,
            offer_cadences=self._deps.cadences is not None,
        )
        wizard.imported.connect(self._on_people_imported)
        wizard.add_to_cadence_requested.connect(self._add_imported_to_cadence)
        wizard.finished.connect(lambda _result: self._forget_import_wizard(wizard))
        self.import_wizard = wizard
        wizard.open()

    def _forget_import_wizard(self, wizard: ImportWizard) -> None:
        if self.import_wizard is wizard:
            self.import_wizard = None
        wizard.deleteLater()

    def _on_people_changed(self) -> None:
        """Someone was added or changed: the list and whose number is on the dial pad."""
        self.dial_pad_people.refresh()
        self.people_panel.search_now()

    def _on_people_imported(self, report: ImportReport) -> None:
        if report.created or report.updated:
            self._on_people_changed()
            self._on_notice(f"Imported people: {report.created:,} new, {report.updated:,} updated.")

    def _add_imported_to_cadence(self, person_ids: list[int]) -> None:
        count = len(person_ids)
        self.add_people_to_cadence(
            person_ids, f"{count:,} imported {'person' if count == 1 else 'people'}"
        )

    def apply_settings(self, settings: Settings) -> None:
        self._deps.settings = settings
        self._deps.save_settings(settings)
        calls = self._deps.calls
        calls.set_region(settings.default_region)
        calls.set_ring_timeout(float(settings.ring_timeout_s))
        if self._deps.logger is not None:
            self._place_logger(settings.use_popped_out_logger)
        self.ringer.set_device(settings.ringer)
        calls.use_engine_ringback(not self.ringer.enabled)
        setups, problems = load_line_setups(settings.lines, self._deps.secrets)
        calls.reconfigure(setups, settings.default_line)
        for problem in problems:
            self._on_notice(problem.message)
        self.dial_pad.set_region(settings.default_region)
        self.people_model.set_region(settings.default_region)
        if self.cadence_dock is not None:
            self.cadence_dock.panel.auto_dial_check.setChecked(settings.auto_dial)
        self._cadences_changed()  # "today" follows the rep's time zone
        self.check_keyring()
        self.sync_indicator.setVisible(bool(settings.team_server_url))
        self.settings_applied.emit(settings)

    def show_shortcuts(self) -> None:
        rows = "".join(
            f"<tr><td>{name}</td><td><b>{keys}</b></td></tr>"
            for name, keys in self.shortcut_table()
        )
        QMessageBox.information(
            self, "Keyboard shortcuts", f"<table cellpadding='3'>{rows}</table>"
        )

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_DISPLAY_NAME}",
            f"{APP_DISPLAY_NAME} {__version__}<br>A desktop softphone for sales reps.",
        )

    def _dial(self, text: str, extension: str) -> None:
        self.dial_pad.clear_message()
        self._deps.calls.dial(
            text,
            extension or None,
            person_id=self.dial_pad.person_id,
            person_name=self.dial_pad.person_name,
        )

    def _on_call_changed(self, call: ActiveCall) -> None:
        self.dial_pad.set_in_call(True)
        self.call_panel.show_call(
            call, greeting_ready=self._deps.calls.voicemail_greeting is not None
        )

    def _on_call_finished(self, finished: FinishedCall) -> None:
        self.dial_pad.set_in_call(False)
        self.call_panel.show_finished(finished)

    def _on_notice(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def check_keyring(self) -> None:
        """Probe the keyring off the GUI thread (D-Bus may be slow) and show the result."""
        secrets = self._deps.secrets
        threading.Thread(
            target=lambda: self.keyring_status_ready.emit(secrets.status()),
            name="keyring-probe",
            daemon=True,
        ).start()

    def _show_keyring_status(self, status: KeyringStatus) -> None:
        self.keyring_label.setText(
            "" if status.usable else "No keyring: secrets for this session only"
        )
        self.keyring_label.setToolTip(status.message)

    def closeEvent(self, event: QCloseEvent) -> None:
        call = self._deps.calls.active_call
        if call is not None:
            answer = QMessageBox.question(
                self,
                "Hang up and quit?",
                f"You are on a call with {call.person_name or call.number.international}. "
                "Hang up and quit?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        for profile in list(self.profile_windows.values()):
            if profile.has_unsaved_changes and not profile.close():  # it asks: Save?
                event.ignore()  # the rep chose Cancel: keep everything open
                return
        if self.email_dock is not None and self.email_dock.isVisible():
            self.email_dock.window_.save_draft()  # the personalised email stays on the cadence
        logger = self._deps.logger
        if logger is not None:
            logger.save_draft()  # an unsaved log reopens at the next start
        if self.logger_window is not None:
            self.logger_window.hide()
        if self.import_wizard is not None:
            self.import_wizard.reject()  # stops a running import; its saved batches stay
        if self._recording_actions is not None:
            self._recording_actions.close_all()
        event.accept()
