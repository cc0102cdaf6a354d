"""The team server's HTTP API as the sync needs it, with errors in words for the rep.

httpx with one keep-alive connection per client. Plain ``http://`` is refused for anything
but this computer unless the rep allowed it: the token and every call log travel in it.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

TIMEOUT_S = 60.0

TOKEN_HELP = (
    "create a new one with `dialer-app serve --create-user EMAIL --team TEAM` on the server "
    "(or ask your team admin), then save it in Settings → Team server"
)


class SyncError(Exception):
    """A sync step failed; ``str()`` is the reason shown to the rep."""

    retry: bool = True
    """Worth retrying by itself later (network down); False needs the rep (token, URL)."""


class Offline(SyncError):
    """The server cannot be reached: the app keeps working and queues changes."""


class ServerRefused(SyncError):
    """The server answered with an error that retrying will not fix."""

    retry = False


class BadConfig(SyncError):
    retry = False


@dataclass(frozen=True)
class Me:
    email: str
    role: str
    team: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, allow_insecure_http: bool = False) -> str:
    """The base URL without a trailing slash; BadConfig says what is wrong with it."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise BadConfig(f"“{url}” is not a server address: use one like https://dialer.example.com")
    if parts.scheme == "http" and not (_is_loopback(parts.hostname) or allow_insecure_http):
        raise BadConfig(
            f"Refusing plain http:// to {parts.hostname}: the token and your calls would cross "
            "the network unencrypted. Use https:// (see README “Team server” for a TLS proxy), "
            "or set allow_insecure_http in the settings if this network is trusted."
        )
    return url.strip().rstrip("/")


class ServerApi:
    """One keep-alive connection to the team server with the rep's token."""

    def __init__(
        self, url: str, token: str, *, allow_insecure_http: bool = False, timeout: float = TIMEOUT_S
    ) -> None:
        self.base_url = check_url(url, allow_insecure_http=allow_insecure_http)
        if not token:
            raise BadConfig(f"No token for the team server: {TOKEN_HELP}.")
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ServerApi:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- requests

    def request(
        self,
        method: str,
        path: str,
        *,
        ok: tuple[int, ...] = (200,),
        **kwargs: Any,
    ) -> httpx.Response:
        """Send; transport failures become Offline, unexpected statuses a worded SyncError."""
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise Offline(f"Can't reach the team server at {self.base_url} ({exc}).") from exc
        if response.status_code in ok:
            return response
        raise _error(response)

    def me(self) -> Me:
        data = self.request("GET", "/me").json()
        return Me(str(data["email"]), str(data["role"]), str(data["team"]))

    def push(self, upserts: list[dict[str, Any]], deletes: list[dict[str, Any]]) -> Any:
        body = json.dumps({"upserts": upserts, "deletes": deletes}, separators=(",", ":"))
        headers = {"Content-Type": "application/json"}
        return self.request("POST", "/sync/push", content=body, headers=headers).json()["results"]

    def changes(self, since: int, limit: int = 5000) -> Any:
        return self.request("GET", "/changes", params={"since": since, "limit": limit}).json()

    def download(self, path: str, target: Path, progress: Callable[[int], None]) -> bool:
        """Stream ``GET path`` into ``target``; False when the server answers 404 (for a
        recording: its audio is not uploaded yet). ``progress`` gets the bytes so far."""
        try:
            with self._http.stream("GET", path) as response:
                if response.status_code == 404:
                    return False
                if response.status_code != 200:
                    response.read()
                    raise _error(response)
                written = 0
                with target.open("wb") as handle:
                    for chunk in response.iter_bytes(1024 * 1024):
                        handle.write(chunk)
                        written += len(chunk)
                        progress(written)
        except httpx.TransportError as exc:
            raise Offline(f"Can't reach the team server at {self.base_url} ({exc}).") from exc
        return True

    def get_record(self, path: str, record_id: str) -> Any | None:
        """The server's current version of one record, or None if it has none."""
        response = self.request("GET", f"/{path}/{record_id}", ok=(200, 404))
        return None if response.status_code == 404 else response.json()


def detail(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:300]
    found = data.get("detail") if isinstance(data, dict) else None
    if isinstance(found, list):  # a 422 from FastAPI: where and what
        return "; ".join(f"{'.'.join(map(str, e.get('loc', [])))}: {e.get('msg')}" for e in found)
    return str(found) if found is not None else response.text[:300]


def _error(response: httpx.Response) -> SyncError:
    status = response.status_code
    if status == 401:
        return ServerRefused(f"The server refused the token: {TOKEN_HELP}.")
    if status == 403:
        return ServerRefused(f"The server refused this: {detail(response)}")
    if status >= 500 or status == 429:
        return Offline(f"The team server had a problem (HTTP {status}); retrying later.")
    return ServerRefused(f"The team server answered HTTP {status}: {detail(response)}")
