"""Project files as material for an expert: only files of the project, never secrets, never huge."""

from __future__ import annotations

from pathlib import Path

from lighthouse_mcp.errors import UsageError

MAX_FILES = 20
MAX_FILE_BYTES = 100_000


def read_files(root: Path, files: list[str]) -> str:
    """The named project files as review material; refuses paths outside the project, secrets and huge files."""
    from lighthouse_mcp.validation.files import readable_project_file

    if len(files) > MAX_FILES:
        raise UsageError(f"at most {MAX_FILES} files per consultation, not {len(files)}")
    parts = []
    for name in files:
        try:  # a file of the project once links are followed, not a secret, not one guarding the agent
            path = Path(readable_project_file(str(root), name).path)
        except ValueError as exc:
            raise UsageError(f"{exc}; only project files can be sent to an expert") from None
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {name!r}: {exc.strerror or exc}") from None
        if len(data) > MAX_FILE_BYTES:
            raise UsageError(f"{name!r} is {len(data)} bytes; at most {MAX_FILE_BYTES} per file")
        parts.append(f"\n--- {path.relative_to(Path(root).resolve())} ---\n{data.decode('utf-8', 'replace')}")
    return "".join(parts)
