"""PySide6 widgets, models and windows. No business rules here: they live in services/."""
