"""One background-sender pass in its own process, as an app start would run it.

    python -m tests.integration.email_sender_driver DB CLOCK_ISO PORT CERT [--crash-after-send]

Prints the outcomes as JSON lines. ``--crash-after-send`` sends the first message and then
dies (``os._exit``) before recording it: the app killed mid-send.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from dialer_app.db.database import open_database
from dialer_app.db.email_store import EmailStore
from dialer_app.services import smtp_client
from dialer_app.services.email_sender import EmailSender
from dialer_app.services.smtp_client import OutgoingMessage, SmtpAccount
from tests.integration.smtp_lab import PASSWORD, USER


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("database", type=Path)
    parser.add_argument("clock")
    parser.add_argument("port", type=int)
    parser.add_argument("cert")
    parser.add_argument("--crash-after-send", action="store_true")
    args = parser.parse_args()
    account = SmtpAccount("127.0.0.1", args.port, "starttls", USER, USER, "Sam", args.cert)

    def send(account: SmtpAccount, password: str | None, message: OutgoingMessage) -> None:
        smtp_client.send(account, password, message)
        if args.crash_after_send:
            os._exit(3)  # the message went out; the database never hears of it

    database = open_database(args.database)
    try:
        sender = EmailSender(
            EmailStore(database.sessions),
            lambda: (account, PASSWORD),
            clock=lambda: datetime.fromisoformat(args.clock),
            send=send,
        )
        for outcome in sender.run_once():
            print(json.dumps({"id": outcome.email_id, "state": outcome.state.value}), flush=True)
    finally:
        database.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
