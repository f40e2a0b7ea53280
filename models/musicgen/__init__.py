"""Neural music generation with MusicGen / MusicGen-Melody on transformers (the user's local weights)."""

from models.musicgen.base import MusicGenerator, MusicRequest, MusicResult, build_generator
from models.musicgen.errors import BackendUnavailable, BadRequest, MusicGenError, NoNetwork, WeightsMissing

__all__ = ["MusicGenerator", "MusicRequest", "MusicResult", "build_generator", "MusicGenError", "WeightsMissing",
           "BackendUnavailable", "BadRequest", "NoNetwork"]
