"""Plain language -> a schedule: "every night at 2am generate five chiptune tracks", "reindex every Sunday".

The time phrase becomes a cron line or a datetime; the rest is read by the chat router's fast path,
so "generate five chiptune tracks" means the same scheduled or typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from assistant.jobs.context import JobError

_DAYS = {d: i for i, d in enumerate(("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"))}
# Cron lines here are standard crontab (0 = Sunday); APScheduler's day_of_week counts 0 = Monday, so
# trigger_for rewrites weekday numbers as names (named_weekdays) before APScheduler reads them.
_ABBR = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")  # crontab 0..7
_PARTS_OF_DAY = {"night": 2, "morning": 8, "afternoon": 14, "evening": 19, "midnight": 0, "noon": 12}
# "at 90 bpm" is a tempo, not a time.
_CLOCK = r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?(?!\s*(?:bpm|beats|b\.p\.m|seconds|secs|s\b|%))"
_EVERY_N = re.compile(r"\bevery\s+(\d+)\s*(minutes?|mins?|hours?|hrs?)\b")
_IN_N = re.compile(r"\bin\s+(\d+)\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?)\b")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class When:
    cron: str | None = None  # 5-field crontab, local time
    at: datetime | None = None  # a one-off run

    def trigger_text(self) -> str:
        return f"cron {self.cron}" if self.cron else f"at {self.at.isoformat() if self.at else ''}"


@dataclass
class SchedulePlan:
    kind: str
    args: dict[str, Any] = field(default_factory=dict)
    when: When = field(default_factory=When)
    description: str = ""


def _clock(text: str) -> tuple[int, int] | None:
    m = re.search(rf"\bat\s+{_CLOCK}\b", text) or re.search(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b", text)
    if not m:
        return None
    hour, minute = int(m[1]), int(m[2] or 0)
    if m[3] == "pm" and hour < 12:
        hour += 12
    elif m[3] == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise JobError(f"{m[0].strip()!r} is not a time of day")
    return hour, minute


def _time_of_day(text: str, default: tuple[int, int]) -> tuple[int, int]:
    if (hm := _clock(text)) is not None:
        return hm
    part = next((h for p, h in _PARTS_OF_DAY.items() if re.search(rf"\b{p}\b", text)), None)
    return (part, 0) if part is not None else default


def parse_every(text: str) -> str | None:
    """A repeating phrase -> 5-field cron (local time); None when the text does not repeat."""
    low = text.lower()
    if m := _EVERY_N.search(low):
        n, unit = int(m[1]), m[2][0]
        if unit == "m" and 1 <= n <= 59:
            return f"*/{n} * * * *"
        if unit == "h" and 1 <= n <= 23:
            return f"0 */{n} * * *"
        raise JobError(f"'every {n} {m[2]}' is out of range: use 1-59 minutes or 1-23 hours")
    if re.search(r"\b(every hour|hourly)\b", low):
        return "0 * * * *"
    days = [i for d, i in _DAYS.items() if re.search(rf"\b(every|on|each)\s+{d}s?\b|\b{d}s\b", low)]
    if re.search(r"\bweekdays?\b", low):
        h, mi = _time_of_day(low, (9, 0))
        return f"{mi} {h} * * 1-5"
    if re.search(r"\bweekends?\b", low):
        days = [6, 0]
    if days:
        h, mi = _time_of_day(low, (0, 0))
        return f"{mi} {h} * * {','.join(map(str, days))}"
    if re.search(r"\bweekly\b|\bevery week\b", low):
        h, mi = _time_of_day(low, (0, 0))
        return f"{mi} {h} * * 0"
    if re.search(r"\b(every|each)\s+(day|night|morning|afternoon|evening)\b|\b(daily|nightly)\b", low):
        h, mi = _time_of_day(low, (2, 0) if "night" in low else (9, 0))
        return f"{mi} {h} * * *"
    return None


def named_weekdays(cron: str) -> str:
    """A crontab line with numeric weekdays (0/7 = Sunday) rewritten with names, as APScheduler needs."""
    fields = cron.split()
    if len(fields) != 5:
        raise JobError(f"bad cron line {cron!r}: five fields (minute hour day month weekday)")
    fields[4] = re.sub(r"\b[0-7]\b", lambda m: _ABBR[int(m[0])], fields[4])
    return " ".join(fields)


def parse_when(text: str, now: datetime) -> datetime | None:
    """A one-off phrase ("in 10 minutes", "tonight at 2am", "tomorrow at 9", "at 15:30") -> an aware datetime."""
    low = text.lower()
    if re.search(r"\b(now|right away|immediately)\b", low):
        return now
    if m := _IN_N.search(low):
        return now + timedelta(seconds=int(m[1]) * _UNIT_S[m[2][0]])
    hm = _clock(low)
    tomorrow = re.search(r"\btomorrow\b", low) is not None
    if hm is None and not (tomorrow or re.search(r"\btonight\b", low)):
        return None
    hour, minute = hm or _time_of_day(low, (9, 0) if tomorrow else (22, 0))
    at = now.replace(hour=hour, minute=minute, second=0, microsecond=0) + timedelta(days=int(tomorrow))
    return at if at > now else at + timedelta(days=1)  # "at 2am" said at 3pm is tomorrow's 2am


_TIME_WORDS = re.compile(
    r"\b(every|each|on|at|in|tonight|tomorrow|today|daily|nightly|hourly|weekly|weekdays?|weekends?|now|"
    r"right away|immediately|night|morning|afternoon|evening|midnight|noon|day|week|hours?|minutes?|mins?|"
    r"seconds?|secs?|hrs?|days?|sundays?|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|am|pm|"
    r"\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2})\b")


def strip_time(text: str) -> str:
    """The command without its time phrase ("every night at 2am generate x" -> "generate x")."""
    low = text.lower()
    low = re.sub(r"\b(every|each|in)\s+\d+\s*(minutes?|mins?|hours?|hrs?|seconds?|secs?|days?)\b", " ", low)
    low = re.sub(rf"\bat\s+{_CLOCK}\b", " ", low)
    words = [w for w in re.split(r"\s+", _TIME_WORDS.sub(" ", low)) if w]
    command = " ".join(words).strip(" ,.")
    # "schedule a reindex ..." -> "reindex": the scheduling verb is not part of the job
    return re.sub(r"^(?:please\s+)?(?:schedule|set up|plan)\s+(?:(?:a|an|the)\s+)?", "", command)


_COUNT = re.compile(r"\b(\d{1,2})\s+(?:[a-z-]+\s+){0,3}?(?:tracks|takes|songs|tunes|versions|variations|beats)\b")
_ALBUM = re.compile(r"\b(?:into|to|in|on)\s+(?:the\s+|an?\s+)?album\s+(?:called\s+|named\s+)?"
                    r"[\"']?([\w][\w -]{0,60}?)[\"']?\s*[.!]?$", re.I)


def command_route(command: str, original: str = "") -> tuple[str, dict[str, Any]]:
    """The job for a command by the router's fast path; pipelines when it says 'keep the best'.

    original (the whole sentence) is where an album name is read: time words may be part of it."""
    from assistant.graph.commands import fast_parse

    route = fast_parse(command)
    if route is None or route.tool == "chat":
        raise JobError(f"I can't tell which job {command!r} is: say e.g. 'generate five chiptune tracks' or "
                       "'reindex'")
    args = dict(route.args)
    if route.tool == "generate" and "variations" not in args and (n := _COUNT.search(command)):
        args["variations"] = int(n[1])  # "five chiptune tracks": the count is not next to the noun
    if route.tool == "generate" and re.search(r"\b(keep|pick|choose)\s+(only\s+)?the\s+best\b", command.lower()):
        album = _ALBUM.search(original or command)
        args["prompt"] = re.split(r"\b(?:and\s+)?(?:keep|pick|choose)\b", args.get("prompt", ""))[0].strip()
        return "pipeline", {"generate": args, **({"album": album[1].strip()} if album else {})}
    return route.tool, args


def parse_schedule(text: str, now: datetime) -> SchedulePlan:
    """The whole sentence -> SchedulePlan; a clear JobError when there is no time or no job in it."""
    cron = parse_every(text)
    at = None if cron else parse_when(text, now)
    if cron is None and at is None:
        raise JobError(f"no time in {text!r}: say e.g. 'every night at 2am', 'every Sunday', 'in 10 minutes'")
    command = strip_time(text)
    from assistant.graph.parser import normalise_numbers

    kind, args = command_route(normalise_numbers(command), text)
    return SchedulePlan(kind, args, When(cron, at), text.strip())


# Only unmistakable time cues make a chat message a schedule: "comment at 1:32" stays a comment.
_ONE_OFF_CUE = re.compile(r"\b(tonight|tomorrow|in\s+\d+\s*(?:minutes?|mins?|hours?|hrs?|days?)|"
                          r"at\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)|at\s+(?:midnight|noon))\b")


def schedule_route(text: str) -> dict[str, Any] | None:
    """A chat message that schedules a job -> {"tool": "schedule", "args": {job, cron|when, args}}, else None.

    For the router's fast path: "every night at 2am generate five chiptune tracks" needs no LLM.
    """
    low = text.lower()
    try:
        cron = parse_every(low)
        if cron is None and not _ONE_OFF_CUE.search(low):
            return None
        from assistant.graph.parser import normalise_numbers

        kind, args = command_route(normalise_numbers(strip_time(text)), text)
    except JobError:
        return None
    timing = {"cron": cron} if cron else {"when": text.strip()[:500]}
    return {"tool": "schedule", "args": {"job": kind, **timing, "args": args}}
