"""MusicGen backend on tiny random models of the real architectures, saved and reloaded offline."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
torch = pytest.importorskip("torch")
torch.set_num_threads(1)

from assistant.settings import StudioSettings  # noqa: E402
from models.musicgen import BadRequest, MusicRequest, WeightsMissing, build_generator  # noqa: E402
from models.musicgen.chroma import chroma_features, dominant_pitch_classes  # noqa: E402
from models.musicgen.condition import build  # noqa: E402
from models.musicgen.fast import FastDecoder, Sampling  # noqa: E402
from models.musicgen.longform import equal_power_join  # noqa: E402
from models.musicgen.shapes import save_random, tiny_config  # noqa: E402

SR = 32000


@pytest.fixture(scope="module")
def ckpts(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("musicgen")
    return {name: save_random(root / name, tiny_config(melody=name == "melody", stereo=name == "stereo"))
            for name in ("text", "melody", "stereo")}


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> StudioSettings:
    root = tmp_path_factory.mktemp("data")
    return StudioSettings(data_dir=root, models_dir=root / "models")  # never the shared test models dir


@pytest.fixture(scope="module")
def text_gen(ckpts, settings):
    return build_generator(settings, str(ckpts["text"]))


@pytest.fixture(scope="module")
def melody_gen(ckpts, settings):
    return build_generator(settings, str(ckpts["melody"]))


def sine(freq: float, seconds: float, sr: int = SR) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.mark.parametrize("kind", ["text", "melody"])
def test_fast_decoder_matches_stock_generate_token_for_token(kind, text_gen, melody_gen):
    gen = text_gen if kind == "text" else melody_gen
    lm, texts = gen.lm, ["jazz piano bass", "calm"]
    chroma = chroma_features(sine(440, 3), SR) if kind == "melody" else None
    extra = {"input_features": chroma[None].expand(2, -1, -1)} if chroma is not None else {}
    tok = lm.tokenizer(texts, return_tensors="pt", padding=True)
    stock = lm.model.generate(**tok, **extra, max_new_tokens=40 + 3, do_sample=False, guidance_scale=3.0)
    codes = FastDecoder(lm).generate_codes(build(lm, texts, 3.0, chroma=chroma), 40, Sampling(greedy=True))
    from models.musicgen.codec import decode

    assert np.array_equal(decode(lm, codes), stock.transpose(1, 2).numpy())


def test_text_to_music_has_requested_duration_and_distinct_variations(text_gen):
    seen = []
    res = text_gen.generate(MusicRequest("lofi piano", duration_s=1.2, variations=2, seed=1),
                            progress=lambda msg, frac: seen.append(frac))
    assert res.audio.shape == (2, int(1.2 * SR), 1) and res.sample_rate == SR
    assert not np.allclose(res.audio[0], res.audio[1])
    assert seen[-1] == 1.0 and seen == sorted(seen)


def test_same_seed_same_music(text_gen):
    a = text_gen.generate(MusicRequest("jazz", duration_s=0.6, seed=7)).audio
    b = text_gen.generate(MusicRequest("jazz", duration_s=0.6, seed=7)).audio
    assert np.array_equal(a, b)


def test_chroma_reads_the_melody_pitch_class():
    feats = chroma_features(sine(440.0, 2.0), SR)  # A4
    assert feats.shape[1] == 12 and set(dominant_pitch_classes(feats)) == {9}
    assert float(chroma_features(sine(440.0, 2.0), SR, strength=0.25).max()) == pytest.approx(0.25)


def test_melody_conditioned_output_has_requested_duration(melody_gen):
    res = melody_gen.generate(MusicRequest("jazz", duration_s=1.5, melody=sine(262, 3.0, 44100), melody_sr=44100))
    assert res.audio.shape == (1, int(1.5 * SR), 1)


def test_continuation_keeps_total_duration(text_gen):
    prompt = text_gen.generate(MusicRequest("funk", duration_s=0.6, seed=3)).audio[0]
    res = text_gen.generate(MusicRequest("funk", duration_s=1.4, continuation=prompt, seed=4))
    assert res.audio.shape == (1, int(1.4 * SR), 1)


def test_long_form_windows_have_exact_length_and_smooth_seams(text_gen):
    req = MusicRequest("ambient", duration_s=3.0, window_s=1.2, overlap_s=0.4, crossfade_s=0.2, seed=5)
    res = text_gen.generate(req)
    assert res.audio.shape == (1, 3 * SR, 1) and len(res.seams_s) >= 2
    x = res.audio[0, :, 0]
    jumps = np.abs(np.diff(x))
    typical = np.percentile(jumps, 99.9)
    for seam in res.seams_s:
        i = int(seam * SR)
        assert jumps[i - 400: i + 400].max() <= 1.5 * typical + 1e-6  # no click where windows join


def test_bar_aligned_windows_put_seams_on_bar_lines(text_gen):
    req = MusicRequest("rock", duration_s=5.0, window_s=2.5, overlap_s=0.5, crossfade_s=0.1, bpm=120,
                       bar_align=True)
    seams = text_gen.plan(req.validated())
    assert [w.start for w in seams[1:]] and all(w.start % 100 == 0 for w in seams[1:])  # 2 s bars = 100 frames
    assert seams[-1].end == 250


def test_equal_power_join_keeps_noise_loudness_and_sines_continuous():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((1, 48000, 1)), rng.standard_normal((1, 48000, 1))
    joined = equal_power_join(a, b, 16000)
    assert joined.shape[1] == 80000
    mid = joined[0, 32000:48000, 0]
    assert np.sqrt(np.mean(mid**2)) == pytest.approx(1.0, abs=0.05)
    s = sine(440, 2.0)[None, :, None]
    smooth = equal_power_join(s[:, :40000], s[:, 24000:], 16000)
    # correlated material swells (up to +3 dB) but never jumps
    assert np.abs(np.diff(smooth[0, :, 0])).max() < 1.5 * np.abs(np.diff(s[0, :, 0])).max()


def test_stream_yields_chunks_that_add_up(text_gen):
    chunks = list(text_gen.stream(MusicRequest("calm", duration_s=1.0, seed=2), chunk_s=0.2))
    assert len(chunks) >= 4 and sum(c.shape[0] for c in chunks) == SR


def test_stereo_checkpoint_gives_two_channels(ckpts, settings):
    gen = build_generator(settings, str(ckpts["stereo"]))
    res = gen.generate(MusicRequest("synth", duration_s=0.5, continuation=np.zeros((3200, 2), np.float32) + 0.1))
    assert gen.channels == 2 and res.audio.shape == (1, SR // 2, 2)


def test_missing_weights_name_the_fix(tmp_path):
    s = StudioSettings(data_dir=tmp_path, models_dir=tmp_path / "models")
    with pytest.raises(WeightsMissing, match="STUDIO_MUSICGEN"):
        build_generator(s, "facebook/musicgen-small")
    with pytest.raises(WeightsMissing, match="STUDIO_MUSICGEN"):
        build_generator(s)


def test_bad_requests_are_refused_before_work(text_gen):
    with pytest.raises(BadRequest, match="MusicGen-Melody"):
        text_gen.generate(MusicRequest("x", duration_s=1, melody=sine(440, 1)))
    with pytest.raises(BadRequest, match="duration"):
        text_gen.generate(MusicRequest("x", duration_s=10_000))
    with pytest.raises(BadRequest, match="shorter"):
        text_gen.generate(MusicRequest("x", duration_s=1, continuation=sine(440, 2)))


def test_sliders_map_onto_musicgen_settings():
    from models.musicgen.sliders import map_sliders
    from studios.remix import Remix

    neutral = map_sliders()
    assert neutral.temperature == pytest.approx(1.0) and neutral.guidance == pytest.approx(3.0)
    calm, wild = map_sliders(weirdness=0.0), map_sliders(weirdness=1.0)
    assert calm.temperature < neutral.temperature < wild.temperature
    assert map_sliders(genre_shift=0.0).guidance < map_sliders(genre_shift=1.0).guidance
    assert map_sliders(genre_shift=0.0).prompt_weight < map_sliders(genre_shift=1.0).prompt_weight
    assert map_sliders(melody_loyalty=0.8).melody_strength == pytest.approx(0.8)
    loose, tight = map_sliders(structure_consistency=0.0), map_sliders(structure_consistency=1.0)
    assert (loose.beat_snap, loose.bar_align, tight.beat_snap, tight.bar_align) == (False, False, True, True)
    from models.musicgen.sliders import from_remix

    assert from_remix(Remix(weirdness=1.0)).temperature == wild.temperature
    with pytest.raises(BadRequest, match="weirdness"):
        map_sliders(weirdness=1.5)


def test_neural_rerender_keeps_the_renders_duration_and_refuses_text_models(melody_gen, text_gen):
    from models.musicgen.rerender import neural_rerender
    from studios.remix import Remix

    render = np.stack([sine(330, 2.0, 44100)] * 2, axis=1)  # a studio mix: 44.1 kHz stereo
    res = neural_rerender(melody_gen, render, 44100, "jazz piano", bpm=120,
                          remix=Remix(melody_loyalty=1.0, structure_consistency=1.0), seed=3)
    assert res.audio.shape == (1, 2 * SR, 1)
    with pytest.raises(BadRequest, match="MusicGen-Melody"):
        neural_rerender(text_gen, render, 44100, "jazz")


def test_long_form_streams_window_by_window_and_matches_generate(text_gen):
    req = MusicRequest("ambient", duration_s=2.4, window_s=1.0, overlap_s=0.3, crossfade_s=0.2, seed=9)
    chunks = list(text_gen.stream(req))
    full = text_gen.generate(req).audio[0]
    assert len(chunks) >= 3 and np.allclose(np.concatenate(chunks), full, atol=1e-6)


def test_beat_snapped_seams_fall_on_beats_at_awkward_tempos():
    from models.musicgen.longform import plan

    beat = 60 / 97 * 50  # 97 BPM: 30.93 frames per beat
    windows = plan(total=1200, window=400, overlap=100, grid=beat)
    assert windows[-1].end == 1200 and all(b.start == a.end for a, b in zip(windows, windows[1:], strict=False))
    for w in windows[1:]:
        assert abs(w.start / beat - round(w.start / beat)) * beat <= 0.5  # within half a frame (10 ms)
        assert w.end - w.start <= 300
