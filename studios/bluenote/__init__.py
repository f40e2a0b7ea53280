"""Blue Note: the jazz studio (swing, bebop, ballad, bossa nova, blues, modal) as an ensemble of agents."""

from studios.bluenote.studio import BlueNoteStudio

__all__ = ["BlueNoteStudio"]
