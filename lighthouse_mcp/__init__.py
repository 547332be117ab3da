"""Lighthouse: a safety and coordination layer for LLM coding agents."""

__version__ = "0.1.0"
