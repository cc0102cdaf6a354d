"""The team server (`dialer-app serve`): FastAPI + SQLAlchemy, imported only by that command."""
