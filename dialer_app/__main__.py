"""`python -m dialer_app` is the same as the `dialer-app` command."""

from dialer_app.cli import main

raise SystemExit(main())
