"""Agents beside the orchestrator graph, each a small module with its own prompt or rules."""
