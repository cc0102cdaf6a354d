"""Settings → Team server's Test connection: who the token belongs to, in words."""

from __future__ import annotations


def check_team_server(
    url: str, token: str, *, allow_insecure_http: bool = False
) -> tuple[bool, str]:
    """``GET /me`` with this URL and token: (ok, what to show). Blocks: call from a thread."""
    from dialer_app.sync.client import ServerApi, SyncError

    try:
        with ServerApi(url, token, allow_insecure_http=allow_insecure_http, timeout=15) as api:
            me = api.me()
    except SyncError as exc:
        return False, f"✗ {exc}"
    return True, f"✓ Connected as {me.email} ({me.role}, team {me.team})."
