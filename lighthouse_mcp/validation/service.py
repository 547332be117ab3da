"""Setting validation and scanning up for a process: where the policies and their cache are, who is asking, which
project, which suppressions."""

from __future__ import annotations

import contextlib
import functools
import hmac
import os
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from lighthouse_mcp.config import Config
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.home import ProjectHome, read_key
from lighthouse_mcp.policy.engine import PolicyError
from lighthouse_mcp.policy.policyset import PolicyProvider, PolicyUnavailable
from lighthouse_mcp.validation.decision import Validator
from lighthouse_mcp.validation.request import Request, make_request
from lighthouse_mcp.vocabulary import Finding

if TYPE_CHECKING:
    from lighthouse_mcp.agents.rates import DecisionWindow
    from lighthouse_mcp.policy.opa import OpaEvaluator
    from lighthouse_mcp.validation.packs import PackSet
    from lighthouse_mcp.validation.responses import Scanner
    from lighthouse_mcp.validation.shadow import Shadow


# Loaded policies a long-lived process keeps for later services (`ValidationService.keep_warm`).
_WARM: dict[tuple[str | None, str | None, float], PolicyProvider] = {}


class ValidationService:
    """A validator plus the identity and project every request is made for."""

    def __init__(
        self,
        home: ProjectHome | None,
        config: Config,
        *,
        record: Callable[[NewEvent], None] | None = None,
        session: str | None = None,
        one_call: bool = False,
    ) -> None:
        """`record` receives the events about the policies themselves (`policy.load_failed`, `policy.fallback`,
        `policy.recovered`) as they happen, possibly on another thread. `one_call`: the process decides one call and
        ends (a hook), so it remembers no decisions for later ones."""
        self.home = home
        self.config = config

        def emit(type_: str, payload: dict[str, Any]) -> None:
            if record is not None:
                record(NewEvent(type_, payload, agent=config.agent.name, session=session))

        def on_failure(error: str, version: str | None) -> None:
            emit("policy.load_failed", failure_payload(error, version))

        self._warm_key = (
            str(home.policies_dir) if home else None,
            str(home.path / "cache") if home else None,
            config.policy.deadline_ms / 1000,
        )
        warm = _WARM.get(self._warm_key)
        if warm is not None and warm.adopt(on_failure):
            self.provider = warm
        else:
            self.provider = PolicyProvider(
                home.policies_dir if home else None,
                home.path / "cache" if home else None,
                on_failure=on_failure,
                deadline_s=config.policy.deadline_ms / 1000,
            )
        self.opa: OpaEvaluator | None = None
        if config.policy.engine == "opa":
            from lighthouse_mcp.policy.opa import opa_evaluator

            self.opa = opa_evaluator(config.policy, emit)
        self.validator = Validator(
            self.provider,
            config.validation,
            evaluate=self.opa.evaluate if self.opa else None,
            unlocked=frozenset(config.policy.unlock),
            report=emit,
            cache=not one_call,
        )
        self.shadow: Shadow | None = None
        if home is not None and config.policy.shadow:
            from lighthouse_mcp.validation.shadow import shadow_for

            self.shadow = shadow_for(home, config)

    def keep_warm(self) -> None:
        """Keep this service's loaded policies for the services this process (and the children it forks) builds
        later for the same policy files: the hook server loads them once instead of once per hook call. A service
        takes them only while the files are unchanged and loaded cleanly (else it loads them as if new)."""
        policy = self.provider.current()
        for engine in (policy.shipped_rego, policy.rego):  # loaded once here, not in each request's process
            with contextlib.suppress(PolicyError):  # a request meets the error when it queries
                engine.load()
        _WARM[self._warm_key] = self.provider
        if self.shadow is not None:
            self.shadow.keep()

    def over_limit(self, window: DecisionWindow | None, agent: str, role: str) -> list[Finding]:
        """Rate-limit findings for `agent`'s next request, its recorded decisions read from `window` (None: the
        store could not be opened). When they cannot be checked, `validation.on_error`."""
        from lighthouse_mcp.agents.rates import over_limit

        try:
            if window is None:
                raise RuntimeError("the event store is not open")
            return over_limit(window, self.provider.current(), agent, role, self.config.limits)
        except Exception as exc:  # a broken store or policy must not lift the limits
            message = f"rate limits could not be checked: {exc}"[:500]
            return [Finding("rate.unavailable", self.config.validation.on_error, "medium", message, "problem")]

    def engine_status(self) -> dict[str, Any]:
        """Where Rego decisions come from: the local engine, or OPA (and whether it is answering); and the shadow
        policy set, when there is one (its version, or why it cannot be used)."""
        status: dict[str, Any] = self.opa.status() if self.opa is not None else {"engine": "local"}
        if self.shadow is not None:
            status["shadow"] = self.shadow.status()
        return status

    def request(
        self,
        tool: Any,
        tool_input: Any,
        *,
        cwd: Any = None,
        home: str | None = None,
        project: str | None = None,
        claims: tuple[Mapping[str, Any], ...] = (),
        agent: tuple[str, str] | None = None,
    ) -> Request:
        """A request on behalf of `agent` (name, role; default: the configured agent), in the project this home
        belongs to."""
        root = project or (str(self.home.root) if self.home else None)
        name, role = agent or (self.config.agent.name, self.config.agent.role)
        return make_request(
            tool,
            tool_input,
            cwd=cwd,
            project=root,
            home=home,
            agent=name,
            role=role,
            claims=claims,
            guard=self.guard,
            code=LIGHTHOUSE_CODE,
        )

    @functools.cached_property
    def guard(self) -> tuple[str, ...]:
        """What the agent must not touch: this project's Lighthouse home, its store if it lives elsewhere, and
        Lighthouse's state directory outside the project (the audit log's second anchor)."""
        from lighthouse_mcp.home import state_dir

        if self.home is None:
            return ()
        paths = [os.path.realpath(self.home.path)]
        if not self.config.store.url:
            store = os.path.realpath(self.home.db_path(self.config.store.path))
            if not store.startswith(paths[0] + "/"):
                paths.append(store)
        return (*paths, os.path.realpath(state_dir()))

    @functools.cached_property
    def scanner(self) -> Scanner:
        """The response scanner for this project: its rule packs (for code), its suppressions, its key."""
        import logging  # not on the hook's path when it scans nothing

        from lighthouse_mcp.validation.files import Context
        from lighthouse_mcp.validation.responses import DEFAULT_FINGERPRINT_KEY, Scanner
        from lighthouse_mcp.validation.suppressions import SuppressionFile

        root = str(self.home.root) if self.home else os.getcwd()
        key = DEFAULT_FINGERPRINT_KEY
        if self.home is not None and self.home.key_path.exists():
            key = hmac.digest(read_key(self.home.key_path), DEFAULT_FINGERPRINT_KEY, "sha256")
        suppressions = SuppressionFile(
            self.home.suppressions_path if self.home else None,
            on_error=logging.getLogger("lighthouse.scan").warning,
        )
        return Scanner(
            self._packs,
            # lexical: code in a text is judged as written, not by this machine's files (links, scripts it names)
            Context(root, root, os.path.expanduser("~"), os.environ.get("TMPDIR"), lexical=True),
            max_bytes=self.config.scan.max_bytes,
            max_code_bytes=self.config.validation.max_command_bytes,
            key=key,
            suppressions=suppressions.current,
        )

    def _packs(self) -> PackSet:
        """The project's rule packs; the shipped ones without a project, or when the project's cannot be loaded
        (scanning goes on; the policy failure is reported by validation)."""
        if self.home is None:
            return _shipped_packs()
        try:
            return self.provider.current().packs
        except PolicyUnavailable:
            return _shipped_packs()


@functools.cache
def _shipped_packs() -> PackSet:
    from lighthouse_mcp.validation.packs import load_packs, shipped_packs_dir

    return load_packs(sorted(shipped_packs_dir().glob("*.yaml")))


def _lighthouse_code() -> tuple[str, ...]:
    """Where the Lighthouse deciding now runs from: its package (code and shipped policies), its interpreter and the
    interpreter's standard library (`sitecustomize.py`, `os.py`), and the virtual environment it is installed in
    (the packages it imports, its `lighthouse` command). An agent that could change any of them could change what
    the hook answers."""
    package = os.path.realpath(os.path.dirname(os.path.dirname(__file__)))
    library = os.path.realpath(os.path.dirname(os.__file__))
    environment = (os.path.realpath(sys.prefix),) if sys.prefix != sys.base_prefix else ()
    return (package, os.path.realpath(sys.executable), library, *environment)


LIGHTHOUSE_CODE = _lighthouse_code()


def failure_payload(error: str, fallback_version: str | None) -> dict[str, Any]:
    """`policy.load_failed`: the policy files did not load, and which set is in force instead (if any)."""
    return {"error": error[:4000], "using_version": fallback_version}
