"""The policy set in force: shipped and project rule packs plus Rego modules, with one version for both.

Project files live in `.lighthouse/policies/` (`*.yaml` packs, `*.rego` modules, `*_test.rego` tests) and load
after the shipped ones. Long-running processes reload when a file changes. When the project's files are broken,
the last set that loaded is kept (and saved on disk for short-lived processes such as the hook), the failure is
reported, and nothing fails open: with no good set at all, callers get `PolicyUnavailable`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lighthouse_mcp.errors import ConfigError, LighthouseError
from lighthouse_mcp.policy.engine import Module, PolicyError, RegoEngine, bundle_is_cached, bundle_path
from lighthouse_mcp.policy.rego_tests import is_test_module
from lighthouse_mcp.validation.packs import PackSet, packs_from_texts

SHIPPED = Path(__file__).parent.parent / "policies"
RELOAD_CHECK_S = 1.0


class PolicyUnavailable(LighthouseError):
    """No policy set could be loaded (and none loaded before)."""


@dataclass
class PolicySet:
    packs: PackSet
    rego: RegoEngine
    version: str
    files: list[tuple[str, str]]  # (path, text) of every file it was built from
    tests: list[Module]


def policy_files(project_dir: Path | None) -> list[Path]:
    """Every policy file in load order: shipped packs, shipped modules, then the project's."""
    files = sorted((SHIPPED / "packs").glob("*.yaml")) + sorted(SHIPPED.glob("*.rego"))
    if project_dir is not None and project_dir.is_dir():
        files += sorted(project_dir.glob("*.yaml")) + sorted(project_dir.glob("*.yml"))
        files += sorted(project_dir.glob("*.rego"))
    return files


def build_policy_set(files: Sequence[tuple[str, str]], *, cache_dir: Path | None, check_isolated: bool) -> PolicySet:
    """Compile packs and modules from (path, text) pairs. `check_isolated` first compiles the Rego modules in a
    child process, so that a module which crashes the native engine is an error here, not a crash."""
    packs = packs_from_texts([(Path(p), t) for p, t in files if p.endswith((".yaml", ".yml"))], cache_dir=cache_dir)
    modules = [Module(Path(p).name, t, p) for p, t in files if p.endswith(".rego")]
    tests = [m for m in modules if is_test_module(m)]
    policies = _unique([m for m in modules if not is_test_module(m)])
    digest = hashlib.sha256(packs.version.encode())
    for module in policies:
        digest.update(module.name.encode() + b"\0" + module.source.encode())
    version = digest.hexdigest()[:12]
    if check_isolated and not _bundle_cached(cache_dir, policies):
        problem = _compile_in_child(policies)
        if problem:
            raise PolicyError(problem)
    rego = RegoEngine(policies, cache_dir=cache_dir)
    return PolicySet(packs, rego, version, list(files), tests)


def _unique(modules: list[Module]) -> list[Module]:
    seen: dict[str, Module] = {}
    out = []
    for module in modules:
        name = module.name
        if name in seen:
            name = f"{Path(module.path).parent.name}-{name}"
        seen[name] = module
        out.append(Module(name, module.source, module.path))
    return out


def _bundle_cached(cache_dir: Path | None, modules: list[Module]) -> bool:
    return cache_dir is not None and bundle_is_cached(bundle_path(cache_dir, RegoEngine.version_of(modules, None)))


def _compile_in_child(modules: list[Module]) -> str | None:
    import subprocess

    payload = json.dumps([[m.name, m.source, m.path] for m in modules])
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "lighthouse_mcp.policy.check"],
            input=payload,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"could not check the Rego modules in a separate process: {exc}"
    if proc.returncode == 0:
        return None
    message = proc.stdout.strip() or proc.stderr.strip().splitlines()[-1:] or ["unknown error"]
    text = message if isinstance(message, str) else message[0]
    if proc.returncode < 0 or proc.returncode > 1:
        return f"the Rego modules crash the policy engine (rego-cpp, exit {proc.returncode}): {text[:300]}"
    return text


class PolicyProvider:
    """The current policy set for a process; reloads on change and falls back to the last good set."""

    def __init__(
        self,
        project_dir: Path | None,
        cache_dir: Path | None,
        *,
        on_failure: Callable[[str, str | None], None] | None = None,
    ) -> None:
        self._project_dir = project_dir
        self._cache_dir = cache_dir
        self._on_failure = on_failure
        self._current: PolicySet | None = None
        self._signature: tuple[tuple[str, int, int], ...] | None = None
        self._checked = 0.0
        self.last_error: str | None = None

    def current(self) -> PolicySet:
        now = time.monotonic()
        if self._current is not None and now - self._checked < RELOAD_CHECK_S:
            return self._current
        self._checked = now
        paths = policy_files(self._project_dir)
        signature = tuple(_stat(p) for p in paths)
        if self._current is not None and signature == self._signature:
            return self._current
        self._signature = signature
        try:
            files = [(str(p), p.read_text(encoding="utf-8")) for p in paths]
            project_files = any(not p.is_relative_to(SHIPPED) for p in paths)
            loaded = build_policy_set(files, cache_dir=self._cache_dir, check_isolated=project_files)
        except (ConfigError, PolicyError, OSError, UnicodeDecodeError) as exc:
            return self._fallback(str(exc))
        self._current = loaded
        self.last_error = None
        self._save_last_good(loaded)
        return loaded

    def _fallback(self, error: str) -> PolicySet:
        self.last_error = error
        fallback = self._current or self._load_last_good()
        _log().error("policy files do not load: %s", error)
        if self._on_failure is not None:
            self._on_failure(error, fallback.version if fallback else None)
        if fallback is None:
            raise PolicyUnavailable(f"no usable policy set: {error}")
        self._current = fallback
        return fallback

    def _save_last_good(self, policy: PolicySet) -> None:
        if self._cache_dir is None:
            return
        target = self._cache_dir / "last-good.json"
        marker = self._cache_dir / "last-good.version"  # read on every start; the JSON only when it differs
        try:
            if target.exists() and marker.exists() and marker.read_text() == policy.version:
                return
            self._cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".last-good.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"version": policy.version, "files": policy.files}))
            tmp.replace(target)
            marker.write_text(policy.version)
        except (OSError, ValueError) as exc:
            _log().warning("could not save the last good policy set: %s", exc)

    def _load_last_good(self) -> PolicySet | None:
        if self._cache_dir is None:
            return None
        try:
            saved = json.loads((self._cache_dir / "last-good.json").read_text())
            files = [(str(p), str(t)) for p, t in saved["files"]]
            return build_policy_set(files, cache_dir=self._cache_dir, check_isolated=False)
        except (OSError, ValueError, KeyError, TypeError, ConfigError, PolicyError):
            return None


def _log() -> Any:
    import logging  # only on failure paths: the hook does not pay for importing it

    return logging.getLogger("lighthouse.policy")


def _stat(path: Path) -> tuple[str, int, int]:
    try:
        info = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), info.st_mtime_ns, info.st_size)
