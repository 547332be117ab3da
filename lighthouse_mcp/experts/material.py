"""Project files as material for an expert: only files of the project, never secrets, never huge."""

from __future__ import annotations

from pathlib import Path

from lighthouse_mcp.errors import UsageError

MAX_FILES = 20
MAX_FILE_BYTES = 100_000


def read_files(root: Path, files: list[str]) -> str:
    """The named project files as review material; refuses paths outside the project, secrets and huge files."""
    from lighthouse_mcp.validation.files import Context, classify

    if len(files) > MAX_FILES:
        raise UsageError(f"at most {MAX_FILES} files per consultation, not {len(files)}")
    where = Context(str(root), str(root), str(Path.home()))
    parts = []
    for name in files:
        fact = classify(name, where)
        if "project" not in fact.classes:
            raise UsageError(f"{name!r} is outside the project; only project files can be sent to an expert")
        if "secret" in fact.classes:
            raise UsageError(f"{name!r} looks like a secret file; it is not sent to an LLM")
        path = Path(fact.path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {name!r}: {exc.strerror or exc}") from None
        if len(data) > MAX_FILE_BYTES:
            raise UsageError(f"{name!r} is {len(data)} bytes; at most {MAX_FILE_BYTES} per file")
        parts.append(f"\n--- {path.relative_to(root)} ---\n{data.decode('utf-8', 'replace')}")
    return "".join(parts)
