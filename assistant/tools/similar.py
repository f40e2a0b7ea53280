"""find_similar{track|query, k} and reindex: the library's vector search from chat."""

from __future__ import annotations

from typing import Any

from assistant.graph.state import ChatState
from assistant.services import StudioServices
from assistant.tools.common import args_of, reply, track_ref
from assistant.tools.library import refusing
from library.search import SimilarQuery
from models.rag.clap import ClapMissing
from models.rag.text import EmbedderMissing


@refusing
def find_similar(state: ChatState, services: StudioServices) -> dict[str, Any]:
    a = args_of(state)
    tid = track_ref(state, a["track"]) if a.get("track") is not None else None
    query = a.get("query")
    try:
        matches = services.search.similar(SimilarQuery(query=query, track_id=tid, k=int(a.get("k") or 5)))
    except (EmbedderMissing, ClapMissing) as err:
        return reply(f"Similar-track search is unavailable here: {err}")
    about = f"track #{tid}" if tid is not None else f"“{query}”"
    if not matches:
        return reply(f"Nothing in the library is like {about} yet (trashed tracks are not searched).")
    rows = [f"- #{m.track.id} **{m.track.title}** · {m.track.studio or 'imported'} · "
            f"{m.track.bpm or 0:g} BPM · {m.track.key or '?'} · similarity {m.score:.2f}" for m in matches]
    return reply("\n".join([f"Closest to {about}:", *rows]), current_track=matches[0].track.id)


@refusing
def reindex(state: ChatState, services: StudioServices) -> dict[str, Any]:
    job = services.search.start_reindex(full=True)
    return reply(f"Rebuilding the similarity index in the background (job #{job.id}); search keeps working "
                 "and picks up the new index when it is done.")
