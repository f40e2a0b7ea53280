"""Request hygiene shared by the REST routers: a body-size limit and validation errors that always serialise.

Use `APIRouter(route_class=GuardedRoute)`. Two hostile inputs otherwise end in a 500: a body of any size is read
into memory and accepted when its extra fields are ignored, and a NaN or Infinity in the JSON (Python's json
module accepts both) is echoed back inside the 422, which the strict JSON encoder then refuses to write.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import HTTPException, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from library.repository import MAX_ID

MAX_BODY_BYTES = 1 << 20  # 1 MiB: a 1,000-path import or a 10,000-track batch is ~100 KB
# A path id past SQLite's 64-bit integers would overflow the driver (a 500); refused as a 422 instead.
RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="a row id (1..2^63-1)")]


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"the request body is over {limit // 1024} KB: send less per request "
                              "(e.g. fewer paths or track ids), or upload audio through /api/voice")


class LimitedRequest(Request):
    """A request whose body() stops reading past the limit (a declared Content-Length is refused at once)."""

    def __init__(self, request: Request, limit: int) -> None:
        super().__init__(request.scope, request.receive)
        self.limit = limit

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            declared = self.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.limit:
                raise too_large(self.limit)
            chunks, size = [], 0
            async for chunk in self.stream():
                size += len(chunk)
                if size > self.limit:
                    raise too_large(self.limit)
                chunks.append(chunk)
            self._body = b"".join(chunks)
        return self._body


def json_safe(value: Any) -> Any:
    """value with NaN/±inf floats written as strings and bytes as text, so a 422 can always be sent."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


class GuardedRoute(APIRoute):
    """Subclass with another body_limit for routes that take bigger uploads (e.g. voice audio)."""

    body_limit = MAX_BODY_BYTES

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(LimitedRequest(request, self.body_limit))
            except RequestValidationError as err:
                raise RequestValidationError(json_safe(err.errors())) from None

        return guarded
