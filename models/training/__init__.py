"""MusicGen style training: preprocess audio, autolabel it, train a PEFT LoRA on the decoder, register it."""
