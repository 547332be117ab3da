"""Rego policies in-process, through regopy (rego-cpp).

Modules are compiled once into a bundle and queried many times. An interpreter must not be shared between threads
(it gives wrong answers), so each thread builds its own from the same sources. Short-lived processes load the
bundle compiled by an earlier process from a cache directory keyed by the modules' content hash.

Every module in package `lighthouse` adds to two sets that the validation pipeline reads:

    findings   contains {"rule", "decision", "risk", "message"}
    exceptions contains {"rule", "reason"}     # lowers a pack finding with that rule id, recorded with the reason
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lighthouse_mcp.errors import ConfigError

if TYPE_CHECKING:
    from cachetools import LRUCache

ENTRYPOINT = "data.lighthouse.result"
_RESULT_MODULE = """package lighthouse

import rego.v1

# What the validation pipeline reads. Other modules in this package add to both sets; the two rules below only
# make sure both sets exist (as empty sets) when no module adds to one of them.
result := {"findings": findings, "exceptions": exceptions}

findings contains f if {
    some f in data.lighthouse_config.findings
}

exceptions contains e if {
    some e in data.lighthouse_config.exceptions
}
"""
_ERROR = re.compile(
    r"\(error \d+:(?P<file>[^|\s]*)\|(?P<offset>\d+)\|(?P<length>\d+)\s+\(errormsg \d+:(?P<msg>[^)]*)\)"
)


_MISSING = object()


class PolicyError(ConfigError):
    """A policy module does not compile or a query fails; the message names the file and line."""


class PolicyTimeout(PolicyError):
    """A query ran past its deadline (it is left to finish on its own thread; the caller decides without it)."""


class _Worker:
    """One thread of its own that runs an engine's queries, so that a caller can stop waiting for a slow one.

    rego-cpp cannot be interrupted, so a query past its deadline keeps the thread until it ends; meanwhile later
    queries fail at once instead of queueing behind it. The thread keeps its interpreter between queries (an
    interpreter belongs to one thread)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._start()
        _WORKERS.add(self)

    def _start(self) -> None:
        """A fresh queue, lock and thread: at creation, and in the child of a fork (which has no such thread)."""
        import queue

        self._jobs: queue.SimpleQueue[tuple[Any, list[Any], threading.Event]] = queue.SimpleQueue()
        self._lock = threading.Lock()  # one caller at a time
        self._running: threading.Event | None = None  # set when the last job submitted has finished
        threading.Thread(target=self._serve, name=f"rego-{self._name}", daemon=True).start()

    def call(self, fn: Any, deadline_s: float | None) -> Any:
        """`fn()` on the worker thread; PolicyTimeout when it takes longer than `deadline_s` (None: no limit)."""
        if not self._lock.acquire(timeout=-1 if deadline_s is None else deadline_s):
            raise PolicyTimeout(f"another query of these policies held them for over {deadline_s:g} s")
        try:
            if self._running is not None and not self._running.is_set():
                raise PolicyTimeout("an earlier query of these policies is still running past its deadline")
            box: list[Any] = []
            done = self._running = threading.Event()
            self._jobs.put((fn, box, done))
            if not done.wait(deadline_s):
                raise PolicyTimeout(f"the query took longer than its deadline of {deadline_s:g} s")
        finally:
            self._lock.release()
        ok, value = box
        if not ok:
            raise value
        return value

    def _serve(self) -> None:
        while True:
            fn, box, done = self._jobs.get()
            try:
                box.extend((True, fn()))
            except BaseException as exc:  # handed to the caller, who raises it
                box.extend((False, exc))
            done.set()


_WORKERS: weakref.WeakSet[_Worker] = weakref.WeakSet()


def queries_running() -> bool:
    """Whether a query of this process is still running past its deadline (its worker has not finished it)."""
    return any(w._running is not None and not w._running.is_set() for w in list(_WORKERS))


def _restart_workers() -> None:
    for worker in list(_WORKERS):
        worker._start()


# A forked child (the hook server's) keeps the parent's compiled policies but not its threads.
os.register_at_fork(after_in_child=_restart_workers)


@dataclass(frozen=True)
class RegoResult:
    """The findings and exceptions a Rego evaluation produced."""

    findings: list[dict[str, Any]]
    exceptions: list[dict[str, Any]]


