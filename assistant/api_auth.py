"""REST access: a bearer token whenever a login is configured (STUDIO_API_TOKEN, else STUDIO_UI_PASSWORD).

Without either the API answers everyone who can reach it, which settings only allow on loopback
(StudioSettings.exposure_problem). Inside the chat server a logged-in browser is let in by its Chainlit
session cookie, so the players' audio URLs keep working without a header.
"""

from __future__ import annotations

import hmac
import os
import sys
from collections.abc import Callable

from fastapi import HTTPException, Request

from assistant.settings import StudioSettings

NEEDS_TOKEN = ("this studio needs a login: send the header 'Authorization: Bearer <token>' with the value of "
               "STUDIO_API_TOKEN (or the chat password, STUDIO_UI_PASSWORD, when no API token is set)")


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _chat_session(request: Request) -> bool:
    """A valid Chainlit login cookie (only when this process is the chat server and signs its sessions)."""
    if "chainlit" not in sys.modules or not os.environ.get("CHAINLIT_AUTH_SECRET"):
        return False
    from chainlit.auth.cookie import get_token_from_cookies
    from chainlit.auth.jwt import decode_jwt

    token = get_token_from_cookies(dict(request.cookies))
    if not token:
        return False
    try:
        decode_jwt(token)
    except Exception:  # expired, forged or signed by another secret: not logged in  # noqa: BLE001
        return False
    return True


def api_guard(settings: StudioSettings) -> Callable[[Request], None]:
    """A router dependency: refuses a request without the configured token (401), a no-op without one."""
    expected = settings.rest_token

    def require_token(request: Request) -> None:
        if not expected:
            return
        given = _bearer(request)
        if given is not None and hmac.compare_digest(given.encode(), expected.encode()):
            return
        if _chat_session(request):
            return
        raise HTTPException(401, NEEDS_TOKEN if given is None else "that token is not this studio's: "
                            "check STUDIO_API_TOKEN", headers={"WWW-Authenticate": "Bearer"})

    return require_token
