"""The dial pad: number field with live formatting, keypad, extension field and Dial."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dialer_app.domain.dial_entry import KEYPAD_CHARACTERS, DialEntry

_KEYS: tuple[tuple[str, str], ...] = (
    ("1", ""),
    ("2", "ABC"),
    ("3", "DEF"),
    ("4", "GHI"),
    ("5", "JKL"),
    ("6", "MNO"),
    ("7", "PQRS"),
    ("8", "TUV"),
    ("9", "WXYZ"),
    ("*", ""),
    ("0", "+"),
    ("#", ""),
)


class DialPad(QWidget):
    """Emits ``dial_requested(number_text, extension)``; knows nothing about calling."""

    dial_requested = Signal(str, str)
    number_changed = Signal(str)
    dtmf_pressed = Signal(str)  # keypad presses while a call is connected
    number_choice_made = Signal(int)  # the rep picked another of the person's numbers
    owner_choice_made = Signal(int)  # the rep picked another owner of a typed number
    person_changed = Signal()  # whose number is on the pad changed (person_id may be None)

    def __init__(self, region: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialPad")
        self._entry = DialEntry()
        self._region = region
        self._in_call = False
        self.person_id: int | None = None
        """The person whose number is on the pad (None once the rep types another)."""
        self.person_name = ""

        self.person_label = QLabel("")
        self.person_label.setObjectName("dialPersonLabel")
        self.person_label.setWordWrap(True)

        self.owners_combo = QComboBox()
        self.owners_combo.setObjectName("ownerChoices")
        self.owners_combo.setAccessibleName("People with this number")
        self.owners_combo.setToolTip("The call is logged to the person chosen here")
        self.owners_combo.activated.connect(self.owner_choice_made)
        self.owners_combo.setVisible(False)

        self.number_edit = QLineEdit()
        self.number_edit.setObjectName("numberEdit")
        self.number_edit.setPlaceholderText("Type or paste a number")
        self.number_edit.setAccessibleName("Phone number")
        big = QFont(self.number_edit.font())
        big.setPointSizeF(big.pointSizeF() * 1.5)
        self.number_edit.setFont(big)
        self.number_edit.setClearButtonEnabled(True)
        self.number_edit.textEdited.connect(self._on_text_edited)
        self.number_edit.returnPressed.connect(self.request_dial)
        self.number_edit.installEventFilter(self)

        self.numbers_combo = QComboBox()
        self.numbers_combo.setObjectName("numberChoices")
        self.numbers_combo.setAccessibleName("Other numbers of this person")
        self.numbers_combo.setToolTip(
            "This person's numbers; the first is the default (Alt+Down in the number field)"
        )
        self.numbers_combo.activated.connect(self.number_choice_made)
        self.numbers_combo.setVisible(False)

        self.extension_edit = QLineEdit()
        self.extension_edit.setObjectName("extensionEdit")
        self.extension_edit.setPlaceholderText("Ext.")
        self.extension_edit.setAccessibleName("Extension")
        self.extension_edit.setMaximumWidth(70)
        self.extension_edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[0-9*#]{0,10}"), self)
        )
        self.extension_edit.setToolTip("Sent as keypad tones after the call connects")
        self.extension_edit.textEdited.connect(self._on_extension_edited)

        number_row = QHBoxLayout()
        number_row.addWidget(self.number_edit, 1)
        number_row.addWidget(self.extension_edit)

        keypad = QGridLayout()
        keypad.setSpacing(6)
        self.key_buttons: dict[str, QToolButton] = {}
        for index, (key, letters) in enumerate(_KEYS):
            button = QToolButton()
            button.setText(f"{key}\n{letters}" if letters else key)
            button.setObjectName(f"key_{'star' if key == '*' else 'hash' if key == '#' else key}")
            button.setAccessibleName(f"Key {key}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.setMinimumSize(56, 44)
            button.setMaximumHeight(64)
            button.clicked.connect(lambda _=False, k=key: self.press(k))
            keypad.addWidget(button, index // 3, index % 3)
            self.key_buttons[key] = button

        self.plus_button = QToolButton()
        self.plus_button.setText("+")
        self.plus_button.setObjectName("key_plus")
        self.plus_button.setToolTip("Country code prefix (+)")
        self.plus_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.plus_button.clicked.connect(lambda: self.press("+"))
        self.backspace_button = QToolButton()
        self.backspace_button.setText("⌫")
        self.backspace_button.setObjectName("key_backspace")
        self.backspace_button.setToolTip("Delete the last digit (Backspace)")
        self.backspace_button.setAccessibleName("Backspace")
        self.backspace_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.backspace_button.clicked.connect(self.backspace)
        self.backspace_button.setAutoRepeat(True)
        extras = QHBoxLayout()
        extras.addWidget(self.plus_button)
        extras.addStretch(1)
        extras.addWidget(self.backspace_button)

        self.dial_button = QPushButton("Dial")
        self.dial_button.setObjectName("dialButton")
        self.dial_button.setToolTip("Call this number (Enter or Ctrl+Enter)")
        self.dial_button.setMinimumHeight(40)
        self.dial_button.setStyleSheet(
            "QPushButton#dialButton { background: #1f9d55; color: white; font-weight: bold;"
            " border-radius: 6px; } QPushButton#dialButton:disabled { background: #9bbfa8; }"
        )
        self.dial_button.clicked.connect(self.request_dial)

        self.message_label = QLabel("")
        self.message_label.setObjectName("dialMessage")
        self.message_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.person_label)
        layout.addWidget(self.owners_combo)
        layout.addLayout(number_row)
        layout.addWidget(self.numbers_combo)
        layout.addLayout(keypad)
        layout.addLayout(extras)
        layout.addWidget(self.dial_button)
        layout.addWidget(self.message_label)
        layout.addStretch(1)
        self.setFocusProxy(self.number_edit)
        self._refresh()

    # -- state -------------------------------------------------------------------------
    @property
    def number_text(self) -> str:
        return self.number_edit.text()

    @property
    def extension(self) -> str:
        return self.extension_edit.text()

    @property
    def region(self) -> str:
        """The rep's region: how typed numbers are read and shown."""
        return self._region

    def set_extension(self, extension: str) -> None:
        """Fill the extension field without touching the number (or whose number it is)."""
        self._entry.extension = extension
        self.extension_edit.setText(extension)

    def set_region(self, region: str) -> None:
        self._region = region
        self._refresh()

    def set_number(
        self,
        text: str,
        *,
        extension: str | None = None,
        person: str = "",
        person_id: int | None = None,
        person_name: str = "",
    ) -> None:
        """Pre-fill from a person's record (or anything else that is not typing)."""
        self._entry.clear()
        self._entry.set_text(text)
        if extension is not None:
            self._entry.extension = extension
        self.clear_message()
        self.set_person(person, person_id=person_id, person_name=person_name)
        self.show_number_choices([], -1)  # the caller offers the person's numbers, if any
        self.show_owner_choices([], -1)
        self._refresh()

    def set_person(
        self, label: str, *, person_id: int | None, person_name: str = "", subtle: bool = False
    ) -> None:
        """Say whose number this is without touching the number (``subtle``: a hint only,
        such as "Unknown number")."""
        self.person_label.setStyleSheet("color: #7f8c8d; font-style: italic;" if subtle else "")
        self.person_label.setText(label)
        changed = person_id != self.person_id
        self.person_id = person_id
        self.person_name = person_name
        if changed:
            self.person_changed.emit()

    def show_number_choices(self, labels: list[str], current: int) -> None:
        """The person's numbers in a drop-down, shown only when there is a choice."""
        self._fill(self.numbers_combo, labels, current)

    def show_owner_choices(self, labels: list[str], current: int) -> None:
        """Several people share the typed number: the rep picks whom the call is for."""
        self._fill(self.owners_combo, labels, current)

    def open_number_choices(self) -> bool:
        """Alt+Down in the number field (and the menu action): drop the numbers down."""
        if self._in_call or not self.numbers_combo.isVisible():
            return False
        self.numbers_combo.setFocus()
        self.numbers_combo.showPopup()
        return True

    @staticmethod
    def _fill(combo: QComboBox, labels: list[str], current: int) -> None:
        combo.clear()
        combo.addItems(labels)
        combo.setCurrentIndex(max(current, 0) if labels else -1)
        combo.setVisible(len(labels) > 1)

    def clear(self) -> None:
        if self._in_call:
            return
        self._entry.clear()
        self._forget_person()
        self.clear_message()
        self._refresh()

    def set_in_call(self, in_call: bool) -> None:
        """During a call the keypad sends tones and the number cannot be edited."""
        self._in_call = in_call
        self.number_edit.setReadOnly(in_call)
        self.extension_edit.setReadOnly(in_call)
        self.dial_button.setVisible(not in_call)
        self.plus_button.setEnabled(not in_call)
        self.backspace_button.setEnabled(not in_call)
        self.numbers_combo.setEnabled(not in_call)
        self.owners_combo.setEnabled(not in_call)

    def _forget_person(self) -> None:
        self.set_person("", person_id=None)
        self.show_number_choices([], -1)
        self.show_owner_choices([], -1)

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setStyleSheet("color: #c0392b;" if error else "")
        self.message_label.setText(text)

    def clear_message(self) -> None:
        self.message_label.clear()

    # -- input -------------------------------------------------------------------------
    def press(self, key: str) -> None:
        if self._in_call:
            if key not in "+":
                self.dtmf_pressed.emit(key)
            return
        self._entry.press(key)
        self._forget_person()
        self._refresh()

    def backspace(self) -> None:
        if self._in_call:
            return
        self._entry.backspace()
        self._forget_person()
        self._refresh()

    def request_dial(self) -> None:
        self.dial_requested.emit(self.number_edit.text(), self.extension_edit.text())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text and text in KEYPAD_CHARACTERS:
            self.press(text)
            return
        if event.key() == Qt.Key.Key_Backspace:
            self.backspace()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.number_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and event.modifiers() == Qt.KeyboardModifier.AltModifier
        ):
            return self.open_number_choices()
        return super().eventFilter(watched, event)

    def _on_text_edited(self, text: str) -> None:
        self._entry.set_text(text)
        self._forget_person()
        self._refresh()

    def _on_extension_edited(self, text: str) -> None:
        self._entry.extension = text

    def _refresh(self) -> None:
        shown = self._entry.display(self._region)
        if self.number_edit.text() != shown:
            self.number_edit.setText(shown)
        self.number_edit.setCursorPosition(len(shown))
        if self.extension_edit.text() != self._entry.extension:
            self.extension_edit.setText(self._entry.extension)
        self.dial_button.setEnabled(not self._entry.is_empty())
        self.number_changed.emit(shown)
