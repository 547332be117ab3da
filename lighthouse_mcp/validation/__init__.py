"""Deciding whether an action is safe: shell facts, rule packs, the decision pipeline."""
