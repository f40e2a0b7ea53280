"""LoRA training on a tiny random MusicGen: loss falls, adapter saves/registers/reloads/generates, resume."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
torch = pytest.importorskip("torch")
pytest.importorskip("peft")
torch.set_num_threads(1)

from assistant.settings import StudioSettings  # noqa: E402
from models.musicgen import MusicRequest, build_generator  # noqa: E402
from models.musicgen.loader import load  # noqa: E402
from models.musicgen.shapes import save_random, tiny_config  # noqa: E402
from models.training import adapters  # noqa: E402
from models.training.autolabel import describe  # noqa: E402
from models.training.lora import LoraSettings, encode_examples, fixed_batch_loss, train_lora  # noqa: E402
from models.training.preprocess import ChunkSpec, PreprocessError, chunk_audio  # noqa: E402

SR = 32000
FAST = LoraSettings(rank=4, alpha=8, dropout=0.0, learning_rate=3e-2, steps=24, batch_size=3, checkpoint_every=4)


def tone(freq: float, seconds: float, sr: int = SR) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (0.4 * np.sin(2 * np.pi * freq * t) * (1 + np.sign(np.sin(2 * np.pi * 2 * t))) / 2).astype(np.float32)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return save_random(tmp_path_factory.mktemp("base") / "tiny", tiny_config())


@pytest.fixture
def settings(tmp_path):
    return StudioSettings(data_dir=tmp_path / "data", models_dir=tmp_path / "models")


@pytest.fixture
def examples_for(settings, base):
    def make(lm=None):
        lm = lm or load(str(base), settings)
        clips = [c for f in (220, 330, 440) for c in chunk_audio(tone(f, 2.0), SR, ChunkSpec(1.0, SR, 0.5))]
        return lm, encode_examples(lm, clips, ["jazz piano calm"] * len(clips))
    return make


def test_preprocess_chunks_at_model_rate_and_skips_silence():
    audio = np.concatenate([tone(440, 2.5, 44100), np.zeros(44100 * 2, np.float32), tone(220, 1.0, 44100)])
    stereo = np.stack([audio, audio], axis=1)
    chunks = list(chunk_audio(stereo, 44100, ChunkSpec(seconds=1.0, sample_rate=SR, min_seconds=0.75)))
    assert [c.start_s for c in chunks] == [0.0, 1.0, 2.0, 4.0]  # 3-4 s is silent, the 0.5 s tail too short
    assert all(c.audio.ndim == 1 and c.sample_rate == SR and c.audio.shape[0] <= SR for c in chunks)
    with pytest.raises(PreprocessError, match="chunk length"):
        list(chunk_audio(audio, 44100, ChunkSpec(seconds=120)))


def test_autolabel_describes_tempo_key_and_mood():
    sr = 22050
    beat = np.zeros(sr * 8, np.float32)
    for i in range(0, beat.size, sr // 2):  # clicks at 120 BPM on an A drone
        beat[i:i + 200] += 0.8
    beat += 0.2 * np.sin(2 * np.pi * 220 * np.arange(beat.size) / sr).astype(np.float32)
    text = describe(beat, sr, style="jazz")
    assert text.startswith("jazz, ") and "120 BPM" in text and " in A" in text


def test_lora_lowers_loss_saves_registers_reloads_and_generates(settings, base, examples_for, tmp_path):
    lm, examples = examples_for()
    before = fixed_batch_loss(lm, examples)
    result = train_lora(lm, examples, tmp_path / "run", FAST)
    assert len(result.losses) == FAST.steps
    assert fixed_batch_loss(lm, examples) == pytest.approx(before)  # the base model is left untouched
    info = adapters.register(settings, "night-jazz", result.adapter_dir,
                             {"base": str(base), "base_shape": adapters.base_shape(lm.model), "style": "jazz",
                              "studio": "bluenote", "steps": result.steps, "final_loss": result.losses[-1]})
    assert [a.name for a in adapters.for_studio(settings, "bluenote")] == ["night-jazz"] and info.path.is_dir()
    fresh = load(str(base), settings)
    adapters.apply_adapter(fresh, "night-jazz", settings)
    after = fixed_batch_loss(fresh, examples)
    assert after < before - 0.3  # nats: well beyond noise (uniform guessing is ln 64 = 4.16)
    gen = build_generator(settings, str(base), adapter="night-jazz")
    assert gen.generate(MusicRequest("jazz", duration_s=0.5, seed=1)).audio.shape == (1, SR // 2, 1)
    with pytest.raises(adapters.AdapterError, match="night-jazz"):
        adapters.get_adapter(settings, "nope")


def test_interrupted_training_resumes_to_the_same_weights(settings, examples_for, tmp_path):
    lm, examples = examples_for()
    straight = train_lora(lm, examples, tmp_path / "straight", FAST)

    def stop_at_3(step: int, total: int, loss: float) -> None:
        if step == 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train_lora(lm, examples, tmp_path / "broken", FAST, progress=stop_at_3)
    resumed = train_lora(lm, examples, tmp_path / "broken", FAST)
    assert resumed.resumed_from == 10 and len(resumed.losses) == FAST.steps
    assert resumed.losses == pytest.approx(straight.losses, rel=1e-4)
