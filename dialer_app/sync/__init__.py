"""The client half of the team sync (issue 8): outbox push, changes pull, recording uploads.

No Qt here except ``qt_bridge.py``: the worker is a plain thread, so the command line and
the tests drive the same code as the app.
"""
