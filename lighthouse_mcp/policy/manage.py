"""Changing a project's policies: put and delete `.lighthouse/policies/` files, each change checked first (the
whole set must still compile) and recorded as an event, so every process reloads it and the policy set at any past
point can be rebuilt (the content is kept in the blob table)."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path

from lighthouse_mcp.errors import ConfigError, DataError, UsageError
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.policy.engine import PolicyError
from lighthouse_mcp.policy.policyset import build_policy_set, policy_files

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}\.(?:rego|yaml)$")
MAX_POLICY_BYTES = 256 * 1024


def check_name(name: object) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise UsageError(
            f"a policy name is lower-case letters, digits, - and _ ending in .rego or .yaml (e.g. team.rego), "
            f"not {name!r}"
        )
    return name


def existing_policy(directory: Path, name: object) -> Path:
    """The project's policy file `name`; a bad or unknown name is a UsageError."""
    path = directory / check_name(name)
    if not path.is_file():
        raise UsageError(f"no project policy {name}; list_policies shows them")
    return path


def project_policies(directory: Path) -> list[Path]:
    """The project's own policy files (not the shipped ones)."""
    return [p for p in policy_files(directory) if p.parent == directory]


def check_set(directory: Path, *, put: tuple[str, str] | None = None, delete: str | None = None) -> None:
    """Compile the policy set as it would be after the change; a broken one raises DataError with the parser's
    message (nothing is written)."""
    files: list[tuple[str, str]] = []
    for path in policy_files(directory):
        if path.parent == directory and path.name in ((put[0] if put else None), delete):
            continue
        files.append((str(path), path.read_text(encoding="utf-8")))
    if put is not None:
        files.append((str(directory / put[0]), put[1]))
    try:
        build_policy_set(_ordered(files), cache_dir=None, check_isolated=True)
    except (PolicyError, ConfigError) as exc:
        raise DataError(f"the policy does not compile, nothing was changed: {exc}") from exc


def _ordered(files: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Packs before modules, as `policy_files` orders them."""
    return sorted(files, key=lambda f: (not f[0].endswith((".yaml", ".yml")), f[0]))


def write_policy(directory: Path, name: str, content: str) -> str:
    """Write the file atomically; its SHA-256."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    tmp = directory / f".{name}.{os.getpid()}.tmp"
    tmp.write_text(content, encoding="utf-8")
    tmp.replace(target)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def check_content(content: object) -> str:
    if not isinstance(content, str) or not content.strip():
        raise DataError("content must be the policy's text (Rego or a YAML rule pack)")
    size = len(content.encode("utf-8", "surrogatepass"))
    if size > MAX_POLICY_BYTES:
        raise DataError(f"the policy is {size} bytes, over the limit of {MAX_POLICY_BYTES}")
    return content


def put_event(name: str, sha256: str, size: int, blob: str, *, agent: str, session: str | None) -> NewEvent:
    payload = {"name": name, "sha256": sha256, "bytes": size, "blob": blob}
    return NewEvent("policy.put", payload, agent=agent, session=session, aggregate=name)


def deleted_event(name: str, *, agent: str, session: str | None) -> NewEvent:
    return NewEvent("policy.deleted", {"name": name}, agent=agent, session=session, aggregate=name)
