"""The policy set in force: shipped and project rule packs plus Rego modules, with one version for both.

Project files live in `.lighthouse/policies/` (`*.yaml` packs, `*.rego` modules, `*_test.rego` tests) and load
after the shipped ones. Project policy can only add: the shipped modules are also compiled on their own
(`shipped_rego`) and decide every request whatever the project's modules say; the project's are queried beside
them, with a deadline. Long-running processes reload when a file changes. When the project's files are broken,
the project files that last loaded are used with the current shipped ones (saved on disk for short-lived processes
such as the hook), the failure is reported, and with no good project files at all the shipped set decides alone
(`project_error` says why). Only when the shipped files themselves cannot be used do callers get
`PolicyUnavailable`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from lighthouse_mcp.errors import ConfigError, LighthouseError
from lighthouse_mcp.policy.engine import (
    Module,
    PolicyError,
    RegoEngine,
    bundle_is_cached,
    bundle_path,
    is_test_module,
    may_define,
)
from lighthouse_mcp.validation.packs import PackSet, is_shipped, packs_from_texts, shipped_packs_dir

SHIPPED = shipped_packs_dir().parent
RELOAD_CHECK_S = 1.0
COMPILE_CHECK_TIMEOUT_S = 5.0  # a project module set that takes longer to compile is refused


class PolicyUnavailable(LighthouseError):
    """No policy set could be loaded (and none loaded before)."""


@dataclass
class PolicySet:
    """The policies in force: the rule packs, the Rego engines and the files they were built from."""

    packs: PackSet
    rego: RegoEngine  # every module, shipped and project: what `policy eval`, the Rego tests and OPA see
    shipped_rego: RegoEngine  # the shipped modules alone, the floor of every decision (`rego` without project ones)
    version: str
    files: list[tuple[str, str]]  # (path, text) of every file it was built from
    tests: list[Module]
    project_error: str | None = None  # the project's files did not load: the shipped files decide alone
    _rules_for: dict[str, tuple[str, bool]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def layered(self) -> bool:
        """Whether project modules are queried beside the shipped ones."""
        return self.rego is not self.shipped_rego

    def rules_for(self, package: str) -> tuple[str, bool]:
        """Who may add rules to the Rego `package` (or below it), read from the modules' text (`may_define`, which
        errs towards may): a digest of the shipped modules that may, and whether any project module may. A short
        cut that answers for the shipped rules of a package holds while that digest is the one it was checked
        against and the project adds none."""
        found = self._rules_for.get(package)
        if found is None:
            shipped = set(self.shipped_rego.modules)
            digest = hashlib.sha256()
            for module in self.shipped_rego.modules:
                if may_define(module, package):
                    digest.update(module.source.encode() + b"\0")
            project = any(may_define(m, package) for m in self.rego.modules if m not in shipped)
            found = self._rules_for[package] = (digest.hexdigest()[:16], project)
        return found


class PolicySource(Protocol):
    """Where a validator gets the policy set to decide with (`PolicyProvider`, `FixedPolicy`)."""

    def current(self) -> PolicySet: ...


@dataclass(frozen=True)
class FixedPolicy:
    """A policy set that does not change while it is used: a candidate being replayed."""

    policy: PolicySet

    def current(self) -> PolicySet:
        return self.policy


# The shipped modules `shipped_rego_silent` was written for (their `RegoEngine.version`): any change to them turns
# the short cut off until it is checked against them again (tests/policy/test_shipped_short_cut.py says so).
SILENT_FOR_VERSION = "706f76a63e7cd1e2"
# What each finding of the shipped modules needs (files.rego, agents.rego; they add no exceptions, and the result
# module's come from data, empty for the shipped engine; rate_limits.rego and taint.rego are packages of their own,
# queried apart): a path written with one of these classes…
_SENSITIVE_WRITE = frozenset({"system", "secret", "outside-project", "traversal"})
_READ_ONLY_ROLES = frozenset({"reviewer", "expert"})  # agents.rego's read_only_roles


def shipped_rego_silent(engine: RegoEngine, document: Mapping[str, Any]) -> bool:
    """Whether the shipped modules can add nothing for the input `document`, so that querying them (and loading the
    engine to do so) can be skipped: True only for the modules of SILENT_FOR_VERSION and a document in which no path
    is written with a class of _SENSITIVE_WRITE, read or run with the class "secret", or written or deleted while
    the call holds claims or comes from a read-only role. A property test holds this to the modules' answer."""
    if engine.version != SILENT_FOR_VERSION or not {"paths", "claims", "agent"} <= document.keys():
        return False
    changes = False
    for path in document["paths"]:
        access, classes = path["access"], path["classes"]
        if access == "write" and not _SENSITIVE_WRITE.isdisjoint(classes):
            return False
        if access in ("read", "exec") and "secret" in classes:
            return False
        changes = changes or access in ("write", "delete")
    return not (changes and (document["claims"] or document["agent"]["role"] in _READ_ONLY_ROLES))


