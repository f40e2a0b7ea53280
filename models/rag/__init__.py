"""Retrieval engines: text embeddings (shipped all-MiniLM-L6-v2), audio feature vectors, CLAP, Chroma index."""
