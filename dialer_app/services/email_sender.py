"""The background sender (issue 9): sends scheduled cadence emails when they fall due, on
its own thread, never the GUI's.

Each pass: rows stuck in ``sending`` past the lease become ``unknown`` (their sender died
mid-send; see ``db/email_store.py``), then every due row is *claimed* (scheduled → sending,
atomically) and sent. Success marks it sent and completes the person's step in one
transaction; a transient failure goes back to scheduled with backoff
(``domain.email_schedule.retry_delay``); a permanent one (bad password, refused address)
is kept as failed with the reason and its fix, and the person is due on the step again.

An email due while the app was closed is simply due at the first pass after start-up, and
is flagged late when it goes. Several senders over one database (two app processes, a
restart racing a slow shutdown) never send a row twice: only the claimer sends.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dialer_app.db.email_store import Claimed, EmailStore
from dialer_app.domain.email_schedule import (
    MAX_ATTEMPTS,
    SENDING_LEASE,
    EmailState,
    retry_delay,
)
from dialer_app.services import smtp_client
from dialer_app.services.smtp_client import OutgoingMessage, SendFailure, SmtpAccount

log = logging.getLogger(__name__)

POLL_S = 15.0
"""Longest sleep between passes: emails scheduled by another process are seen this fast."""

AccountSource = Callable[[], tuple[SmtpAccount, str | None]]
SendFunction = Callable[[SmtpAccount, str | None, OutgoingMessage], None]


@dataclass(frozen=True)
class SendOutcome:
    email_id: int
    state: EmailState
    message: str = ""


def claimer_name() -> str:
    """Who claimed a row (host, pid, random): in the database for the log, and unique per
    sender instance so outcomes are written only by the row's owner."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def message_id_format(from_address: str) -> str:
    domain = from_address.rpartition("@")[2] or "dialer-app.invalid"
    return f"<{{uuid}}@{domain}>"


class EmailSender:
    """One pass at a time (``run_once``); the thread below calls it in a loop."""

    def __init__(
        self,
        store: EmailStore,
        account: AccountSource,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        send: SendFunction = smtp_client.send,
        claimer: str | None = None,
    ) -> None:
        self.store = store
        self._account = account
        self._clock = clock
        self._send = send
        self.claimer = claimer or claimer_name()

    def run_once(self) -> list[SendOutcome]:
        now = self._clock()
        recovered = self.store.recover_stuck(now - SENDING_LEASE)
        if recovered:
            log.warning("%d email(s) were left mid-send by a stopped sender: unknown", recovered)
        account, password = self._account()
        outcomes = []
        for claimed in self.store.claim_due(
            now, self.claimer, message_id_format(account.from_address)
        ):
            outcomes.append(self._deliver(claimed, account, password))
        return outcomes

    def _deliver(self, claimed: Claimed, account: SmtpAccount, password: str | None) -> SendOutcome:
        message = OutgoingMessage(
            claimed.to_address, claimed.to_name, claimed.subject, claimed.body, claimed.message_id
        )
        try:
            self._send(account, password, message)
        except SendFailure as exc:
            return self._failed(claimed, str(exc), transient=exc.transient)
        except Exception as exc:  # a bug must not leave the row in "sending" forever
            log.exception("sending email %s failed unexpectedly", claimed.id)
            return self._failed(claimed, f"Sending failed: {exc}", transient=False)
        self.store.mark_sent(claimed.id, self.claimer, self._clock())
        log.info("email %s sent (%s)", claimed.id, claimed.message_id)
        return SendOutcome(claimed.id, EmailState.SENT)

    def _failed(self, claimed: Claimed, reason: str, *, transient: bool) -> SendOutcome:
        attempts = claimed.attempts + 1
        if transient and attempts < MAX_ATTEMPTS:
            retry_at = self._clock() + retry_delay(attempts)
            self.store.mark_retry(claimed.id, self.claimer, reason, retry_at)
            log.info("email %s: %s (retry %d at %s)", claimed.id, reason, attempts, retry_at)
            return SendOutcome(claimed.id, EmailState.SCHEDULED, reason)
        if transient:
            reason += f" Gave up after {attempts} attempts: send it again when that is fixed."
        self.store.mark_failed(claimed.id, self.claimer, reason)
        log.warning("email %s failed: %s", claimed.id, reason)
        return SendOutcome(claimed.id, EmailState.FAILED, reason)

    def seconds_to_next(self) -> float:
        """How long the thread may sleep: until the next due row, at most ``POLL_S``."""
        due = self.store.next_due_at()
        if due is None:
            return POLL_S
        wait = (due - self._clock()) / timedelta(seconds=1)
        return max(0.2, min(POLL_S, wait))


class SenderThread(threading.Thread):
    """Runs ``EmailSender.run_once`` whenever something may be due; ``wake()`` after a
    schedule or send now, ``stop()`` at quit (waits for the message in flight)."""

    def __init__(
        self, sender: EmailSender, on_outcome: Callable[[SendOutcome], None] | None = None
    ) -> None:
        super().__init__(name="email-sender", daemon=True)
        self.sender = sender
        self._on_outcome = on_outcome
        self._wake = threading.Event()
        self._stopping = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 40.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                for outcome in self.sender.run_once():
                    if self._on_outcome is not None:
                        self._on_outcome(outcome)
                wait = self.sender.seconds_to_next()
            except Exception:  # the database is locked or gone: try again later
                log.exception("email sender pass failed")
                wait = POLL_S
            self._wake.wait(wait)
