"""Genre studios and the shared music core (score, theory, mastering, MIDI)."""
