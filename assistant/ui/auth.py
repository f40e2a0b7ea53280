"""Optional password login for the chat (STUDIO_UI_PASSWORD). Off by default: the server binds 127.0.0.1.

Chainlit signs sessions with CHAINLIT_AUTH_SECRET; when the user has not set one, a random secret is made
once and kept in the data dir, so logins survive restarts without a setup step.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

import chainlit as cl

USER = "studio"


def ensure_secret(data_dir: Path) -> None:
    if os.environ.get("CHAINLIT_AUTH_SECRET"):
        return
    path = data_dir / "chat-auth-secret"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_urlsafe(48))
        tmp.chmod(0o600)
        tmp.replace(path)
    os.environ["CHAINLIT_AUTH_SECRET"] = path.read_text().strip()


def enable_password(password: str, data_dir: Path) -> None:
    """Register Chainlit's password callback: user 'studio' (or any name) with the configured password."""
    ensure_secret(data_dir)

    @cl.password_auth_callback
    async def check(username: str, given: str) -> cl.User | None:
        if hmac.compare_digest(given.encode(), password.encode()):
            return cl.User(identifier=username.strip() or USER, metadata={"provider": "password"})
        return None
