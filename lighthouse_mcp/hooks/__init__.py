"""Adapters for agents' hook systems."""
