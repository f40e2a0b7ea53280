"""generate{prompt, studio, duration_s, bpm, key, variations, time_signature, reference, and the four remix
sliders}: compose, render and file new takes."""

from __future__ import annotations

from typing import Any

from assistant.agents.quality import check_file
from assistant.graph.state import ChatState, Take
from assistant.jobs import heavy
from assistant.services import StudioServices
from assistant.stop import TurnStopped, stoppable
from assistant.tools.common import ToolInputError, args_of, reply, track_ref
from assistant.tools.context import with_focus
from library.store import StorePathError
from studios.base import StudioError

_SLIDERS = ("melody_loyalty", "weirdness", "genre_shift", "structure_consistency")
# What the quality node needs to check the takes and, if one fails, to make it again the same way.
_CHECKED = ("prompt", "studio", "duration_s", "bpm", "key", "seed", "variations", "time_signature", "reference",
            *_SLIDERS)


def _take(services: StudioServices, track: Any) -> Take:
    return Take(id=track.id, title=track.title, path=str(services.track_path(track)),
                duration_s=track.duration_s, bpm=track.bpm, key=track.key, studio=track.studio)


def _verdicts(takes: list[Take], a: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Quality Agent verdicts for takes against what was asked: (problem lines, passing lines)."""
    problems, passed = [], []
    for t in takes:
        v = check_file(t["path"], a.get("bpm"), a.get("key"))
        if v.ok:
            measured = [f"{v.lufs:.1f} LUFS" if v.lufs is not None else "", f"{v.tempo:.0f} BPM" if v.tempo else "",
                        f"in {v.key}" if v.key else ""]
            passed.append(f"track #{t['id']} passes ({', '.join(m for m in measured if m)})")
        else:
            problems.append(f"track #{t['id']}: " + "; ".join(v.problems))
    return problems, passed


def _style(state: ChatState, services: StudioServices, a: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Style Ref: the nearest library tracks' tempo, key, studio and mood fill what the user left open."""
    want = a.pop("style_ref", None)
    if not want:
        return a, ""
    from library.style_ref import style_ref

    track = None if want is True else track_ref(state, want)
    ref = style_ref(services.search, query=None if track else a.get("prompt"), track_id=track, k=3)
    if ref is None:
        return a, "Style references: none yet (the library is empty), so the studio chose freely."
    g = ref.generation_args()
    for name in ("bpm", "key", "studio"):
        if a.get(name) is None and g.get(name):
            a[name] = g[name]  # what the user said explicitly always wins
    a["prompt"] = str(a.get("prompt") or "") + str(g.get("prompt_suffix", ""))
    return a, ref.describe()


def generate(state: ChatState, services: StudioServices) -> dict[str, Any]:
    from assistant.tools.neural import neural_generate, wants_neural  # engine="musicgen": the user's weights

    if wants_neural(args_of(state)):
        return {**neural_generate(state, services), "check": None}
    try:
        a, based_on = with_focus(state, services, args_of(state))
        a, style_note = _style(state, services, a)
        result = _generate(state, services, a)
    except TurnStopped as err:
        kept = [_take(services, t) for t in err.kept]
        if not kept:
            return reply("Stopped: nothing was saved.", check=None)
        return reply("Stopped. Kept the takes finished before the stop: " + ", ".join(
            f"track #{t['id']}" for t in kept) + ".", takes=kept, current_track=kept[-1]["id"], check=None)
    except (StudioError, StorePathError, ToolInputError) as err:
        return reply(f"I couldn't make that: {err}. Nothing was saved.", check=None)
    lines = [f"{based_on}: " if based_on else ""]
    lines[0] += f"{result.studio.name} studio ({result.studio_reason}):"
    lines += _take_lines(result)
    lines += [style_note] if style_note else []
    takes = [_take(services, t) for t in result.takes]
    # The takes go on screen now; the quality node checks them next (tempo and key analysis take a while).
    return reply("\n".join(lines), takes=takes, current_track=takes[-1]["id"], studio=result.studio.id,
                 check={k: v for k, v in a.items() if k in _CHECKED})


def _take_lines(result: Any) -> list[str]:
    return [f"- **{t.title}** — track #{t.id}, {t.duration_s:.1f} s at {t.bpm:g} BPM in {t.key}. {note}"
            for t, note in zip(result.takes, result.notes, strict=True)]


def quality(state: ChatState, services: StudioServices) -> dict[str, Any]:
    """Quality Agent, after generate: check each new take against what was asked; a failing take is made
    again once with a fresh seed (unless the user fixed the seed), then what is still wrong is reported."""
    a = dict(state.get("check") or {})
    takes = list(state.get("takes") or [])
    problems, passed = _verdicts(takes, a)
    if not problems or a.get("seed") is not None:
        return reply("Quality check: " + "; ".join(problems + passed) + ".", takes=takes, check=None)
    try:
        retry = _generate(state, services, a | {"variations": len(problems)})
    except (StudioError, StorePathError, ToolInputError) as err:
        return reply(f"Quality check: {'; '.join(problems)}. A retry failed: {err}.", takes=takes, check=None)
    new = [_take(services, t) for t in retry.takes]
    still, fine = _verdicts(new, a)
    lines = [f"Quality check: {'; '.join(problems)}. Made again with a new seed:", *_take_lines(retry),
             "Quality check: " + "; ".join(still + fine) + "."]
    return reply("\n".join(lines), takes=takes + new, current_track=new[-1]["id"], check=None)


def _generate(state: ChatState, services: StudioServices, a: dict[str, Any]) -> Any:
    reference = track_ref(state, a["reference"]) if a.get("reference") is not None else None
    result = services.generate(
        a.get("prompt") or "", studio=a.get("studio"), current_studio=state.get("studio"),
        duration_s=float(a.get("duration_s", 30.0)), bpm=a.get("bpm"), key=a.get("key"),
        seed=a.get("seed"), variations=int(a.get("variations", 1)),
        time_signature=a.get("time_signature"), reference=reference,
        **{k: a[k] for k in _SLIDERS if a.get(k) is not None},
        wait_s=heavy.CHAT_WAIT_S,  # a busy renderer gets a prompt answer naming it, not a silent wait
        progress=stoppable(),  # the chat's Stop ends the render before its take is filed
    )
    return result
