"""Search the dialer by account name (seed 002): the drop-down lists the organisation's
contacts, the rep picks the person to call.

One matching account goes straight to its contacts; several list the accounts first
(with how many people each has), and choosing one lists its contacts. Editing the text
searches accounts again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QLabel, QLineEdit, QVBoxLayout, QWidget

from dialer_app.db.people_reader import AccountRow, PersonRow
from dialer_app.domain.person_numbers import DO_NOT_CONTACT_MARK, account_label, contact_label
from dialer_app.services.people import PeopleService

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_DEBOUNCE_MS = 120
Index = QModelIndex | QPersistentModelIndex


class AccountContactsModel(QAbstractListModel):
    """Accounts matching the search, or one account's contacts (title and first number)."""

    def __init__(self, region: Callable[[], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._region = region
        self._rows: list[AccountRow | PersonRow] = []
        self.account: AccountRow | None = None
        """Whose contacts are listed (None while accounts are listed)."""

    def show_accounts(self, accounts: list[AccountRow]) -> None:
        self.beginResetModel()
        self.account = None
        self._rows = list(accounts)
        self.endResetModel()

    def show_contacts(self, account: AccountRow, people: list[PersonRow]) -> None:
        self.beginResetModel()
        self.account = account
        self._rows = list(people)
        self.endResetModel()

    def row_at(self, row: int) -> AccountRow | PersonRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == ROW_ROLE:
            return row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        return None

    def _text(self, row: AccountRow | PersonRow) -> str:
        if isinstance(row, AccountRow):
            return account_label(row.name, row.people)
        return contact_label(row, self._region())

    @staticmethod
    def _tooltip(row: AccountRow | PersonRow) -> str:
        if isinstance(row, AccountRow):
            return f"List the people at {row.name}"
        if row.do_not_contact:
            return f"{DO_NOT_CONTACT_MARK} Do not contact"
        return f"Put {row.name} on the dial pad"


class AccountSearch(QWidget):
    """Emits ``person_chosen(PersonRow)`` when the rep picks a contact from the drop-down."""

    person_chosen = Signal(object)

    def __init__(
        self, people: PeopleService, region: Callable[[], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._people = people
        self.edit = QLineEdit()
        self.edit.setObjectName("accountSearch")
        self.edit.setPlaceholderText("Search an account  (Ctrl+Shift+K)")
        self.edit.setToolTip("Type an account name, then pick one of its people to call")
        self.edit.setAccessibleName("Search an account")
        self.edit.setClearButtonEnabled(True)
        self.edit.textEdited.connect(self._schedule)
        self.edit.returnPressed.connect(self.search_now)

        self.model = AccountContactsModel(region, self)
        self._completer: QCompleter | None = None  # built on the first search, not at start-up

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.search_now)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.hint = QLabel("")
        self.hint.setObjectName("accountSearchHint")
        self.hint.setStyleSheet("color: #7f8c8d;")
        self.hint.setVisible(False)
        layout.addWidget(self.edit)
        layout.addWidget(self.hint)
        self.setFocusProxy(self.edit)

    @property
    def completer(self) -> QCompleter:
        if self._completer is None:
            completer = QCompleter(self.model, self)
            completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
            completer.setMaxVisibleItems(12)
            # Bound with setWidget, not QLineEdit.setCompleter: the popup must not write the
            # highlighted row into the search text.
            completer.setWidget(self.edit)
            # the QModelIndex overload: the row, not its text
            completer.activated[QModelIndex].connect(self._on_activated)  # type: ignore[index]
            self._completer = completer
        return self._completer

    @property
    def popup(self) -> QAbstractItemView:
        popup = self.completer.popup()
        assert popup is not None
        return popup

    def search_now(self) -> None:
        self._debounce.stop()
        query = self.edit.text().strip()
        if not query:
            self.model.show_accounts([])
            self._show_popup()
            return
        accounts = self._people.accounts(query)
        if len(accounts) == 1:
            self._list_contacts(accounts[0])
            return
        self.model.show_accounts(accounts)
        self._show_popup()

    def _schedule(self) -> None:
        self._debounce.start()

    def _list_contacts(self, account: AccountRow) -> None:
        self.model.show_contacts(account, self._people.people_at_account(account.id))
        self._show_popup()

    def _show_popup(self) -> None:
        found = self.model.rowCount() > 0
        if found:
            # as wide as the rows need (the dial pad column is narrow), at least the field's
            popup = self.popup
            scrollbar = popup.verticalScrollBar()
            extra = 2 * popup.frameWidth() + (scrollbar.sizeHint().width() if scrollbar else 0)
            width = max(self.edit.width(), popup.sizeHintForColumn(0) + extra)
            self.completer.complete(QRect(0, 0, width, self.edit.height()))
            self.popup.setCurrentIndex(self.model.index(0, 0))
        else:
            self.popup.hide()
        query = self.edit.text().strip()
        account = self.model.account
        if account is not None:
            hint = f"People at {account.name}: pick one to call."
        elif found:
            hint = "Pick an account to list its people."
        else:
            hint = f"No account matches “{query}”." if query else ""
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))

    def _on_activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if isinstance(row, AccountRow):
            self.edit.setText(row.name)
            # after QCompleter has hidden its popup for this activation
            QTimer.singleShot(0, self, lambda: self._list_contacts(row))
        elif isinstance(row, PersonRow):
            self.edit.clear()
            self.model.show_accounts([])
            self.person_chosen.emit(row)
