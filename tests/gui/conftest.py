from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from dialer_app.app import AppContext, create_main_window, open_context
from dialer_app.paths import AppPaths
from dialer_app.ui.main_window import MainWindow


@pytest.fixture
def context(memory_keyring: object) -> Iterator[AppContext]:
    ctx = open_context(AppPaths.resolve(), demo=True)
    yield ctx
    ctx.close()


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> MainWindow:
    main = create_main_window(context)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main
