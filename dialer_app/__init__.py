"""dialer_app: a desktop softphone for sales reps (SIP calls, call logs, cadences)."""

__version__ = "0.1.0"
APP_NAME = "dialer_app"
APP_DISPLAY_NAME = "Dialer"
