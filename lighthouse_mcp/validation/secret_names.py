"""Names that hold secrets: an environment variable or a shell variable called `GITHUB_TOKEN`, `DB_PASSWORD` or
`AWS_SECRET_ACCESS_KEY` holds something that must not leave the machine. One pattern, for commands and for program
code alike."""

from __future__ import annotations

from lighthouse_mcp.validation.lazy import LazyPattern

# A password however abbreviated (`DB_PASS`, `GPG_PASSPHRASE`), a DSN or connection string (it carries one), and a
# database's or broker's URL (`DATABASE_URL`, `REDIS_URL`, `MONGODB_URI`: credentials in the address).
SECRET_NAME = LazyPattern(
    r"(?i)token|secret|passw|passphrase|(?<![a-z])pass(?:$|_)|pwd|api[_-]?key|private|credential|auth|aws_|_key\b|session|dsn\b"
    r"|conn(?:ection)?_?str|(?:database|db|redis|mongo(?:db)?|postgres(?:ql)?|pg|mysql|amqp|rabbitmq|kafka|broker"
    r"|elastic(?:search)?|cache)_(?:url|uri)\b"
)


def secret_name(name: str) -> bool:
    """Whether a variable called `name` holds a secret, by its name."""
    return SECRET_NAME.search(name) is not None