@dataclass(frozen=True)
class Module:
    """A Rego module: its file name, its source and where it was read from."""

    name: str  # a file name such as files.rego
    source: str
    path: str = ""  # where it was read from, for messages


def is_test_module(module: Module) -> bool:
    return module.name.endswith("_test.rego")


# A module's package declaration when it is a plain dotted name alone on its line, after nothing but comments.
_PLAIN_PACKAGE = re.compile(
    r"(?:\s*#[^\n]*\n)*\s*package[ \t]+([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)[ \t]*(?:\r?\n|\Z)",
    re.ASCII,
)
_PACKAGE_LINE = re.compile(r"^\s*package\b", re.ASCII | re.MULTILINE)


def may_define(module: Module, package: str) -> bool:
    """Whether `module` may add rules to `package` (a dotted name such as `lighthouse.rate`) or below it. Read from
    the text, so it errs one way only: False only when the module declares one package, as a plain dotted name
    (not `data.…`) alone on its line, and that package is not `package`, is not below it, and is not above it
    either unless the module has neither the next step's name as a word nor a backslash. (In package `lighthouse`
    a rule reaches `lighthouse.rate` through a head such as `rate.exceeded`; rego-cpp also takes a head that begins
    with a string, which can spell the name only in full or with an escape.) Anything else (a package spelled with
    strings, escapes or spaces, a second package line) may."""
    found = _PLAIN_PACKAGE.match(module.source)
    if found is None or len(_PACKAGE_LINE.findall(module.source)) != 1:
        return True
    own, target = found.group(1).split("."), package.split(".")
    if own[0] == "data" or own[: len(target)] == target:
        return True
    if own == target[: len(own)]:  # above it: only a head beginning with the next step's name reaches it
        step = re.escape(target[len(own)])
        return "\\" in module.source or re.search(rf"\b{step}\b", module.source, re.ASCII) is not None
    return False


