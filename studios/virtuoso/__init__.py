"""Virtuoso studio: classical forms for piano, harpsichord, string quartet, strings or orchestra."""

from studios.virtuoso.studio import VirtuosoScore, VirtuosoStudio

__all__ = ["VirtuosoScore", "VirtuosoStudio"]
