"""The decision pipeline, once, for every way a tool call is asked about: the hook, the MCP validation tools and
`lighthouse check --record`.

`Gate.decide` runs claims → validation → rate limits; `Gate.settle` records the decision with the events that go
with it. Every failure of the event store becomes a finding here, in this one place, at `validation.on_error` (a
deny stays a deny; an allow becomes ask, or deny when so configured):

- `audit.missing` — the store this project had is gone, or behind its anchor (events cut from its end, an older
  copy put back, another store in its place). Decisions are still recorded in what is there, if anything.
- `audit.unavailable` — the store cannot be opened or read (claims, recent decisions), or the decision cannot be
  recorded: an action that cannot be audited is not let through unseen.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lighthouse_mcp.errors import LighthouseError, StoreError, StoreMissing
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.validation.decision import RECORDED_INPUT_BYTES, decision_event, with_findings
from lighthouse_mcp.vocabulary import Decision, Finding

if TYPE_CHECKING:
    from pathlib import Path

    from lighthouse_mcp.agents.claims import ClaimsView
    from lighthouse_mcp.agents.rates import DecisionWindow
    from lighthouse_mcp.agents.taint import Taint, TaintView
    from lighthouse_mcp.config import Config, StoreConfig
    from lighthouse_mcp.events.sqlite import SQLiteEventStore
    from lighthouse_mcp.events.store import EventStore
    from lighthouse_mcp.home import ProjectHome
    from lighthouse_mcp.validation.service import ValidationService

_FIX_MISSING = "a person can start a new audit log with `lighthouse store reset --reason …`"


@dataclass(frozen=True)
class Caller:
    """Who asks: the agent and role the configuration (or its token) gives, and its session."""

    agent: str
    role: str
    session: str | None = None
    client: str | None = None  # the agent product whose hook asks (`claude-code`, `gemini-cli`), when one does


@dataclass(frozen=True)
class Recording:
    """What recording a decision appends: its events, and the blobs they name (file contents its request would
    write), stored before them."""

    events: list[NewEvent]
    blobs: list[bytes]


# Every store opened ahead, for as long as the process lives: one that is not taken is never closed, not even by
# the collector (see `Standby`).
_HELD: list[EventStore] = []


class StandbyAbandoned(Exception):  # not a LighthouseError: nothing that handles those may carry on after it
    """A store changed while it was being opened ahead: the process that opened it must not open it again (its
    connections would share a view of the files as they were) and ends without answering anything."""


@dataclass(frozen=True)
class Standby:
    """A project's SQLite store opened before a request came (by a hook server's spare, while it waits), taken by
    the request when it is exactly the store the request would open: same home, store settings and key, and the
    same files at the store's paths (`SQLiteEventStore.opened_files`). A standby not taken is left open until the
    process ends (with `os._exit`), never closed: closing the last connection to a store whose files changed under
    it would checkpoint a stale log into the database and remove the write-ahead log by its path, which may then be
    another's."""

    home: Path
    settings: StoreConfig
    key: bytes
    store: SQLiteEventStore

    @classmethod
    def open(cls, home: ProjectHome, config: Config) -> Standby | None:
        """None where there is nothing to hold open (no store yet, a server database, an error: the request then
        opens the store itself and meets the error there). StandbyAbandoned when the store changed while it was
        being opened."""
        from lighthouse_mcp.events.sqlite import SQLiteEventStore, identity
        from lighthouse_mcp.events.store import open_store
        from lighthouse_mcp.home import read_key

        if config.store.url:
            return None
        before = identity(home.db_path(config.store.path))
        try:
            store = open_store(home, config)
            _HELD.append(store)
            key = read_key(home.key_path)
        except LighthouseError:
            return None
        if not isinstance(store, SQLiteEventStore):
            return None
        if not store.opened_unchanged(before):
            raise StandbyAbandoned(f"event store {store.path} changed while it was being opened")
        return cls(home.path, config.store, key, store)

    def sound(self) -> bool:
        """False when the store's files were changed under it so that no connection of this process can be trusted
        with it (`SQLiteEventStore.opened_files`): the request is then for a process that never had it open."""
        return self.store.opened_files() != "changed"

    def take(self, home: ProjectHome, config: Config) -> SQLiteEventStore | None:
        """The store, or None where the request would open another. StoreError when its files were changed under it
        (see `sound`, which a hook server asks before it takes a request)."""
        from lighthouse_mcp.home import read_key

        files = self.store.opened_files()  # first: a request must not open the store beside a stale connection
        if files == "changed":
            raise StoreError(
                f"event store {self.store.path}: its files were changed while it was open (the database written "
                "over in place, or its write-ahead log or index deleted or replaced): `lighthouse events verify`"
            )
        if files == "other" or home.path != self.home or config.store != self.settings:
            return None
        try:
            if read_key(home.key_path) != self.key:
                return None
        except LighthouseError:
            return None  # the request meets the error when it opens the store itself
        self.store.drop_cache()
        self.store.recheck()
        return self.store


