"""Sounds and images shipped with the app (as dialer_app.resources in the wheel)."""
