"""DAW export: DAWproject (Bitwig, Studio One, Cubase), Reaper .RPP, and a plain stems + MIDI zip."""
