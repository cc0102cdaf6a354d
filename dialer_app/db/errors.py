"""Database problems the rep must read about; each message says what to do next."""

from __future__ import annotations


class DatabaseProblem(Exception):
    """The database cannot be used as it is. Nothing was changed or deleted."""


class SchemaTooNew(DatabaseProblem):
    pass


class DatabaseCorrupt(DatabaseProblem):
    pass


class NotOurDatabase(DatabaseProblem):
    pass
