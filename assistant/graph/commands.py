"""Fast-path rules: one small function per tool, tried in order; the first clear match wins.

Each rule sees the raw text and its normalised form (lower case, typos fixed, numbers as digits) and
returns (tool, args) or None. Routes are validated against the catalogue; unclear text returns None
from fast_parse and goes to the LLM router.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from assistant.graph.catalogue import CURRENT, RouteError, validate_route
from assistant.graph.parser import (
    _CURRENT_REF,
    BEYOND,
    Route,
    find_studio,
    fix_typos,
    normalise_numbers,
    parse_bpm,
    parse_duration,
    parse_key,
    parse_seconds_list,
    parse_tracks,
    whole,
)

Found = tuple[str, dict[str, Any]] | None
Rule = Callable[[str, str], Found]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


def _has(pattern: str, low: str) -> bool:
    return re.search(pattern, low) is not None


def _after(pattern: str, raw: str) -> str:
    """The raw text after the first match of pattern (case-insensitive), stripped of quotes."""
    m = re.search(pattern, raw, re.IGNORECASE)
    return m and raw[m.end():].strip(" :\"'“”‘’.") or ""


def _one(low: str) -> int | str:
    refs = parse_tracks(low)
    return refs[0] if refs else CURRENT


_GREETING = r"^(hi|hello|hey|yo|thanks|thank you|cheers|help|what can you do|who are you|good (morning|evening))\b"
_GENERATE = r"\b(make|generate|create|compose|produce|write|render|give me|i want|i need|play me|cook up)\b"
_MUSIC_NOUN = r"\b(track|song|tune|beat|piece|loop|theme|music|jam|banger|instrumental|melody)s?\b"


@rule
def _greeting(raw: str, low: str) -> Found:
    return ("chat", {"text": raw}) if _has(_GREETING, low) and len(low.split()) <= 6 else None


@rule
def _current_studio(raw: str, low: str) -> Found:
    if find_studio(low) or _has(r"\b(switch|change|select|use)\b", low):
        return None
    return ("current_studio", {}) if _has(r"\b(which|what|current|active)\b.*\bstudio\b", low) else None


@rule
def _enhance(raw: str, low: str) -> Found:
    if not _has(r"\b(enhance|improve|expand|enrich|rewrite|punch up|flesh out|professional)\b.*\bprompt\b", low):
        return None
    quoted = re.findall(r"[\"“'‘]([^\"”'’]{3,})[\"”'’]", raw)
    prompt = quoted[0] if quoted else _after(r"prompt\b\s*(?:for|:)?", raw)
    return ("enhance_prompt", {"prompt": prompt}) if prompt else ("llm", {"tools": ["enhance_prompt"]})


@rule
def _jobs(raw: str, low: str) -> Found:
    if _has(r"\b(cancel|stop|kill|remove|delete)\b.*\b(jobs?|schedules?|scheduled)\b", low):
        m = re.search(r"\bjob\s*(?:number|no\.?)?\s*#?\s*(\d+)", low)
        return "cancel_job", {"job": "all" if _has(r"\ball\b|\bevery\b", low) else (m[1] if m else "")}
    if _has(r"\b(list|show|what|which|any)\b.*\b(jobs|scheduled)\b", low):
        return "list_jobs", {}
    return None


_LATER = (r"\b(every|each|daily|nightly|weekly|hourly|tonight|tomorrow|schedule|later today|"
          r"in \d+ (?:minutes?|hours?|mins?)|at \d{1,2}(?::\d\d)?\s*(?:am|pm))\b")


@rule
def _later(raw: str, low: str) -> Found:
    # Anything to run later or repeatedly is a schedule. Clear timing ("every night at 2am", "every Sunday")
    # is parsed here; the LLM writes the cron/when for the rest.
    if not _has(_LATER, low):
        return None
    from assistant.jobs.phrases import schedule_route  # the jobs' own phrase reader, imported on demand

    found = schedule_route(raw)
    return (found["tool"], found["args"]) if found else ("llm", {"tools": ["schedule"]})


@rule
def _reindex(raw: str, low: str) -> Found:
    found = _has(r"\b(reindex|re-index|(rebuild|refresh|update) (the )?(search |similarity )?index)\b", low)
    return ("reindex", {}) if found else None


@rule
def _select_studio(raw: str, low: str) -> Found:
    m = re.search(r"\b(switch|change|go|select|use|open|load|take me)\b(?:\s+(?:to|the|into|over to))*\s+(?:the\s+)?"
                  r"(\w[\w\s-]*?)(?:\s+studio)?\s*[.!]?$", low)
    if m and ("studio" in low or find_studio(m[2])) and not _has(_MUSIC_NOUN, low):
        return "select_studio", {"studio": find_studio(m[2]) or m[2].strip()}
    return None


_DAW = {"reaper": "reaper", "ableton": "ableton", "live": "ableton", "fl studio": "flstudio", "flstudio": "flstudio",
        "logic": "logic", "cubase": "cubase", "bitwig": "bitwig", "dawproject": "dawproject", "studio one": "cubase",
        "zip": "zip"}


@rule
def _export(raw: str, low: str) -> Found:
    if _has(r"\bmidi\b", low) and _has(r"\b(i want|i need|can i (have|get))\b", low) and not _has(_MUSIC_NOUN, low):
        return "export_midi", {"track": _one(low)}  # "i want the midi for this"
    if not _has(r"\b(export|save|download|get|give me|send|bounce|open)\b", low):
        daw = next((v for k, v in _DAW.items() if k != "live" and re.search(rf"\b{k}\b", low)), None)
        if daw and _has(r"\b(work\w*|continu\w*|finish\w*|mix\w*|load|import|take|bring|carry on)\b.*\b(in|into)\b",
                        low):
            return "export_daw", {"track": _one(low), "format": daw}  # "keep working on this in FL Studio"
        return ("llm", {"tools": ["export_daw", "chat"]}) if daw else None
    if _has(r"\bmidi\b", low):
        return "export_midi", {"track": _one(low)}
    fmt = next((v for k, v in _DAW.items() if re.search(rf"\b{k}\b", low)), None)
    if fmt or _has(r"\bdaw\b|\bproject\b", low):
        return "export_daw", {"track": _one(low), **({"format": fmt} if fmt else {})}
    return None


_STEM_NAMES = ("drums", "bass", "vocals", "melody", "chords", "lead", "other")


@rule
def _stems(raw: str, low: str) -> Found:
    asked = _has(r"\b(stems?|separate|isolate|split)\b", low) or (
        _has(r"\b(drums?|bass|vocals?|melody|chords)\b", low)
        and _has(r"\b(on (their|its) own|alone|solo|pull\b.*\bout|take\b.*\bout|extract)\b", low))
    if not asked or _has(r"\bsplit\b.*\binto\b.*\bparts\b", low):
        return None
    stems = [s for s in _STEM_NAMES if re.search(rf"\b{s[:-1] if s.endswith('s') else s}s?\b", low)]
    return "separate_stems", {"track": _one(low), **({"stems": stems} if stems else {})}


@rule
def _upscale(raw: str, low: str) -> Found:
    if not _has(r"\b(upscale|upsample|up-sample|hi-?res|higher quality|better quality)\b", low):
        return None
    rate: int | None = None
    if (m := re.search(r"(\d+(?:\.\d+)?)\s*k(?:hz)?\b", low)) is not None:
        rate = _hz(float(m[1]) * 1000 if float(m[1]) < 1000 else float(m[1]))
    elif (m := re.search(r"(\d+(?:\.\d+)?)\s*hz\b", low) or re.search(r"\b(\d{5})\b", low)) is not None:
        rate = _hz(float(m[1]))  # "1 hz" is a rate too: the service's rate check refuses it, naming the choices
    return "upscale", {"track": _one(low), **({"sample_rate": rate} if rate is not None else {})}


def _hz(value: float) -> int:
    """A rate in whole Hz; one too large for int() or the checkpoint (inf from a huge digit run) reads as BEYOND."""
    return int(value) if value < BEYOND else BEYOND


@rule
def _extend(raw: str, low: str) -> Found:
    if not _has(r"\b(extend|lengthen|continue|longer)\b|\badd (?:another |an extra )?\d+ (?:more )?(?:sec|min)", low):
        return None
    secs = parse_duration(low)
    return "extend", {"track": _one(low), **({"seconds": secs} if secs is not None else {})}


@rule
def _inpaint(raw: str, low: str) -> Found:
    times = parse_seconds_list(low)
    if len(times) < 2 or not _has(r"\b(inpaint|redo|regenerate|rewrite|replace|fix|re-?do|remake|change)\b", low):
        return None
    prompt = _after(r"\b(?:with|into|as|so it|to be|make it)\b", raw) if _has(r"\b(with|into|as)\b", low) else ""
    args = {"track": _one(low), "start_s": times[0], "end_s": times[1]}
    return "inpaint", {**args, **({"prompt": prompt} if prompt else {})}


@rule
def _comment(raw: str, low: str) -> Found:
    if not _has(r"^(?:please\s+)?(?:(?:add|leave|put|write) (?:a )?)?(comment|note|annotate)\b", low):
        return None
    quoted = re.findall(r"[\"“']([^\"”']+)[\"”']", raw)
    text = _after(r"(?:(?<!\d):|:(?!\d)|\bsaying\b|\bthat says\b|\bthat\b)", raw) or (quoted[0] if quoted else "")
    # "note at 0:45 the snare is too loud": the note is what follows the time
    text = text or _after(r"\bat\s+\d+(?::\d\d)?(?:\s*(?:s|secs?|seconds?)\b)?", raw).lstrip(",;- ")
    times = parse_seconds_list(low)
    return ("comment", {"track": _one(low), "text": text, **({"at_s": times[0]} if times else {})}) if text else None


@rule
def _feedback(raw: str, low: str) -> Found:
    if _has(r"\b(dislike|thumbs down|don't like|do not like|hate)\b", low):
        return "dislike", {"track": _one(low)}
    if _has(r"\b(restore|undelete|recover|untrash|un-trash|bring back|get (?:it|them|\w+) back)\b", low):
        return "restore", {"track": _one(low)}
    if _has(r"^(?:please\s+)?(?:favorite|favourite|star|heart|like|love)\b|\b(?:to|as) (?:my |a )?favou?rites?\b"
            r"|\bi (?:really )?love (?:it|this|that)", low):
        return "favorite", {"track": _one(low)}
    return None


@rule
def _trash(raw: str, low: str) -> Found:
    if not _has(r"\b(trash|delete|remove|bin|throw (?:\w+ ){0,3}away|get rid of|discard)\b", low) or "album" in low:
        return None
    refs = parse_tracks(low)
    if len(refs) > 1:
        return "trash", {"tracks": refs}
    return ("trash", {"track": refs[0]}) if refs else None


@rule
def _albums(raw: str, low: str) -> Found:
    if not _has(r"\balbum\b", low):
        return None
    named = _after(r"\b(?:called|named|titled|call it|name it)\b", raw)
    if _has(r"\b(create|make|start|new)\b", low) and named and not _has(r"\b(put|add|move)\b", low):
        return "create_album", {"name": named}
    m = re.search(r"\b(?:in|into|to|onto|under)\s+(?:the\s+|my\s+)?(?:album\s+)?[\"“']?(.+?)[\"”']?"
                  r"(?:\s+album)?\s*[.!]?$", raw, re.IGNORECASE)
    if _has(r"\b(put|add|move|file|place|stick)\b", low) and m:
        refs = parse_tracks(re.split(r" (?:in|into|to|under) ", low)[0])
        return "add_to_album", {"tracks": refs or [CURRENT], "album": m[1].strip()}
    return None


@rule
def _similar(raw: str, low: str) -> Found:
    mine = re.search(r"\b(?:in my (?:library|collection|tracks)|do i have|have i got)\b.*?"
                     r"\b(?:with|that (?:has|feels?)) (?:an? |some )?(.+?)(?: vibe| feel| sound)?[?!. ]*$", low)
    if mine:  # "anything in my collection with a summery vibe"
        return "find_similar", {"query": mine[1]}
    if not _has(r"\b(similar|more like|sounds? like|like this|like that|like it)\b", low):
        return None
    m = re.search(r"\bk\s*=\s*(\d+)|\b(\d+)\s+(?:similar|tracks|songs|more)\b", low)
    k = {"k": whole(m[1] or m[2])} if m else {}
    refs = [r for r in parse_tracks(low) if r != CURRENT]
    if refs:
        return "find_similar", {"track": refs[0], **k}
    query = _after(r"\b(?:similar to|sounds? like|like)\b", raw).rstrip("?!. ")
    if not query or _CURRENT_REF.fullmatch(query.lower()):
        return "find_similar", {"track": CURRENT, **k}
    return "find_similar", {"query": query, **k}


@rule
def _list(raw: str, low: str) -> Found:
    if not (_has(r"\b(list|show|what are|see|what's in|whats in)\b.*"
                 r"\b(tracks|library|songs|takes|favou?rites|trash|stuff)\b", low)
            or _has(r"^\s*(tracks|library)\s*$|^what have i (made|got|done)\b", low)) or (
            _has(_GENERATE, low) and not _has(r"^what have i", low)):
        return None
    filters: dict[str, Any] = {}
    if studio := find_studio(low):
        filters["studio"] = studio
    if _has(r"\bfavou?rites?\b", low):
        filters["favorites"] = True
    if _has(r"\b(trash|trashed|deleted)\b", low):
        filters["trashed"] = True
    if album := re.search(r"\b(?:in|from|on) (?:the |my )?(?!trash)([\w' -]+?) album\b", raw, re.IGNORECASE):
        filters["album"] = album[1].strip()
    return "list_tracks", {"filters": filters}


@rule
def _train(raw: str, low: str) -> Found:
    if not _has(r"\b(train|fine[- ]?tune|teach)\b.*\b(lora|adapter|style)\b", low):
        return None
    name = re.search(r"\b(?:called|named|name it|call it)\s+[\"']?([\w-]+)", raw, re.IGNORECASE)
    album = re.search(r"\b(?:on|from|of) (?:the |my )?([\w' -]+?) album\b", raw, re.IGNORECASE)
    refs = [r for r in parse_tracks(low) if r != CURRENT]
    source: dict[str, Any] = {"tracks": refs} if refs else {"album": album[1].strip()} if album else {}
    if not name or not source:
        return "llm", {"tools": ["train_lora", "chat"]}
    return "train_lora", {**source, "name": name[1]}


_TWEAK = (r"^(?:ok(?:ay)?,?\s*|now\s*|and\s*|please\s*)*"
          r"(make it|make this|same|again|do it again|do another|another|one more|1 more|redo it|try again|"
          r"now in|now at|but)\b")


@rule
def _variation(raw: str, low: str) -> Found:
    if not _has(_TWEAK, low):
        return None
    args: dict[str, Any] = {"track": CURRENT}
    if _has(r"\b(faster|quicker|speed it up|more upbeat)\b", low):
        args["tempo"] = "faster"
    elif _has(r"\b(slower|slow it down|more laid back)\b", low):
        args["tempo"] = "slower"
    for name, value in (("bpm", parse_bpm(low)), ("key", parse_key(raw)), ("duration_s", parse_duration(low)),
                        ("studio", find_studio(low))):
        if value is not None:
            args[name] = value
    if len(args) == 1 and not _has(r"^(again|another|one more|1 more|do it again|try again|redo it)\b", low):
        return "llm", {"tools": ["generate"]}  # "make it jazzier": the LLM words the change
    return "generate", args


_QUESTION = r"^(what|what's|whats|who|how|why|when|where|is|are|does|do|can you explain|explain|tell me)\b"


@rule
def _question(raw: str, low: str) -> Found:
    # A question no rule above recognised as a command: the chat answers it (no tool is run).
    if _has(_QUESTION, low) and not _has(_GENERATE + r"|\b(track|song|beat|tune)s?\b", low):
        return "chat", {"text": raw}
    return None


@rule
def _generate(raw: str, low: str) -> Found:
    musical = _has(_MUSIC_NOUN, low) or find_studio(low)
    if not (_has(_GENERATE, low) or (musical and (parse_duration(low) is not None or parse_bpm(low) is not None))):
        return None
    args: dict[str, Any] = {"prompt": raw}
    for name, value in (("studio", find_studio(low)), ("duration_s", parse_duration(low)), ("bpm", parse_bpm(low)),
                        ("key", parse_key(raw))):
        if value is not None:
            args[name] = value
    if (v := re.search(r"(-?\d+)\s+(?:variations?|versions?|takes?|tracks|songs|tunes|options)\b", low)) is not None:
        args["variations"] = whole(v[1])
    if (s := re.search(r"\bseed\s*(?:=|:)?\s*(\d+)\b", low)) is not None:
        args["seed"] = whole(s[1])
    style_of = r"\b(?:in the style of|styled? like|sounding like) (?:my )?(?:track|take)\s*#?\s*(\d+)\b"
    if (st := re.search(style_of, low)) is not None:
        args["style_ref"] = whole(st[1])  # that track's neighbourhood in the library conditions the studio
    elif _has(r"\b(in|like) my (own |usual )?(style|sound|tracks|library|stuff)\b", low):
        args["style_ref"] = True
    if _has(r"\b(musicgen|neural(ly)?)\b", low):
        args["engine"] = "musicgen"  # the user's own MusicGen weights instead of a symbolic studio
        if (t := re.search(r"\b(?:track|take)\s*#?\s*(\d+)\b", low)) is not None:
            args["reference"] = whole(t[1])  # "neural re-render track 3"
    return "generate", args


# "do another take like that but in G" is a variation, not a similarity search: tweaks go first.
RULES.remove(_variation)
RULES.insert(RULES.index(_similar), _variation)


def normalise(text: str) -> str:
    return normalise_numbers(fix_typos(text.strip().lower()))


def fast_parse(text: str) -> Route | None:
    """The route for a clear command, or None when the text needs the LLM."""
    return parse_or_hint(text)[0]


def parse_or_hint(text: str) -> tuple[Route | None, list[str] | None]:
    """(route, None) for a clear command; else (None, the tools the LLM may choose from, None = any)."""
    raw = text.strip()
    if not raw:
        return Route("chat", {"text": ""}), None
    low = normalise(raw)
    for fn in RULES:
        found = fn(raw, low)
        if found is not None and found[0] == "llm":
            return None, found[1].get("tools")
        if found is not None:
            try:
                r = validate_route(*found)
            except RouteError:
                return None, [found[0], "chat"]  # looked like this tool but does not fit its schema
            return Route(r["tool"], r["args"]), None
    return None, None


def parse(text: str) -> Route:
    """fast_parse, with chat for anything unclear (no model involved)."""
    return fast_parse(text) or Route("chat", {"text": text.strip()})


__all__ = ["fast_parse", "parse", "normalise", "Route", "_CURRENT_REF"]
