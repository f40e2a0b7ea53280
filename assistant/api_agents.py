"""REST routes for the agents: POST /api/agents/enhance-prompt (the Prompt Agent)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from assistant.agents.prompt_agent import enhance
from assistant.api_guard import GuardedRoute
from assistant.graph.catalogue import StudioId
from assistant.services import StudioServices
from assistant.tools.agents import engine_or_none


class EnhanceIn(BaseModel):
    prompt: str = Field(..., min_length=1, max_length=500, examples=["sad piano rain"])
    studio: StudioId | None = None


class EnhanceOut(BaseModel):
    prompt: str
    source: Literal["llm", "rules"]  # rules: no language model was available


def build_agents_router(services: StudioServices) -> APIRouter:
    router = APIRouter(prefix="/agents", tags=["agents"], route_class=GuardedRoute)

    @router.post("/enhance-prompt", response_model=EnhanceOut)
    def enhance_prompt(body: EnhanceIn) -> EnhanceOut:
        """Expand a short idea into rich musical terms for the studio (no audio is made)."""
        text, source = enhance(body.prompt, body.studio or services.studios.current_id, engine_or_none(services))
        return EnhanceOut(prompt=text, source=source)  # type: ignore[arg-type]

    return router
