"""In-paint and extend: every backend on short audio; region bounds; lineage rows; seams checked."""

from __future__ import annotations

import os

import numpy as np
import pytest

from assistant.edit_service import EditService
from models.edit.audio import EditError, check_region
from models.edit.quality import check
from tests.test_edit_support import FAKE_VAMPNET, fake_tool, imported_take, read_take, studio_take


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    from assistant.services import StudioServices
    from assistant.settings import StudioSettings

    services = StudioServices(StudioSettings(data_dir=tmp_path_factory.mktemp("edit-data")))
    take = studio_take(services)
    audio, sr = read_take(services, take)
    imported = imported_take(services, audio, sr)
    return services, take, imported


@pytest.mark.parametrize(("a", "b", "words"), [(3.0, 2.0, "before its end"), (-1.0, 2.0, "outside the track"),
                                               (4.0, 9.0, "outside the track"), (2.0, 2.1, "too short")])
def test_bad_regions_are_refused_with_a_reason(lib, a, b, words):
    services, take, _ = lib
    before = services.tracks.count()
    with pytest.raises(EditError, match=words):
        EditService(services).inpaint(take.id, a, b)
    assert services.tracks.count() == before  # nothing saved


def test_studio_take_inpaint_recomposes_whole_bars_and_keeps_the_rest(lib):
    services, take, _ = lib
    out = EditService(services).inpaint(take.id, 2.3, 3.7, prompt="more arpeggios")
    assert "symbolic" in out.backend
    new, sr = read_take(services, out.take)
    old, _ = read_take(services, take)
    assert new.shape == old.shape and out.take.duration_s == pytest.approx(6.0)
    assert out.take.params["start_s"] == pytest.approx(2.3)
    assert out.take.params["seams_s"] == pytest.approx([2.0, 4.0])  # bar lines at 120 BPM
    np.testing.assert_allclose(new[: int(1.9 * sr)], old[: int(1.9 * sr)], atol=2e-4)  # untouched before
    assert not np.allclose(new[int(2.1 * sr): int(3.9 * sr)], old[int(2.1 * sr): int(3.9 * sr)], atol=1e-3)
    assert out.take.parent_id == take.id and out.take.operation == "inpaint"
    assert out.take.midi_path and out.take.stems  # the new score and its exact stems
    assert out.quality is not None and out.quality.seams_ok and out.quality.true_peak_dbtp <= -1.0 + 1e-6


def test_imported_audio_inpaint_uses_the_offline_fill_and_snaps_to_beats(lib):
    services, _, imported = lib
    out = EditService(services).inpaint(imported.id, 2.2, 3.6, snap=True)
    assert "concatenative" in out.backend
    assert (out.take.params["start_s"], out.take.params["end_s"]) == pytest.approx((2.0, 3.5))  # beats: 0.5 s
    new, sr = read_take(services, out.take)
    old, _ = read_take(services, imported)
    assert new.shape == old.shape
    np.testing.assert_array_equal(new[: int(1.9 * sr)], old[: int(1.9 * sr)])
    assert out.quality is not None and out.quality.seams_ok and out.quality.loudness_ok
    assert services.tracks.get(imported.id).operation == "import"  # the parent is untouched


def test_offline_fill_refuses_a_region_too_long_to_copy(lib):
    services, _, imported = lib
    with pytest.raises(EditError, match="too long for the offline fill"):
        EditService(services).inpaint(imported.id, 0.5, 5.5)


def test_extend_studio_take_composes_new_bars(lib):
    services, take, _ = lib
    out = EditService(services).extend(take.id, 4.0)
    assert "symbolic" in out.backend
    assert out.take.duration_s == pytest.approx(10.0, abs=1e-3)
    assert out.quality is not None and out.quality.seams_ok


