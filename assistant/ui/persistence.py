"""Chat history on disk: Chainlit's SQLAlchemy data layer over SQLite in the data dir.

The data layer never creates its tables and hands Python lists/dicts straight to SQLite, so this module
creates the tables, stores JSON columns as TEXT and decodes them on the way back (element props
included, or resumed take editors would come back empty). Element payloads go to a local folder.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from chainlit.data.storage_clients.base import BaseStorageClient

# Every field Chainlit writes, per table (TEXT: SQLite stores UUIDs, JSON and ISO dates as text).
TABLES = {
    "users": ("id TEXT PRIMARY KEY", "identifier TEXT UNIQUE NOT NULL", "metadata TEXT", "createdAt TEXT"),
    "threads": ("id TEXT PRIMARY KEY", "createdAt TEXT", "name TEXT", "userId TEXT", "userIdentifier TEXT",
                "tags TEXT", "metadata TEXT"),
    "steps": ("id TEXT PRIMARY KEY", "name TEXT", "type TEXT", "threadId TEXT", "parentId TEXT", "command TEXT",
              "modes TEXT", "streaming INTEGER", "waitForAnswer INTEGER", "isError INTEGER", "metadata TEXT",
              "tags TEXT", "input TEXT", "output TEXT", "createdAt TEXT", "start TEXT", "end TEXT",
              "generation TEXT", "showInput TEXT", "defaultOpen INTEGER", "autoCollapse INTEGER", "language TEXT",
              "icon TEXT"),
    "elements": ("id TEXT PRIMARY KEY", "threadId TEXT", "type TEXT", "chainlitKey TEXT", "path TEXT", "url TEXT",
                 "objectKey TEXT", "name TEXT", "display TEXT", "size TEXT", "language TEXT", "page INTEGER",
                 "props TEXT", "autoPlay INTEGER", "playerConfig TEXT", "forId TEXT", "mime TEXT"),
    "feedbacks": ("id TEXT PRIMARY KEY", "forId TEXT", "threadId TEXT", "value INTEGER", "comment TEXT"),
}


def create_tables(db: Path) -> None:
    """Idempotent; columns missing from an older file are added, nothing is dropped."""
    with sqlite3.connect(db) as conn:
        for table, columns in TABLES.items():
            conn.execute(f'CREATE TABLE IF NOT EXISTS {table} ({", ".join(_quoted(c) for c in columns)})')
            have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            for col in columns:
                name = col.split()[0]
                if name not in have:
                    conn.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {col.split()[1]}')


def _quoted(column: str) -> str:
    name, rest = column.split(" ", 1)
    return f'"{name}" {rest}'


def _decoded(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


class LocalStorage(BaseStorageClient):
    """Element payloads as files under one folder; keys are flattened so none can leave it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.root / key.replace("/", "__").replace("..", "_")

    async def upload_file(self, object_key: str, data: bytes | str, mime: str = "application/octet-stream",
                          overwrite: bool = True, content_disposition: str | None = None) -> dict[str, Any]:
        path = self._path(object_key)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data.encode() if isinstance(data, str) else data)
        tmp.replace(path)  # atomic: a crash never leaves half a payload
        return {"object_key": object_key, "url": ""}

    async def delete_file(self, object_key: str) -> bool:
        self._path(object_key).unlink(missing_ok=True)
        return True

    async def get_read_url(self, object_key: str) -> str:
        return ""  # take editors and lists carry their own stable track URLs in props

    async def close(self) -> None:
        pass


PropsRefresh = Callable[[str, dict[str, Any]], dict[str, Any]]  # (element name, saved props) -> props to show


class StudioDataLayer(SQLAlchemyDataLayer):
    """JSON in and out of SQLite; saved element props refreshed from the library when a thread is read
    (a take favorited or trashed since, from the CLI or another chat, shows as it is now)."""

    def __init__(self, *args: Any, refresh: PropsRefresh | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.refresh = refresh

    async def execute_sql(self, query: str, parameters: dict) -> list[dict[str, Any]] | int | None:
        encoded = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in parameters.items()}
        return await super().execute_sql(query, encoded)

    async def get_all_user_threads(self, user_id: str | None = None, thread_id: str | None = None):  # type: ignore[no-untyped-def]
        threads = await super().get_all_user_threads(user_id=user_id, thread_id=thread_id)
        for thread in threads or []:
            thread["tags"] = _decoded(thread.get("tags")) or []
            thread["metadata"] = _decoded(thread.get("metadata")) or {}
            for step in thread.get("steps") or []:
                step["tags"] = _decoded(step.get("tags"))
            for element in thread.get("elements") or []:
                props = _decoded(element.get("props")) or {}
                if self.refresh is not None and isinstance(props, dict):
                    props = self.refresh(str(element.get("name")), props)
                element["props"] = props  # type: ignore[typeddict-item]
        return threads


def data_layer(data_dir: Path, refresh: PropsRefresh | None = None) -> StudioDataLayer:
    db = data_dir / "chat-history.sqlite"
    create_tables(db)
    return StudioDataLayer(conninfo=f"sqlite+aiosqlite:///{db}", storage_provider=LocalStorage(data_dir / "chat-files"),
                           refresh=refresh)
