from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from dialer_app.app import AppContext, create_main_window
from dialer_app.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> MainWindow:
    main = create_main_window(context)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main