@dataclass
class Gate:
    """One process's way to decide and record. `store` is None where there is no project home (nothing is
    recorded) or where the store could not be opened (`problem` says why)."""

    service: ValidationService
    store: EventStore | None = None
    problem: Finding | None = None
    claims: ClaimsView | None = None
    window: DecisionWindow | None = None
    taints: TaintView | None = None
    _owned: list[Any] = field(default_factory=list)
    _checked: float = -1e9

    @classmethod
    def open(
        cls, service: ValidationService, *, expected: bool, standby: Standby | None = None, many: bool = False
    ) -> Gate:
        """A gate on the project's store, opened here (and closed by `close`). `expected`: the caller was told where
        the project home is, or must find one, so a missing one is `audit.missing` rather than "no project here".
        `standby`: a store opened ahead, used when it is the one this would open. `many`: it will decide many calls
        (a batch), so the rate window follows the store instead of reading an agent's window again for each call."""
        from lighthouse_mcp.agents.claims import ClaimsView
        from lighthouse_mcp.agents.rates import DecisionWindow
        from lighthouse_mcp.agents.taint import TaintView
        from lighthouse_mcp.events.store import open_store

        on_error = service.config.validation.on_error
        home = service.home
        if home is None:
            if not expected:
                return cls(service)
            given = os.environ.get("LIGHTHOUSE_HOME")
            message = (
                f"the project home ({given}) is gone: {_FIX_MISSING}"
                if given
                else "no project home (.lighthouse/) in the working directory or above, where this hook must find "
                "one: start the agent in the project set up with `lighthouse init`, or run `lighthouse init` there"
            )
            return cls(service, problem=Finding("audit.missing", on_error, "high", message, "problem"))
        try:
            taken = standby.take(home, service.config) if standby is not None else None
            store = taken if taken is not None else open_store(home, service.config)
        except StoreMissing as exc:
            return cls(service, problem=Finding("audit.missing", on_error, "high", str(exc)[:1000], "problem"))
        except LighthouseError as exc:
            message = f"the audit log cannot record this call: {exc}"[:1000]
            return cls(service, problem=Finding("audit.unavailable", on_error, "high", message, "problem"))
        gate = cls(service, store, _owned=[store])
        try:
            behind = store.anchor_problem()
            if behind is not None:
                message = f"{behind[1]}; {_FIX_MISSING}"[:1000]
                gate.problem = Finding("audit.missing", on_error, "high", message, "problem")
            gate.claims = ClaimsView(store, root=str(home.root))
            gate.window = DecisionWindow(store, service.config.limits.window_s, follow=many)
            gate.taints = TaintView(store)
        except LighthouseError as exc:
            message = f"the audit log cannot be read: {exc}"[:1000]
            gate.problem = gate.problem or Finding("audit.unavailable", on_error, "high", message, "problem")
        return gate

    def recheck(self, every_s: float = 1.0) -> None:
        """For a long-running process: look again (at most every `every_s`) whether its store is still the one
        anchored, and still there."""
        now = time.monotonic()
        if self.store is None or now - self._checked < every_s:
            return
        self._checked = now
        try:
            behind = self.store.anchor_problem()
        except LighthouseError as exc:
            behind = (0, f"the audit log cannot be read: {exc}")
        if behind is None:
            self.problem = None
        else:
            message = f"{behind[1]}; {_FIX_MISSING}"[:1000]
            self.problem = Finding("audit.missing", self.on_error, "high", message, "problem")

    def decide(self, tool: Any, tool_input: Any, *, cwd: Any, caller: Caller, project: str | None = None) -> Decision:
        """The decision for one tool call: claims, the validator, rate limits, and what is wrong with the store."""
        extra: list[Finding] = [self.problem] if self.problem is not None else []
        held: tuple[dict[str, str], ...] = ()
        if self.claims is not None:
            from lighthouse_mcp.agents.claims import rego_claims

            try:
                held = rego_claims(self.claims.held())
            except LighthouseError as exc:
                message = f"file claims cannot be read, so the decision could not consider them: {exc}"[:1000]
                extra.append(Finding("audit.unavailable", self.on_error, "high", message, "problem"))
        request = self.service.request(
            tool, tool_input, cwd=cwd, claims=held, agent=(caller.agent, caller.role), project=project
        )
        taints = self._taints(caller, extra)
        if taints:
            from lighthouse_mcp.agents.taint import judge

            decision = judge(self.service.validator, request, taints, self.service.config, caller.session)
        else:
            decision = self.service.validator.validate(request)
        if self.store is not None or self.problem is not None:  # a project's calls are rate-limited
            extra += self.service.over_limit(self.window, caller.agent, caller.role)
        return with_findings(decision, extra)

    def _taints(self, caller: Caller, extra: list[Finding]) -> list[Taint]:
        """The taints in force on the caller's session (agents/taint.py); when they cannot be read,
        `validation.on_error`."""
        config = self.service.config.taint
        if self.taints is None or not config.enabled:
            return []
        try:
            return self.taints.on(caller.agent, caller.session, config.expiry_s)
        except LighthouseError as exc:
            message = f"whether this session is tainted cannot be read: {exc}"
            extra.append(Finding("audit.unavailable", self.on_error, "high", message[:1000], "problem"))
            return []

    @property
    def on_error(self) -> str:
        return self.service.config.validation.on_error

    def recording(self, decision: Decision, caller: Caller, *, aggregate: str | None) -> Recording:
        """What recording `decision` appends (nothing when the configuration does not record decisions): its event,
        and the shadow policy set's other answer or problem, if any."""
        config = self.service.config
        if not config.validation.record:
            return Recording([], [])
        recorded = decision.request.recorded(
            max_input_bytes=min(RECORDED_INPUT_BYTES, config.store.max_payload_bytes // 4),
            secret_files=config.store.secret_file_contents,
        )
        event = decision_event(
            decision,
            agent=caller.agent,
            session=caller.session,
            recorded=recorded,
            aggregate=aggregate,
            client=caller.client,
        )
        events = [event]
        shadow = self.service.shadow
        if shadow is not None:
            events += shadow.compare(decision, agent=caller.agent, session=caller.session, aggregate=aggregate)
        return Recording(events, [recorded.blob] if recorded.blob is not None else [])

    def settle(
        self, decision: Decision, caller: Caller, *, aggregate: str | None, before: Sequence[NewEvent] = ()
    ) -> Decision:
        """Record `decision` after `before` (events that belong with it), or say it could not be recorded."""
        recording = self.recording(decision, caller, aggregate=aggregate)
        events = [*before, *recording.events]
        if (self.service.home is None and self.problem is None) or not events:
            return decision
        try:
            if self.store is None:
                raise LighthouseError(self.problem.message if self.problem else "the event store is not open")
            for blob in recording.blobs:
                self.store.put_blob(blob)
            self.store.append_batch(events)
        except LighthouseError as exc:
            return self.unrecorded(decision, str(exc))
        return decision

    def unrecorded(self, decision: Decision, problem: str) -> Decision:
        """`decision` when it could not be recorded: an allow becomes the on_error decision (rule
        `audit.unavailable`); ask and deny stand."""
        if decision.decision != "allow" or any(r["rule"].startswith("audit.") for r in decision.reasons):
            return decision
        message = f"the audit log cannot record this call: {problem}"[:1000]
        return with_findings(decision, [Finding("audit.unavailable", self.on_error, "high", message, "problem")])

    def close(self) -> None:
        for owned in self._owned:
            owned.close()
        self._owned.clear()