def test_extend_imported_audio_loops_its_own_material(lib):
    services, _, imported = lib
    out = EditService(services).extend(imported.id, 5.0)
    assert "loop-aware" in out.backend and out.take.duration_s == pytest.approx(11.0, abs=1e-3)
    new, sr = read_take(services, out.take)
    old, _ = read_take(services, imported)
    np.testing.assert_array_equal(new[: int(4.9 * sr)], old[: int(4.9 * sr)])
    assert out.quality is not None and len(out.quality.seams) >= 1


@pytest.mark.parametrize("which", ["studio", "imported"])
def test_seamless_loop_end_flows_into_start(lib, which):
    services, take, imported = lib
    track = take if which == "studio" else imported
    out = EditService(services).extend(track.id, 2.0, loop=True)
    audio, sr = read_take(services, out.take)
    assert out.take.duration_s == pytest.approx(8.0, abs=1e-3)  # whole 2 s bars
    wrap = check(np.concatenate([audio, audio]), sr, [out.take.duration_s])
    assert wrap.seams[0].flux <= max(wrap.seams[0].p95, out.quality.seams[0].flux * 1.01)  # type: ignore[union-attr]
    assert out.quality is not None and out.quality.seams_ok


def test_extend_rejects_silly_lengths(lib):
    services, take, _ = lib
    with pytest.raises(EditError, match="extend by"):
        EditService(services).extend(take.id, 0.0)


def test_vampnet_out_of_process_replaces_only_the_region(lib, tmp_path, monkeypatch):
    services, _, imported = lib
    tool = fake_tool(tmp_path / "vampnet", FAKE_VAMPNET)
    services.settings.vampnet = str(tool)
    out = EditService(services).inpaint(imported.id, 2.0, 3.0)
    assert out.backend == "VampNet (out of process)"
    new, sr = read_take(services, out.take)
    old, _ = read_take(services, imported)
    np.testing.assert_array_equal(new[: int(1.9 * sr)], old[: int(1.9 * sr)])
    mid = slice(int(2.1 * sr), int(2.9 * sr))
    assert np.allclose(new[mid], 0.9 * old[int(2.0 * sr): int(3.0 * sr)][::-1][int(0.1 * sr): int(0.9 * sr)], atol=2e-4)


def test_vampnet_failure_and_missing_tool_are_named(lib, tmp_path, monkeypatch):
    services, _, imported = lib
    services.settings.vampnet = str(tmp_path / "nope")
    with pytest.raises(Exception, match="STUDIO_VAMPNET"):
        EditService(services).inpaint(imported.id, 2.0, 3.0, backend="vampnet")
    broken = fake_tool(tmp_path / "broken", "import sys\nsys.exit('out of memory')\n")
    services.settings.vampnet = str(broken)
    with pytest.raises(Exception, match="out of memory"):
        EditService(services).inpaint(imported.id, 2.0, 3.0)


def test_region_helper_allows_the_full_take():
    r = check_region(0.0, 6.0, 6.0)
    assert r.length_s == 6.0


@pytest.mark.skipif(os.environ.get("STUDIO_SKIP_TORCH") == "1", reason="torch tests disabled")
def test_musicgen_inpaint_and_extend_with_a_tiny_random_model(lib, tmp_path):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    os.environ["HF_HUB_OFFLINE"] = "1"
    from assistant.services import StudioServices
    from assistant.settings import StudioSettings
    from models.musicgen.shapes import save_random, tiny_config

    services, _, imported = lib
    ckpt = save_random(tmp_path / "mg", tiny_config())
    mg = StudioServices(StudioSettings(data_dir=services.settings.data_dir, musicgen=str(ckpt)))
    out = EditService(mg).inpaint(imported.id, 2.0, 3.0)
    assert out.backend.startswith("MusicGen") and out.take.duration_s == pytest.approx(6.0)
    new, sr = read_take(mg, out.take)
    old, _ = read_take(mg, imported)
    np.testing.assert_array_equal(new[: int(1.7 * sr)], old[: int(1.7 * sr)])
    longer = EditService(mg).extend(imported.id, 2.0)
    assert longer.take.duration_s == pytest.approx(8.0, abs=1e-3) and longer.take.parent_id == imported.id
