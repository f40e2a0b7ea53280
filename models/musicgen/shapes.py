"""Random-weight MusicGen models of the real architecture, built from a config (no download).

`tiny`: proves every code path in tests in well under a second per generate.
`small`: facebook/musicgen-small's exact dimensions (decoder 24 x 1024, 16 heads, 4 x 2048 codebooks,
T5-base text encoder, 32 kHz EnCodec): identical compute per step, used by bench/musicgen_speed.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.musicgen.loader import import_torch

PAD = "<pad>"
WORDS = tuple("jazz lofi piano drums bass calm epic dark bright fast slow guitar synth orchestral chiptune "
              "rock ambient happy sad funk beat".split())


def _decoder(vocab: int, codebooks: int, hidden: int, layers: int, heads: int, ffn: int, positions: int,
             channels: int) -> dict[str, Any]:
    return dict(vocab_size=vocab, num_codebooks=codebooks, hidden_size=hidden, num_hidden_layers=layers,
                num_attention_heads=heads, ffn_dim=ffn, max_position_embeddings=positions, audio_channels=channels,
                pad_token_id=vocab, bos_token_id=vocab, decoder_start_token_id=vocab)


def tiny_config(melody: bool = False, stereo: bool = False) -> Any:
    import_torch()
    from transformers import EncodecConfig, MusicgenConfig, MusicgenMelodyConfig, T5Config

    t5 = T5Config(vocab_size=len(WORDS) + 3, d_model=32, d_ff=64, d_kv=16, num_layers=2, num_heads=2)
    enc = EncodecConfig(sampling_rate=32000, upsampling_ratios=[8, 5, 4, 4], codebook_size=64,
                        target_bandwidths=[1.2], hidden_size=32, num_filters=8, num_residual_layers=1,
                        codebook_dim=32, audio_channels=1, use_causal_conv=False, normalize=False)
    codebooks = 8 if stereo else 4
    dec = _decoder(64, codebooks, 32, 2, 2, 64, 1024, 2 if stereo else 1)
    if melody:
        return MusicgenMelodyConfig(text_encoder=t5, audio_encoder=enc, decoder=dec, num_chroma=12,
                                    chroma_length=40)
    return MusicgenConfig(text_encoder=t5, audio_encoder=enc, decoder=dec)


def small_config() -> Any:
    """facebook/musicgen-small's published config (decoder + T5-base + EnCodec 32 kHz)."""
    import_torch()
    from transformers import EncodecConfig, MusicgenConfig, T5Config

    t5 = T5Config(vocab_size=32128, d_model=768, d_ff=3072, d_kv=64, num_layers=12, num_heads=12)
    enc = EncodecConfig(sampling_rate=32000, upsampling_ratios=[8, 5, 4, 4], codebook_size=2048,
                        target_bandwidths=[2.2], hidden_size=128, num_filters=64, codebook_dim=128,
                        use_causal_conv=False, normalize=False)
    dec = _decoder(2048, 4, 1024, 24, 16, 4096, 2048, 1)
    return MusicgenConfig(text_encoder=t5, audio_encoder=enc, decoder=dec)


def word_tokenizer(vocab_words: tuple[str, ...] = WORDS) -> Any:
    """A whitespace word-level tokenizer (pad 0, eos 1, unk 2) saved like any HF tokenizer."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {PAD: 0, "</s>": 1, "<unk>": 2, **{w: i + 3 for i, w in enumerate(vocab_words)}}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", 1)])
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token=PAD, eos_token="</s>", unk_token="<unk>")


def build_random(config: Any, seed: int = 0) -> Any:
    torch = import_torch()
    from transformers import MusicgenForConditionalGeneration, MusicgenMelodyForConditionalGeneration

    torch.manual_seed(seed)
    melody = config.model_type == "musicgen_melody"
    cls = MusicgenMelodyForConditionalGeneration if melody else MusicgenForConditionalGeneration
    model = cls(config).eval()
    # EnCodec's codebooks start as zeros (they are learned by k-means): random ones make codes audible.
    for layer in model.audio_encoder.quantizer.layers:
        book = layer.codebook
        book.embed.copy_(torch.randn_like(book.embed))
        book.embed_avg.copy_(book.embed)
        book.cluster_size.fill_(1.0)
    gc = model.generation_config
    gc.decoder_start_token_id = gc.pad_token_id = gc.bos_token_id = config.decoder.pad_token_id
    gc.do_sample, gc.guidance_scale, gc.top_k, gc.max_length = True, 3.0, 250, 1500
    return model


def save_random(folder: Path, config: Any, seed: int = 0) -> Path:
    """Build, then save model + tokenizer as a checkpoint folder that `loader.load` accepts."""
    folder.mkdir(parents=True, exist_ok=True)
    build_random(config, seed).save_pretrained(folder)
    word_tokenizer().save_pretrained(folder)
    return folder
