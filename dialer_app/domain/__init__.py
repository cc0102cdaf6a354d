"""Pure domain rules: no Qt, no pjsua2, no SQLAlchemy (enforced by ruff)."""
