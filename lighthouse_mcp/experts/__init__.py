"""Experts: LLM profiles consulted through the official SDKs, agents registered as experts, consensus."""