def policy_files(project_dir: Path | None) -> list[Path]:
    """Every policy file in load order: shipped packs, shipped modules, then the project's. (Read on every
    decision a hook server's request makes: listed with `os.scandir`, a quarter of what `Path.glob` costs.)"""
    files = _named(SHIPPED / "packs", (".yaml",)) + _named(SHIPPED, (".rego",))
    if project_dir is not None and project_dir.is_dir():
        files += _named(project_dir, (".yaml",)) + _named(project_dir, (".yml",)) + _named(project_dir, (".rego",))
    return files


def _named(directory: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """The entries of `directory` whose names end in one of `suffixes`, hidden ones too, sorted by name: what
    `sorted(directory.glob("*" + suffix))` gives; nothing when it cannot be listed."""
    try:
        with os.scandir(directory) as entries:
            names = sorted(e.name for e in entries if e.name.endswith(suffixes))
    except OSError:
        return []
    return [directory / name for name in names]


def build_policy_set(
    files: Sequence[tuple[str, str]],
    *,
    cache_dir: Path | None,
    check_isolated: bool,
    deadline_s: float | None = None,
    project_error: str | None = None,
) -> PolicySet:
    """Compile packs and modules from (path, text) pairs. `check_isolated` first compiles the project's Rego modules
    in a child process, so that a module which crashes the native engine (or never finishes compiling) is an error
    here, not a crash or a hang. `deadline_s` bounds every query of the project's modules."""
    packs = packs_from_texts([(Path(p), t) for p, t in files if p.endswith((".yaml", ".yml"))], cache_dir=cache_dir)
    modules = [Module(Path(p).name, t, p) for p, t in files if p.endswith(".rego")]
    tests = [m for m in modules if is_test_module(m)]
    policies = _unique([m for m in modules if not is_test_module(m)])
    digest = hashlib.sha256(packs.version.encode())
    for module in policies:
        digest.update(module.name.encode() + b"\0" + module.source.encode())
    version = digest.hexdigest()[:12]
    shipped = [m for m in policies if is_shipped(m.path)]
    shipped_rego = _shipped_engine(tuple(shipped), cache_dir)
    if len(shipped) == len(policies):
        return PolicySet(packs, shipped_rego, shipped_rego, version, list(files), tests, project_error)
    if check_isolated and not _bundle_cached(cache_dir, policies):
        problem = _failed_before(cache_dir, policies) or _compile_in_child(policies)
        if problem:
            _remember_failure(cache_dir, policies, problem)
            raise PolicyError(problem)
    rego = RegoEngine(policies, cache_dir=cache_dir, deadline_s=deadline_s)
    return PolicySet(packs, rego, shipped_rego, version, list(files), tests, project_error)


_SHIPPED_ENGINES: dict[tuple[Any, ...], RegoEngine] = {}


def _shipped_engine(modules: tuple[Module, ...], cache_dir: Path | None) -> RegoEngine:
    """One engine per process for the shipped modules: they do not change while it runs."""
    key = (RegoEngine.version_of(list(modules), None), cache_dir)
    engine = _SHIPPED_ENGINES.get(key)
    if engine is None:
        engine = _SHIPPED_ENGINES[key] = RegoEngine(list(modules), cache_dir=cache_dir)
    return engine


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


def _failure_path(cache_dir: Path, modules: list[Module]) -> Path:
    return cache_dir / f"rego-{RegoEngine.version_of(modules, None)}.failed"


def _failed_before(cache_dir: Path | None, modules: list[Module]) -> str | None:
    """Why these very modules failed to compile in an earlier process (so a hook does not try again each call)."""
    if cache_dir is None:
        return None
    try:
        return _failure_path(cache_dir, modules).read_text(encoding="utf-8") or None
    except OSError:
        return None


def _remember_failure(cache_dir: Path | None, modules: list[Module], problem: str) -> None:
    if cache_dir is None:
        return
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        _failure_path(cache_dir, modules).write_text(problem, encoding="utf-8")
    except OSError:
        pass  # the next process checks again


def _compile_in_child(modules: list[Module]) -> str | None:
    import subprocess

    payload = json.dumps([[m.name, m.source, m.path] for m in modules])
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "lighthouse_mcp.policy.check"],
            input=payload,
            capture_output=True,
            text=True,
            timeout=COMPILE_CHECK_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"the Rego modules take longer than {COMPILE_CHECK_TIMEOUT_S:g} s to compile and answer one query"
    except OSError as exc:
        return f"could not check the Rego modules in a separate process: {exc}"
    if proc.returncode == 0:
        return None
    message = proc.stdout.strip() or proc.stderr.strip().splitlines()[-1:] or ["unknown error"]
    text = message if isinstance(message, str) else message[0]
    if proc.returncode < 0 or proc.returncode > 1:
        return f"the Rego modules crash the policy engine (rego-cpp, exit {proc.returncode}): {text[:300]}"
    return text