class RegoEngine:
    """Compiled Rego modules plus their data, safe to query from any thread."""

    def __init__(
        self,
        modules: list[Module],
        data: Mapping[str, Any] | None = None,
        *,
        cache_dir: Path | None = None,
        memo_size: int = 4096,
        deadline_s: float | None = None,
    ) -> None:
        """With `deadline_s`, every query runs on a thread of the engine's own and fails with PolicyTimeout past the
        deadline (for modules the project wrote, which may be slow; the shipped ones are not run this way)."""
        # A query is a pure function of the input document, so equal documents share one evaluation. Many
        # different commands give the same document (no paths, same agent), which makes this worth it. Made at the
        # first such query (a hook deciding `ls` makes none).
        self._memo: LRUCache[str, Any] | None = None
        self._memo_size = memo_size
        self._memo_lock = threading.Lock()
        self.modules = [Module("lighthouse_result.rego", _RESULT_MODULE), *modules]
        self.data = {"lighthouse_config": {"findings": [], "exceptions": []}, **(data or {})}
        self.version = self.version_of(modules, data)
        self._cache_dir = cache_dir
        self._local = threading.local()
        # Input fields only referenced modules need: building a smaller input is most of a query's cost.
        text = "\n".join(m.source for m in self.modules)
        self.whole_input = bool(re.search(r"\binput\b(?!\s*\.)", text.replace("with input as", "")))
        self.input_fields = frozenset(re.findall(r"\binput\.([A-Za-z_][A-Za-z0-9_]*)", text))
        # Fields of each path entry beyond path, classes and access, sent only when some module mentions them.
        self.path_extras = frozenset(f for f in ("raw", "command") if re.search(rf"\.{f}\b", text))
        self._deadline_s = deadline_s
        self._worker = _Worker(self.version) if deadline_s is not None else None
        # Compile now (on the thread that will query), so a broken module fails at load, not at the first query. A
        # bundle of these very modules that an earlier process compiled and cached (its checksum holds) shows they
        # compile: it is loaded at the first query instead, and a call that needs no query (a hook's, often) never
        # pays for loading the engine.
        if cache_dir is None or not bundle_is_cached(bundle_path(cache_dir, self.version)):
            self.load()

    def load(self) -> None:
        """Load the compiled modules for the pipeline's query now (for a process that answers many calls)."""
        self._on_thread(lambda: self._interpreter(cached=True), None)

    @staticmethod
    def version_of(modules: list[Module], data: Mapping[str, Any] | None) -> str:
        """The content hash that names a compiled bundle in the cache."""
        digest = hashlib.sha256(_RESULT_MODULE.encode())
        for module in modules:
            digest.update(module.name.encode() + b"\0" + module.source.encode() + b"\0")
        digest.update(json.dumps(data or {}, sort_keys=True, default=str).encode())
        return digest.hexdigest()[:16]

    def evaluate(self, document: Mapping[str, Any]) -> RegoResult:
        """Query the pipeline's entrypoint with `document` as input."""
        value = self.query_value(ENTRYPOINT, document, bundled=True)
        if not isinstance(value, dict):
            raise PolicyError(f"{ENTRYPOINT} is not an object (modules in package lighthouse must not redefine it)")
        return RegoResult(list(value.get("findings") or []), list(value.get("exceptions") or []))

    def query_value(self, query: str, document: Mapping[str, Any] | None, *, bundled: bool = False) -> Any:
        """The value of `query` (e.g. `data.lighthouse.findings`) for `document`; None when undefined. `bundled`
        compiles the query into a bundle of its own once (and caches it on disk), and remembers answers: for
        queries asked often. Callers must not change the value they get."""
        if not bundled or not self._memo_size:
            return self._query(query, document, bundled=bundled)
        key = query + "\0" + json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
        with self._memo_lock:
            if self._memo is None:
                from cachetools import LRUCache

                self._memo = LRUCache(maxsize=self._memo_size)
            hit = self._memo.get(key, _MISSING)
        if hit is not _MISSING:
            return hit
        value = self._query(query, document, bundled=True)
        with self._memo_lock:
            self._memo[key] = value
        return value

    def _on_thread(self, fn: Any, deadline_s: float | None) -> Any:
        return fn() if self._worker is None else self._worker.call(fn, deadline_s)

    def _query(self, query: str, document: Mapping[str, Any] | None, *, bundled: bool) -> Any:
        return self._on_thread(lambda: self._query_here(query, document, bundled=bundled), self._deadline_s)

    def _query_here(self, query: str, document: Mapping[str, Any] | None, *, bundled: bool) -> Any:
        interpreter, bundle = self._interpreter(cached=bundled, entrypoint=query)
        interpreter.set_input(dict(document or {}))
        try:
            output = interpreter.query_bundle(bundle) if bundled else interpreter.query(query)
        except ValueError as exc:
            # rego-cpp writes control characters inside strings unescaped, so its output is not JSON; the same
            # document with them replaced gives the same decision on everything else.
            cleaned = _without_controls(document)
            if cleaned == document:
                raise PolicyError(f"evaluating {query} failed: unreadable engine output ({exc})") from exc
            return self._query_here(query, cleaned, bundled=bundled)
        if not output.ok():
            raise PolicyError(f"evaluating {query} failed: {_output_errors(output)}")
        if str(output) == "undefined":
            return None
        expressions = output[0].expressions
        return expressions[0] if expressions else None

    def _interpreter(self, *, cached: bool, entrypoint: str = ENTRYPOINT) -> tuple[Any, Any]:
        """This thread's interpreter and bundle. `cached` gives the bundle compiled for `entrypoint` alone (maybe
        loaded from disk); other queries need the modules themselves."""
        slots: dict[str | None, tuple[Any, Any]] = self._local.__dict__.setdefault("slots", {})
        slot = entrypoint if cached else None
        compiled = slots.get(slot)
        if compiled is None:
            compiled = slots[slot] = self._compile(use_cache=cached, entrypoint=entrypoint if cached else ENTRYPOINT)
        return compiled

    def _compile(self, *, use_cache: bool, entrypoint: str) -> tuple[Any, Any]:
        from regopy import BundleFormat, Interpreter, LogLevel, RegoError

        interpreter = Interpreter()
        interpreter.log_level = LogLevel.NONE  # the default prints compile errors to stdout
        name = self.version if entrypoint == ENTRYPOINT else f"{self.version}-{_digest(entrypoint)}"
        bundle_file = bundle_path(self._cache_dir, name) if self._cache_dir else None
        if use_cache and bundle_file is not None and bundle_is_cached(bundle_file):
            try:
                return interpreter, interpreter.load_bundle(str(bundle_file), BundleFormat.Binary)
            except RegoError:
                bundle_file.unlink(missing_ok=True)  # a stale cache: compile instead
                interpreter = Interpreter()
                interpreter.log_level = LogLevel.NONE
        for module in self.modules:
            try:
                interpreter.add_module(module.name, module.source)
            except RegoError as exc:
                raise PolicyError(describe_error(module, str(exc))) from None
        try:
            interpreter.add_data(self.data)
        except RegoError as exc:
            raise PolicyError(f"policy data could not be loaded: {exc}") from None
        try:
            bundle = interpreter.build(entrypoint)
        except RegoError as exc:
            raise PolicyError(_first_error(self.modules, str(exc))) from None
        if bundle_file is not None:
            _save_bundle(interpreter, bundle, bundle_file)
        return interpreter, bundle


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def bundle_path(cache_dir: Path, version: str) -> Path:
    """Where the compiled bundle of a module set is cached (rego-cpp's binary bundle format loads in well
    under a millisecond; its JSON form takes ten or more)."""
    return cache_dir / f"rego-{version}.rbb"


