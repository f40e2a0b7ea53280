"""Cypher: the hip hop studio (boom bap, trap, lofi)."""

from studios.cypher.studio import CypherStudio

__all__ = ["CypherStudio"]
