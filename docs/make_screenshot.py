"""Refresh docs/main-window.png: the real main window on the demo team, rendered offscreen.

Usage: .venv/bin/python docs/make_screenshot.py [output.png]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from dialer_app.app import create_main_window, open_context
    from dialer_app.paths import AppPaths

    output = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("main-window.png")
    app = QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as data_dir:
        context = open_context(AppPaths.resolve(data_dir), demo=True)
        window = create_main_window(context)
        window.resize(1000, 600)
        window.show()
        window.people_panel.search_edit.setText("acme")
        window.people_panel.search_now()
        window.people_panel.table.selectRow(0)
        window.load_selected_person()
        app.processEvents()
        window.grab().save(str(output))
        context.close()
    print(f"saved {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