def _save_bundle(interpreter: Any, bundle: Any, target: Path) -> None:
    """Write the compiled bundle for later processes, with a checksum beside it; a failure only costs them a
    compile."""
    from regopy import BundleFormat, RegoError

    partial = target.with_name(target.name + f".tmp-{threading.get_ident()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        interpreter.save_bundle(str(partial), bundle, BundleFormat.Binary)
        digest = hashlib.sha256(partial.read_bytes()).hexdigest()
        partial.replace(target)
        target.with_name(target.name + ".sha256").write_text(digest)
    except (OSError, RegoError):
        partial.unlink(missing_ok=True)


def bundle_is_cached(bundle_file: Path) -> bool:
    """Whether a cached bundle is the one that was written: rego-cpp does not reject every damaged bundle, and
    querying a damaged one can crash the process."""
    try:
        expected = bundle_file.with_name(bundle_file.name + ".sha256").read_text().strip()
        return hashlib.sha256(bundle_file.read_bytes()).hexdigest() == expected
    except OSError:
        return False


def describe_error(module: Module, raw: str) -> str:
    """`files.rego:12:8: Invalid boolean operator` from rego-cpp's S-expression error dump."""
    match = _ERROR.search(raw)
    where = module.path or module.name
    if match is None:
        return f"{where}: {raw.strip().splitlines()[0] if raw.strip() else 'does not compile'}"
    offset = int(match.group("offset"))
    line = module.source.count("\n", 0, offset) + 1
    column = offset - (module.source.rfind("\n", 0, offset) + 1) + 1
    source_line = module.source.splitlines()[line - 1].strip() if module.source.splitlines() else ""
    return f"{where}:{line}:{column}: {match.group('msg')} (in: {source_line[:80]})"


def _first_error(modules: list[Module], raw: str) -> str:
    match = _ERROR.search(raw)
    if match:
        for module in modules:
            if module.name == match.group("file"):
                return describe_error(module, raw)
    return f"policies do not compile: {raw.strip().splitlines()[0] if raw.strip() else 'unknown error'}"


def _output_errors(output: Any) -> str:
    try:
        from regopy.rego_shared import rego_node_value

        seq = output.node()
        errors = [
            f"{rego_node_value(seq.at(i).at(0)._impl)} ({rego_node_value(seq.at(i).at(2)._impl)})"
            for i in range(len(seq))
        ]
        return "; ".join(errors) or "unknown error"
    except Exception:
        return "unknown error"


def load_modules(paths: list[Path]) -> list[Module]:
    """Read policy modules; names must be unique (later directories may not shadow earlier ones silently)."""
    modules: list[Module] = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read policy module: {exc}") from exc
        name = path.name if path.name not in seen else f"{path.parent.name}-{path.name}"
        seen[name] = str(path)
        modules.append(Module(name, source, str(path)))
    return modules


_CONTROLS = re.compile("[\x00-\x1f\x7f]")


def _without_controls(value: Any) -> Any:
    """`value` with every control character in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _CONTROLS.sub("\ufffd", value)
    if isinstance(value, Mapping):
        return {_without_controls(k): _without_controls(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_without_controls(v) for v in value]
    return value