class PolicyProvider:
    """The current policy set for a process; reloads on change and falls back to the last good project files."""

    def __init__(
        self,
        project_dir: Path | None,
        cache_dir: Path | None,
        *,
        on_failure: Callable[[str, str | None], None] | None = None,
        deadline_s: float | None = None,
        logged: bool = True,
    ) -> None:
        """`on_failure(error, version in force instead)` hears of project files that do not load (and the log
        too, unless not `logged`); `deadline_s` bounds each query of the project's Rego modules."""
        self._logged = logged
        self._project_dir = project_dir
        self._cache_dir = cache_dir
        self._on_failure = on_failure
        self._deadline_s = deadline_s
        self._current: PolicySet | None = None
        self._signature: tuple[tuple[str, str], ...] | None = None
        self._stamps: tuple[Stamp, ...] = ()  # the files' stat stamps, taken before they were last read
        self._stamped_ns = 0  # when (wall clock)
        self._checked = 0.0
        self.last_error: str | None = None

    def adopt(self, on_failure: Callable[[str, str | None], None] | None) -> bool:
        """Serve a new owner (a forked hook server's request) if this provider is as a new one would be: its files
        loaded cleanly and have not changed since. Then failures from now on go to `on_failure`; True if adopted."""
        if self._current is None or self.last_error is not None:
            return False
        paths = policy_files(self._project_dir)
        if not _unchanged(paths, self._stamps, self._stamped_ns, self._signature):
            return False
        self._on_failure = on_failure
        self._checked = time.monotonic()
        return True

    def current(self) -> PolicySet:
        now = time.monotonic()
        if self._current is not None and now - self._checked < RELOAD_CHECK_S:
            return self._current
        self._checked = now
        paths = policy_files(self._project_dir)
        if self._current is not None and _unchanged(paths, self._stamps, self._stamped_ns, self._signature):
            return self._current
        stamped_ns = time.time_ns()
        stamps = tuple(_stamp(p) for p in paths)  # before reading: a change after it shows in the next stamp
        raw = [_raw(p) for p in paths]  # read once: for the signature and, when it changed, to load
        signature = _signature(paths, raw)
        self._stamps, self._stamped_ns = stamps, stamped_ns
        if self._current is not None and signature == self._signature:
            return self._current
        self._signature = signature
        try:
            files = [(str(p), _text(r)) for p, r in zip(paths, raw, strict=True)]
        except (OSError, UnicodeDecodeError) as exc:
            return self._fallback(f"cannot read a policy file: {exc}", [(str(p), "") for p in paths])
        try:
            loaded = self._build(files, check_isolated=any(not is_shipped(p) for p, _ in files))
        except (ConfigError, PolicyError) as exc:
            return self._fallback(str(exc), files)
        self._current = loaded
        self.last_error = None
        self._save_last_good(loaded)
        return loaded

    def _build(self, files: Sequence[tuple[str, str]], *, check_isolated: bool, error: str | None = None) -> PolicySet:
        return build_policy_set(
            files,
            cache_dir=self._cache_dir,
            check_isolated=check_isolated,
            deadline_s=self._deadline_s,
            project_error=error,
        )

    def _fallback(self, error: str, files: Sequence[tuple[str, str]]) -> PolicySet:
        """The project files failed: the shipped ones with the last good project files, else the shipped ones
        alone. Only when the shipped files fail too is there nothing to decide with."""
        self.last_error = error
        if self._logged:
            _log().error("policy files do not load: %s", error)
        shipped = [(p, t) for p, t in files if is_shipped(p)]
        fallback: PolicySet | None = None
        if self._current is not None and not self._current.project_error:
            fallback = self._current
        else:
            saved = self._load_last_good()
            if saved:
                try:
                    fallback = self._build([*_read(shipped), *saved], check_isolated=False)
                except (ConfigError, PolicyError, OSError, UnicodeDecodeError):
                    fallback = None
            if fallback is None:
                try:
                    fallback = self._build(_read(shipped), check_isolated=False, error=error)
                except (ConfigError, PolicyError, OSError, UnicodeDecodeError) as exc:
                    fallback = None
                    error = f"{error}; the shipped policies do not load either: {exc}"
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
            project = [(p, t) for p, t in policy.files if not is_shipped(p)]
            tmp = target.with_name(f".last-good.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"version": policy.version, "project_files": project}))
            tmp.replace(target)
            marker.write_text(policy.version)
        except (OSError, ValueError) as exc:
            if self._logged:
                _log().warning("could not save the last good policy set: %s", exc)

    def _load_last_good(self) -> list[tuple[str, str]]:
        """The project files of the last set that loaded, as an earlier process saved them."""
        if self._cache_dir is None:
            return []
        try:
            saved = json.loads((self._cache_dir / "last-good.json").read_text())
            return [(str(p), str(t)) for p, t in saved["project_files"]]
        except (OSError, ValueError, KeyError, TypeError):
            return []


def _read(files: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The texts of files whose reading may have failed before (their text is then empty)."""
    return [(p, t or Path(p).read_text(encoding="utf-8")) for p, t in files]


def _log() -> Any:
    import logging  # only on failure paths: the hook does not pay for importing it

    return logging.getLogger("lighthouse.policy")


def _raw(path: Path) -> bytes | OSError:
    try:
        return path.read_bytes()
    except OSError as exc:
        return exc


def _text(raw: bytes | OSError) -> str:
    if isinstance(raw, OSError):
        raise raw
    return raw.decode("utf-8")


Stamp = tuple[str, int, int, int, int, int]  # path, device, inode, size, mtime and ctime (ns)
# Any write sets a file's ctime, which no one can set back (`touch -r`, `cp -p` and `rsync -t` set mtime only), but
# file times are only as fine as the kernel's clock tick (a second or two on some filesystems): a file stamped within
# this of its last write may be written again without its times moving. Git calls it racily clean.
RACY_NS = 2_000_000_000


def _stamp(path: Path) -> Stamp:
    try:
        info = path.stat()
    except OSError:
        return (str(path), -1, -1, -1, -1, -1)
    return (str(path), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _unchanged(
    paths: Sequence[Path], stamps: Sequence[Stamp], stamped_ns: int, signature: tuple[tuple[str, str], ...] | None
) -> bool:
    """Whether the files at `paths` are those stamped (at `stamped_ns`) and signed when last read, without reading
    them when their stamps say so: a file whose ctime was within RACY_NS of its stamping is compared by content."""
    if signature is None or len(paths) != len(stamps):
        return False
    for path, stamp, signed in zip(paths, stamps, signature, strict=True):
        now = _stamp(path)
        if now != stamp:
            return False
        if now[5] >= stamped_ns - RACY_NS and _signature([path], [_raw(path)])[0] != signed:
            return False
    return True


def _signature(paths: Sequence[Path], raw: Sequence[bytes | OSError]) -> tuple[tuple[str, str], ...]:
    """The policy files as their contents' digests: a file rewritten with the same size and time (`cp -p`,
    `rsync -t`, `touch -r`) is still a change."""
    return tuple(
        (str(p), f"unreadable: {r.errno}" if isinstance(r, OSError) else hashlib.sha256(r).hexdigest())
        for p, r in zip(paths, raw, strict=True)
    )
