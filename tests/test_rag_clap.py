"""CLAP backend code path: a tiny random ClapModel of the real architecture, saved to a folder and reloaded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.services import StudioServices
from assistant.settings import StudioSettings
from library.search import SimilarQuery
from models.rag.clap import ClapBackend, ClapMissing
from tests.library_fixtures import SR, add_with_audio, freq, groove

PROJECTION = 16


def _tiny_clap(folder: Path):  # type: ignore[no-untyped-def]
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import ClapConfig, ClapFeatureExtractor, ClapModel, ClapProcessor, RobertaTokenizerFast

    torch.manual_seed(0)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(["metal guitar riff", "jazz piano ballad", "chiptune boss battle"] * 10, vocab_size=300,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    tok = RobertaTokenizerFast(tokenizer_object=bpe._tokenizer, bos_token="<s>", eos_token="</s>",
                               pad_token="<pad>", unk_token="<unk>", mask_token="<mask>")
    cfg = ClapConfig(
        text_config=dict(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=37, max_position_embeddings=80),
        audio_config=dict(hidden_size=32, depths=[1, 1], num_attention_heads=[2, 2], patch_embeds_hidden_size=16,
                          window_size=8, spec_size=256, num_mel_bins=64),
        projection_dim=PROJECTION)
    model = ClapModel(cfg).eval()
    model.save_pretrained(folder)
    ClapProcessor(feature_extractor=ClapFeatureExtractor(), tokenizer=tok).save_pretrained(folder)
    return model, tok


@pytest.fixture(scope="module")
def clap_dir(tmp_path_factory) -> tuple[Path, object, object]:
    folder = tmp_path_factory.mktemp("clap")
    model, tok = _tiny_clap(folder)
    return folder, model, tok


def test_reloaded_weights_embed_exactly_like_the_saved_model(clap_dir):
    import torch

    folder, model, tok = clap_dir
    backend = ClapBackend(folder)
    got = backend.embed_text(["metal guitar riff"])
    with torch.no_grad():
        ids = tok(["metal guitar riff"], return_tensors="pt")
        out = model.get_text_features(input_ids=ids["input_ids"], attention_mask=ids["attention_mask"])
    ref = (out if hasattr(out, "numpy") else out.pooler_output).numpy()[0]
    assert got.shape == (1, PROJECTION) and np.allclose(got[0], ref / np.linalg.norm(ref), atol=1e-5)
    audio = backend.embed_audio(groove(120, (freq("A", 3),), seconds=2.0), SR)
    assert audio.shape == (PROJECTION,) and abs(float(np.linalg.norm(audio)) - 1) < 1e-4


def test_search_uses_clap_vectors_when_configured(clap_dir, tmp_path):
    folder, _, _ = clap_dir
    services = StudioServices(StudioSettings(data_dir=tmp_path / "data", clap_model=folder))
    a = add_with_audio(services, groove(150, (freq("A", 4),), seconds=2.0, timbre="square"), title="Chip")
    b = add_with_audio(services, groove(90, (freq("E", 2),), seconds=2.0, timbre="saw"), title="Metal")
    services.search.rebuild()
    ix = services.search.indexer()
    assert ix.clap is not None and ix.index.count("clap") == 2
    assert ix.index.vector("clap", a.id).shape == (PROJECTION,)
    by_track = services.search.similar(SimilarQuery(track_id=a.id, k=1))
    assert [m.track.id for m in by_track] == [b.id] and by_track[0].audio_score is not None
    by_words = services.search.similar(SimilarQuery(query="metal guitar", k=2))
    assert {m.track.id for m in by_words} == {a.id, b.id} and all(m.audio_score is not None for m in by_words)


def test_missing_clap_weights_name_the_fix(tmp_path):
    with pytest.raises(ClapMissing, match="no CLAP model at .*nope: set STUDIO_CLAP_MODEL"):
        ClapBackend(tmp_path / "nope")
    services = StudioServices(StudioSettings(data_dir=tmp_path / "d", clap_model=tmp_path / "nope"))
    add_with_audio(services, title="x")
    with pytest.raises(ClapMissing, match="STUDIO_CLAP_MODEL"):
        services.search.similar(SimilarQuery(query="anything"))
