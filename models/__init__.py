"""Every ML/DSP engine sits behind an interface here; `models.registry` reports what each will use."""
