"""Ironclad: the metal studio (thrash, doom, djent, power/heavy, black metal)."""

from studios.ironclad.studio import IroncladStudio

__all__ = ["IroncladStudio"]
