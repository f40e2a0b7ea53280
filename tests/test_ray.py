"""The Ray executor: takes rendered as Ray tasks on a small local cluster, filed by the driver."""

from __future__ import annotations

import pytest

from assistant.jobs.runtime import JobRuntime

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def local_ray():
    # One small cluster for the module: Ray's start-up is the slow part.
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.fixture
def runtime(services):
    rt = JobRuntime(services)
    yield rt
    rt.shutdown()


def test_ray_batch_files_every_take(local_ray, runtime, services):
    args = {"prompt": "chiptune boss battle", "duration_s": 3, "variations": 3, "seed": 40, "bpm": 150}
    run = runtime.queue.wait(runtime.run_now("ray_generate", args, "cli"), timeout=300)
    assert run.status == "done", run.error
    tracks = services.tracks.list()
    assert sorted(run.takes) == sorted(t.id for t in tracks) and len(tracks) == 3
    assert sorted(t.seed for t in tracks) == [40, 41, 42]
    for t in tracks:
        assert t.studio == "chiptune" and abs(t.bpm - 150) < 1 and 2.5 < t.duration_s < 4.5
        assert services.track_path(t).stat().st_size > 10_000 and t.midi_path


def test_ray_batch_refuses_what_needs_the_library_before_any_task(runtime):
    run = runtime.queue.wait(runtime.run_now("ray_generate", {"prompt": "x", "reference": 3}, "cli"))
    assert run.status == "failed" and "run locally" in run.error
    run = runtime.queue.wait(runtime.run_now("ray_generate", {"prompt": "x", "duration_s": 9999}, "cli"))
    assert run.status == "failed" and "out of range" in run.error
