"""Upscale: lossless re-render for studio takes, bandwidth extension beats plain resampling on LSD,
AudioSR through its CLI (a fake tool with the real command line), bad rates refused."""

from __future__ import annotations

import numpy as np
import pytest
import soxr

from assistant.edit_service import EditService
from models.edit.audio import EditError
from models.edit.base import Source
from models.edit.upscale import BandwidthUpscaler, ResampleUpscaler, cutoff_hz, lsd
from tests.test_edit_support import FAKE_AUDIOSR, fake_tool, imported_take, read_take, studio_take


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    from assistant.services import StudioServices
    from assistant.settings import StudioSettings

    services = StudioServices(StudioSettings(data_dir=tmp_path_factory.mktemp("up-data")))
    take = studio_take(services, seconds=4.0)
    audio, sr = read_take(services, take)
    return services, take, imported_take(services, soxr.resample(audio, sr, 22050), 22050)


def test_studio_take_is_re_rendered_at_the_target_rate(lib):
    services, take, _ = lib
    out = EditService(services).upscale(take.id, 48000)
    audio, sr = read_take(services, out.take)
    assert sr == 48000 and audio.shape[0] == 4 * 48000
    assert "re-render" in out.backend and out.take.operation == "upscale" and out.take.parent_id == take.id
    assert set(out.stems) == {s.name for s in take.stems}  # exact stems at the new rate too
    assert cutoff_hz(audio, sr) > 22050  # real content above the old Nyquist


@pytest.mark.parametrize("studio", ["chiptune", "virtuoso"])
def test_bandwidth_extension_beats_plain_resampling_on_lsd(studio):
    from studios.base import GenerationRequest
    from studios.manager import StudioManager

    full = StudioManager().get(studio).generate(GenerationRequest("theme", 4.0, seed=2), 48000).audio
    low = soxr.resample(full, 48000, 16000)  # a band-limited copy of full-band audio
    src = Source(low, 16000)
    plain = ResampleUpscaler().upscale(src, 48000).audio
    ours = BandwidthUpscaler().upscale(src, 48000)
    assert ours.audio.shape == plain.shape == (4 * 48000, 2)
    assert lsd(full, ours.audio, 48000) < 0.6 * lsd(full, plain, 48000)
    assert np.max(np.abs(ours.audio)) < 1.0


def test_imported_audio_uses_the_offline_default(lib):
    services, _, imported = lib
    out = EditService(services).upscale(imported.id, 44100)
    assert "bandwidth extension" in out.backend and out.take.sample_rate == 44100
    assert out.take.duration_s == pytest.approx(4.0, abs=1e-3)


def test_audiosr_runs_out_of_process_through_its_cli(lib, tmp_path, monkeypatch):
    services, _, imported = lib
    services.settings.audiosr = str(fake_tool(tmp_path / "audiosr", FAKE_AUDIOSR))
    out = EditService(services).upscale(imported.id, 48000)
    audio, sr = read_take(services, out.take)
    assert out.backend == "AudioSR (out of process)"
    assert sr == 48000 and audio.shape[0] == 4 * 48000  # its padding trimmed back to the take's length


def test_audiosr_not_installed_names_the_setting(lib, monkeypatch):
    services, _, imported = lib
    services.settings.audiosr = None
    with pytest.raises(Exception, match="STUDIO_AUDIOSR"):
        EditService(services).upscale(imported.id, 48000, backend="audiosr")


@pytest.mark.parametrize(("rate", "words"), [(12345, "not supported"), (22050, "higher rate")])
def test_bad_rates_are_refused(lib, rate, words):
    services, _, imported = lib
    with pytest.raises(EditError, match=words):
        EditService(services).upscale(imported.id, rate)
