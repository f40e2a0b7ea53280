"""Jobs in one process: plain-language schedules, retries, cancellation, one heavy job at a time,
the DB claim and lease, the pipeline's library state, and the chat tools."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import soundfile as sf

from assistant.jobs.context import JobError
from assistant.jobs.phrases import When, parse_schedule
from assistant.jobs.queue import RetryPolicy
from assistant.jobs.runtime import JobRuntime
from library.repository import TrackFilter

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
def runtime(services):
    rt = JobRuntime(services)
    yield rt
    rt.shutdown()


def wait_for(cond, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if value := cond():
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.mark.parametrize(("text", "kind", "cron", "args"), [
    ("every night at 2am generate five chiptune tracks", "generate", "0 2 * * *",
     {"studio": "chiptune", "variations": 5}),
    ("reindex every Sunday", "reindex", "0 0 * * 0", {}),
    ("every weekday at 9:30 reindex", "reindex", "30 9 * * 1-5", {}),
    ("every 15 minutes reindex", "reindex", "*/15 * * * *", {}),
    ("every evening generate a bluenote ballad at 90 bpm", "generate", "0 19 * * *", {"bpm": 90.0}),
])
def test_plain_language_repeating(text, kind, cron, args):
    plan = parse_schedule(text, NOW)
    assert (plan.kind, plan.when.cron) == (kind, cron)
    assert args.items() <= plan.args.items()


def test_plain_language_one_off_and_pipeline():
    assert parse_schedule("tonight at 2am reindex", NOW).when.at == datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
    assert parse_schedule("in 10 minutes reindex", NOW).when.at == NOW + timedelta(minutes=10)
    assert parse_schedule("at 4:30 pm reindex", NOW).when.at == datetime(2026, 12, 1, 16, 30, tzinfo=UTC)
    plan = parse_schedule("every night at 2am generate 4 chiptune tracks and keep the best into album Night Shift",
                          NOW)
    assert plan.kind == "pipeline" and plan.args["album"] == "Night Shift"
    assert plan.args["generate"]["variations"] == 4


def test_chat_messages_that_schedule_become_schedule_routes():
    from assistant.graph.catalogue import validate_route
    from assistant.jobs.phrases import schedule_route

    r = schedule_route("every night at 2am generate five chiptune tracks")
    assert r is not None and validate_route(r["tool"], r["args"])["args"]["cron"] == "0 2 * * *"
    assert r["args"]["args"]["variations"] == 5
    assert schedule_route("reindex every Sunday") == {"tool": "schedule", "args": {"job": "reindex",
                                                                                  "cron": "0 0 * * 0", "args": {}}}
    for not_a_schedule in ("comment at 1:32 nice drop", "generate a chiptune track at 90 bpm",
                           "make a track in 10 seconds"):
        assert schedule_route(not_a_schedule) is None


def test_plain_language_errors_name_the_fix():
    with pytest.raises(JobError, match="no time"):
        parse_schedule("generate a song", NOW)
    with pytest.raises(JobError, match="which job"):
        parse_schedule("every night at 2am hmm", NOW)
    with pytest.raises(JobError, match="not a time of day"):
        parse_schedule("tomorrow at 27 reindex", NOW)


def test_schedule_persists_and_pause_resume_cancel(runtime, services):
    view = runtime.schedule_text("every night at 2am generate five chiptune tracks")
    assert view.next_run is not None and view.next_run.hour == 2
    again = JobRuntime(services)  # a second runtime reads the same database
    try:
        assert [s.id for s in again.schedules()] == [view.id]
        assert again.pause(view.id).next_run is None
        assert runtime.schedules()[0].state == "paused"
        assert again.resume(view.id).next_run is not None
        again.cancel(view.id)
        assert runtime.schedules() == []
    finally:
        again.shutdown()
    with pytest.raises(JobError, match="in the past"):
        runtime.schedule("reindex", {}, When(at=datetime.now(UTC) - timedelta(minutes=1)))
    with pytest.raises(JobError, match="unknown job"):
        runtime.schedule("mine_bitcoin", {}, When(cron="0 2 * * *"))


def test_failed_run_is_recorded_and_retried_per_policy(runtime):
    first = runtime.run_now("generate", {"prompt": "x", "reference": 99}, "rest", RetryPolicy(2, 0.05))
    runs = wait_for(lambda: (r := runtime.store.runs(limit=10)) and len(r) == 3 and
                    all(x.status == "failed" for x in r) and r)
    assert [r.attempt for r in reversed(runs)] == [1, 2, 3]
    assert runs[-1].id == first
    assert all("no track #99" in r.error and r.duration_s is not None for r in runs)


def test_retry_succeeds_when_the_cause_is_fixed(runtime, tmp_path: Path):
    drop = tmp_path / "drop"
    runtime.run_now("watch", {"folder": str(drop)}, "cli", RetryPolicy(1, 1.0))
    wait_for(lambda: runtime.store.runs(limit=1)[0].status == "failed")
    drop.mkdir()  # the user fixes it before the retry
    runs = wait_for(lambda: (r := runtime.store.runs(limit=5)) and len(r) == 2 and r[0].status == "done" and r)
    assert "does not exist" in runs[1].error and runs[0].attempt == 2


def test_heavy_jobs_run_one_at_a_time_and_cancel(runtime, services):
    gen = {"prompt": "chiptune", "duration_s": 2, "variations": 6}
    a = runtime.run_now("generate", gen, "chat")
    b = runtime.run_now("generate", {**gen, "variations": 1}, "rest")
    c = runtime.run_now("generate", {**gen, "variations": 1}, "cli")
    runtime.queue.cancel(c)  # still queued: cancelled at once, never starts
    wait_for(lambda: runtime.store.run(a).status == "running" and runtime.store.run(a).progress > 0)
    runtime.queue.cancel(a)
    va, vb, vc = (runtime.queue.wait(i) for i in (a, b, c))
    assert va.status == "cancelled" and vb.status == "done" and vc.status == "cancelled"
    assert vc.started_at is None and vc.takes == []
    assert vb.started_at >= va.finished_at  # one heavy slot: b waited for a
    assert len(vb.takes) == 1 and services.tracks.count() < 7


def test_fire_claim_and_lease_are_exclusive(runtime, services):
    key = "7@2026-12-02T02:00:00+00:00#1"
    assert runtime.store.claim("reindex", {}, "scheduler", 7, key) is not None
    assert runtime.store.claim("reindex", {}, "scheduler", 7, key) is None  # a second process's claim
    heavy = services.heavy
    assert heavy.acquire("heavy:0", 60, owner="a", label="run r7 (pipeline)", run_id=7)
    assert not heavy.acquire("heavy:0", 60, owner="b")
    assert [(h.label, h.run_id) for h in heavy.holders()] == [("run r7 (pipeline)", 7)]
    assert heavy.acquire("heavy:0", -1, owner="a")  # renewed as already expired
    assert heavy.holders() == []  # an expired lease is free
    assert heavy.acquire("heavy:0", 60, owner="b")


def test_pipeline_keeps_the_best_and_files_it(runtime, services):
    args = {"generate": {"prompt": "chiptune boss", "duration_s": 4, "variations": 3}, "keep": 1,
            "album": "Night Shift", "extras": ["midi", "stems"]}
    run = runtime.queue.wait(runtime.run_now("pipeline", args, "cli"))
    assert run.status == "done", run.error
    everything = services.tracks.list(TrackFilter(include_trashed=True))
    assert len(everything) == 3 and sorted(run.takes) == sorted(t.id for t in everything)
    kept = [t for t in everything if not t.trashed]
    assert len(kept) == 1 and kept[0].favorite
    assert all(not t.favorite for t in everything if t.trashed)
    assert services.library.album("Night Shift").track_ids == [kept[0].id]
    assert f"kept #{kept[0].id}" in run.message and "MIDI" in run.message


def test_pipeline_upscale_extra_files_a_48k_child_of_the_keeper(runtime, services):
    args = {"generate": {"prompt": "chiptune boss", "duration_s": 2, "variations": 2, "seed": 9}, "keep": 1,
            "album": "Hi-Res", "extras": ["upscale", "stems", "midi"]}
    run = runtime.queue.wait(runtime.run_now("pipeline", args, "cli"))
    assert run.status == "done", run.error
    everything = services.tracks.list(TrackFilter(include_trashed=True))
    (kept,) = [t for t in everything if t.favorite]
    (child,) = [t for t in everything if t.operation == "upscale"]
    assert (child.parent_id, child.sample_rate, child.trashed) == (kept.id, 48000, False)
    audio, sr = sf.read(services.track_path(child), always_2d=True)
    assert sr == 48000 and abs(audio.shape[0] / sr - kept.duration_s) < 0.01
    assert {s.name for s in child.stems} == {s.name for s in kept.stems}  # re-rendered with its exact stems
    assert sorted(run.takes) == sorted(t.id for t in everything) and len(everything) == 3
    assert services.library.album("Hi-Res").track_ids == [kept.id, child.id]
    assert f"#{kept.id} upscaled to 48000 Hz as #{child.id}" in run.message
    assert f"#{kept.id} stems: " in run.message and "exact score" in run.message


def test_take_scores_rank_problems_last():
    from assistant.agents.quality import Verdict
    from assistant.jobs.scoring import score_verdict

    good = score_verdict(1, Verdict([], -14.0, 120.0, "C"), 120)
    loud = score_verdict(2, Verdict([], -11.0, 121.0, "C"), 120)
    off = score_verdict(3, Verdict(["it plays at about 100 BPM, not 120"], -14.0, 100.0, "C"), 120)
    silent = score_verdict(4, Verdict(["it is nearly silent (-70 dBFS RMS)"]), 120)
    assert good.score > loud.score > off.score > silent.score == 0.0
    assert "100 BPM" in off.reasons


def test_pipeline_refuses_bad_arguments(runtime):
    run = runtime.queue.wait(runtime.run_now("pipeline", {"generate": {"prompt": "x", "variations": 1}}, "cli"))
    assert run.status == "failed" and "at least 2 takes" in run.error


def test_chat_tools_schedule_list_cancel(services):
    from assistant.jobs.runtime import runtime_for
    from assistant.tools.jobs import cancel_job, list_jobs, schedule

    def say(tool, args):  # type: ignore[no-untyped-def]
        return tool({"route": {"tool": "x", "args": args}}, services)["messages"][0].content

    out = say(schedule, {"job": "generate", "cron": "0 2 * * *", "args": {"prompt": "chiptune", "variations": 5}})
    assert out.startswith("Scheduled: job 1") and "cancel job 1" in out
    assert "0 2 * * *" in say(list_jobs, {})
    assert "in the past" not in say(schedule, {"job": "reindex", "when": "every Sunday"})
    assert "couldn't schedule" in say(schedule, {"job": "reindex", "when": "whenever"})
    assert "Cancelled: job 1" in say(cancel_job, {"job": "1"})
    assert "no scheduled job 42" in say(cancel_job, {"job": "42"})
    assert "Cancelled 1" in say(cancel_job, {"job": "all"})
    assert runtime_for(services).schedules() == []
    runtime_for(services).shutdown()
