"""Names that hold secrets: an environment variable or a shell variable called `GITHUB_TOKEN`, `DB_PASSWORD` or
`AWS_SECRET_ACCESS_KEY` holds something that must not leave the machine. One pattern, for commands and for program
code alike."""

from __future__ import annotations

from lighthouse_mcp.validation.lazy import LazyPattern

SECRET_NAME = LazyPattern(r"(?i)token|secret|passw|pwd|api[_-]?key|private|credential|auth|aws_|_key\b|session")


def secret_name(name: str) -> bool:
    """Whether a variable called `name` holds a secret, by its name."""
    return SECRET_NAME.search(name) is not None
