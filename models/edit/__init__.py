"""Audio editing engines: in-paint, extend, upscale, stems. Each job has its own module and one interface;
backends are chosen by availability and track type (see models/edit/choose.py)."""
