"""The hook's answer to one input, in this process: what `lighthouse hook` does when no hook server runs, and what
the hook server (`hooks/daemon.py`) runs for each call it takes.

Claude Code, Gemini CLI, Codex CLI and Cursor run a call anyway when a hook exits with anything but 0 or 2, or
outlives its timeout (Cursor: unless the hook is `failClosed`). So whatever goes wrong here (input too deep or too
large, an exception of any kind, a store or policy that hangs) ends in an answer: exit 2 with the reason on stderr
(for Cursor, which wants JSON on every path, with its deny answer on stdout), or, past the hook's own deadline
(`hook.deadline_s`, kept under the timeout `init` writes), `validation.on_error` (for Gemini CLI, Codex CLI and
Cursor, which cannot ask, exit 2). Never a silent allow. The agent's dialect is read by `hooks/claude.py`,
`hooks/gemini.py`, `hooks/codex.py` and `hooks/cursor.py`; the
decision is the same pipeline's.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lighthouse_mcp.hooks.client import AGENT_KIND_ENV, AGENT_KINDS, MAX_HOOK_INPUT, blocked

if TYPE_CHECKING:
    from lighthouse_mcp.config import Config
    from lighthouse_mcp.events.model import NewEvent
    from lighthouse_mcp.home import ProjectHome
    from lighthouse_mcp.hooks.claude import HookInput
    from lighthouse_mcp.validation.gate import Caller, Gate, Standby
    from lighthouse_mcp.validation.service import ValidationService
    from lighthouse_mcp.vocabulary import Decision

BLOCK = 2
# Where each agent says its project is, when the hook input does not (Cursor's input always names its workspace;
# Codex CLI says nothing: the home is found from the working directory).
PROJECT_DIR_ENV = {"claude-code": "CLAUDE_PROJECT_DIR", "gemini-cli": "GEMINI_PROJECT_DIR"}
# Each agent kind (`--agent-kind`) by the client name its calls are recorded with.
CLIENTS = {"claude": "claude-code", "gemini": "gemini-cli", "codex": "codex-cli", "cursor": "cursor"}
AGENT_NAMES = {"claude": "Claude Code", "gemini": "Gemini CLI", "codex": "Codex CLI", "cursor": "Cursor"}
SETTINGS = {
    "claude-code": ".claude/settings.json",
    "gemini-cli": ".gemini/settings.json",
    "codex-cli": ".codex/hooks.json",
    "cursor": ".cursor/hooks.json",
}
DEFAULT_DEADLINE_S = 10.0  # until the configuration is read
# Claude Code's other hook events: answered with nothing to say (exit 0), so that wiring the hook to one is harmless.
QUIET_EVENTS = frozenset(
    {
        "SessionStart",
        "SessionEnd",
        "Setup",
        "UserPromptSubmit",
        "UserPromptExpansion",
        "Stop",
        "StopFailure",
        "SubagentStart",
        "SubagentStop",
        "Notification",
        "PreCompact",
        "PostCompact",
        "PermissionRequest",
        "PermissionDenied",
        "PostToolUseFailure",
        "PostToolBatch",
        "TeammateIdle",
        "TaskCreated",
        "TaskCompleted",
        "InstructionsLoaded",
        "ConfigChange",
        "CwdChanged",
        "FileChanged",
        "WorktreeCreate",
        "WorktreeRemove",
        "Elicitation",
        "ElicitationResult",
    }
)


class Channel:
    """Where the hook's answer goes: standard output and error, as Claude Code reads them. The hook server
    (`hooks/daemon.py`) passes one that sends them to its client instead."""

    def answer(self, out: str | None, err: str | None, code: int) -> None:
        """JSON on stdout, the reason on stderr (the exit code is returned by the caller)."""
        if out:
            os.write(1, (out + "\n").encode("utf-8", "replace"))
        if err:
            os.write(2, (err + "\n").encode("utf-8", "replace"))

    def note(self, text: str) -> None:
        """A line for the person watching, while the hook waits (stderr)."""
        os.write(2, (text + "\n").encode("utf-8", "replace"))

    def limit(self, seconds: float) -> None:
        """The hook will have answered within `seconds` of its start (its deadline moved)."""


class Answer:
    """The hook's one answer: whoever gives it first (the work or the deadline) writes it; the other stays quiet."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self._lock = threading.Lock()
        self._given = False
        self.event = "PreToolUse"  # which hook event is being answered (by Claude Code's name for it)
        self.client = "claude-code"  # whose hook: how a deadline is answered
        self.on_error = "ask"  # validation.on_error, once the configuration is read
        self.stage = "reading the hook input"

    def give(self, out: str | None, err: str | None, code: int) -> int:
        with self._lock:
            if self._given:
                threading.Event().wait()  # the deadline answered: its process exit ends this thread too
            self._given = True
            with contextlib.suppress(OSError):  # whoever asked is gone (Claude Code gave up): nobody is left to tell
                self.channel.answer(out, err, code)
        return code

    def refuse(self, message: str) -> int:
        """Exit 2 with the reason: a block in every hook event that can block, a message to the agent elsewhere."""
        what = "blocked this call" if self.event == "PreToolUse" else "could not handle this hook event"
        return self.block(f"Lighthouse {what}: {message}")

    def block(self, message: str) -> int:
        """Exit 2 with `message` on stderr and, for Cursor, its deny answer on stdout."""
        out, err, code = blocked(self.client, message)
        return self.give(out.decode("utf-8").rstrip("\n") or None, err.decode("utf-8", "replace").rstrip("\n"), code)

    def on_deadline(self, deadline_s: float) -> int:
        """Past the deadline: `validation.on_error` for a tool call, a block with the reason for anything else."""
        reason = f"Lighthouse did not finish {self.stage} within its {deadline_s:g} s deadline (hook.deadline_s)"
        if self.event == "PreToolUse" and self.on_error == "ask" and self.client == "claude-code":
            answer = {
                "hookSpecificOutput": {
                    "hookEventName": "PreToolUse",
                    "permissionDecision": "ask",
                    "permissionDecisionReason": f"Lighthouse: ask: {reason} [validation.deadline]",
                }
            }
            return self.give(json.dumps(answer), None, 0)
        return self.block(f"{reason} [validation.deadline]")


class Deadline:
    """Answers for the hook when its work runs too long, then ends the process (a thread stuck in native code, a
    locked store or a slow policy cannot hold the call open past Claude Code's timeout)."""

    def __init__(
        self,
        answer: Answer,
        seconds: float,
        on_set: Callable[[float], None] | None = None,
        started: float | None = None,
    ) -> None:
        """`started`: when the hook started (time.monotonic()), if before now: the hook's process may have spent
        time on a hook server that did not take the call, and Claude Code's timeout counts from its start."""
        self._answer = answer
        self._on_set = on_set  # told each new deadline (the hook server passes it on to its client)
        self._started = time.monotonic() if started is None else started
        self._seconds = seconds
        self._cancel = threading.Event()
        self._moved = threading.Event()
        self.record: Callable[[], None] | None = None  # run once the answer is out, if it can record in time
        threading.Thread(target=self._watch, name="hook-deadline", daemon=True).start()

    def set(self, seconds: float) -> None:
        """The deadline, counted from the start of the hook."""
        self._seconds = seconds
        self._moved.set()
        if self._on_set is not None:
            self._on_set(seconds)

    def left(self) -> float:
        return self._seconds - (time.monotonic() - self._started)

    def cancel(self) -> None:
        self._cancel.set()
        self._moved.set()

    def _watch(self) -> None:
        while not self._cancel.is_set():
            self._moved.clear()
            if self._moved.wait(max(0.0, self.left())):
                continue
            if self._cancel.is_set():
                return
            code = BLOCK
            try:
                code = self._answer.on_deadline(self._seconds)
                if self.record is not None:  # one second more to leave a trace, no longer
                    recorder = threading.Thread(target=self.record, daemon=True)
                    recorder.start()
                    recorder.join(1.0)
            finally:
                os._exit(code)  # whatever happened above: a process past its deadline ends


def respond(data: bytes, channel: Channel, started: float | None = None, standby: Standby | None = None) -> int:
    """Answer the hook input `data` (at most MAX_HOOK_INPUT + 1 bytes read) on `channel`, whatever happens;
    returns the exit code. Past the deadline the process ends (after the deadline's answer is given). `standby`:
    the project's store, opened ahead by a hook server's spare."""
    answer = Answer(channel)
    deadline = Deadline(answer, DEFAULT_DEADLINE_S, channel.limit, started)
    try:
        return _run(answer, deadline, data, standby)
    except BaseException as exc:  # RecursionError, MemoryError, KeyboardInterrupt…: all end in a block
        return answer.refuse(f"internal error: {type(exc).__name__}: {str(exc)[:500]}")
    finally:
        deadline.cancel()


def _run(answer: Answer, deadline: Deadline, data: bytes, standby: Standby | None) -> int:
    from lighthouse_mcp.errors import LighthouseError
    from lighthouse_mcp.hooks import codex, cursor, gemini

    kind = os.environ.get(AGENT_KIND_ENV)
    answer.client = CLIENTS.get(kind or "claude", answer.client)  # whose terms a refusal of unreadable input is in
    if len(data) > MAX_HOOK_INPUT:
        return answer.refuse(f"hook input is over the limit of {MAX_HOOK_INPUT} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return answer.refuse(f"hook input is not UTF-8 ({exc.reason} at byte {exc.start})")
    try:
        hook = read_hook_input(text, kind)
    except LighthouseError as exc:
        return answer.refuse(str(exc))
    answer.event = hook.event
    answer.client = hook.client
    quiet = {gemini.CLIENT: gemini.QUIET_EVENTS, cursor.CLIENT: cursor.QUIET_EVENTS, codex.CLIENT: codex.QUIET_EVENTS}
    if hook.event in quiet.get(hook.client, QUIET_EVENTS):
        return answer.give("{}", None, 0)
    if hook.event not in ("PreToolUse", "PostToolUse"):
        return answer.refuse(
            f"Lighthouse does not know the hook event {hook.event[:80]!r}: take it out of the hook's events in "
            f"{SETTINGS[hook.client]}, or upgrade Lighthouse"
        )
    try:
        answer.stage = "reading its configuration"
        home, expected = _home(hook)
        config = _config(home)
        answer.on_error = config.validation.on_error
        deadline.set(min(config.hook.deadline_s, config.hook.timeout_s - 3))
        if hook.event == "PreToolUse":
            return _pre_tool_use(hook, home, expected, config, answer, deadline, standby)
        return _post_tool_use(hook, home, expected, config, answer, standby)
    except LighthouseError as exc:
        return answer.refuse(str(exc))


def read_hook_input(text: str, kind: str | None) -> HookInput:
    """The hook input in the dialect of the agent `kind` (`lighthouse hook --agent-kind`), or, without one, of
    the agent it comes from: Gemini CLI's and Cursor's events have names of their own, Codex CLI's tool events carry
    a `turn_id`. Input in another agent's dialect than the one named is refused: the hook was set up for one agent
    and is being fed another's calls."""
    from lighthouse_mcp.errors import DataError
    from lighthouse_mcp.hooks import claude, codex, cursor, gemini

    if kind is not None and kind not in AGENT_KINDS:
        raise DataError(f"unknown agent kind {kind[:40]!r} (--agent-kind): one of {', '.join(AGENT_KINDS)}")
    data = claude.load_hook_json(text)
    event = data["hook_event_name"]
    spoken = (
        "cursor" if cursor.speaks(event) else "gemini" if gemini.speaks(event) and event not in QUIET_EVENTS else None
    )
    if event in codex.TOOL_EVENTS:  # Claude Code's events too: Codex CLI's carry a `turn_id`
        spoken = "codex" if kind == "codex" or codex.speaks(data) else "claude"
    kind = kind or spoken or "claude"
    if spoken is not None and spoken != kind:
        raise DataError(
            f"this hook is set up for {AGENT_NAMES[kind]} (--agent-kind {kind}) but got {AGENT_NAMES[spoken]}'s "
            f"{event} (--agent-kind {spoken})"
        )
    if kind == "cursor":
        return cursor.hook_input_from(data)
    if kind == "gemini":
        return gemini.hook_input_from(data)
    if kind == "codex":
        return codex.hook_input_from(data)
    return claude.hook_input_from(data)


def _home(hook: HookInput) -> tuple[ProjectHome | None, bool]:
    """The project home, and whether it must be there: the hook was told where it is (`--home` or
    LIGHTHOUSE_HOME), or it is Codex CLI's, which `init --codex` sets up only in a project with a home (and which
    cannot say where its project is). Then a home that is gone is the audit log gone, not a directory Lighthouse
    was never set up in."""
    from lighthouse_mcp.home import find_home
    from lighthouse_mcp.hooks import codex

    expected = bool(os.environ.get("LIGHTHOUSE_HOME")) or hook.client == codex.CLIENT
    start = hook.cwd or _project_dir(hook)
    home = find_home(Path(start) if start else None)
    if home is not None and not home.path.is_dir():
        home = None
    return home, expected


def _project_dir(hook: HookInput) -> str | None:
    """The project directory the agent gives its hooks in the environment, where it does."""
    name = PROJECT_DIR_ENV.get(hook.client)
    return os.environ.get(name) if name else None


def _config(home: ProjectHome | None) -> Config:
    from lighthouse_mcp.config import load_config

    return load_config(home.config_path if home else None)


def _pre_tool_use(
    hook: HookInput,
    home: ProjectHome | None,
    expected: bool,
    config: Config,
    answer: Answer,
    deadline: Deadline,
    standby: Standby | None,
) -> int:
    from lighthouse_mcp.validation.gate import Caller, Gate
    from lighthouse_mcp.validation.service import ValidationService

    failures: list[NewEvent] = []
    caller = Caller(config.agent.name, config.agent.role, hook.session, hook.client)
    answer.stage = "loading the policies"
    service = ValidationService(home, config, record=failures.append, session=hook.session, one_call=True)
    answer.stage = "opening the event store"
    gate = Gate.open(service, expected=expected, standby=standby)
    deadline.record = lambda: _record_deadline(gate, caller, hook, answer.stage, config)
    try:
        if gate.store is not None and config.store.url:  # a shared store: this machine's policy files follow it
            from lighthouse_mcp.policy.sync import PolicySync

            PolicySync(gate.store, home.policies_dir).sync(fresh=True)  # type: ignore[union-attr]
        answer.stage = "deciding"
        project = _project_dir(hook) if home is None else None
        decision = gate.decide(hook.tool, hook.tool_input, cwd=hook.cwd, caller=caller, project=project)
        if any(f.escalate for f in decision.findings):
            answer.stage = "asking an expert"
            decision = _escalate(decision, home, config, caller, failures)
        answer.stage = "recording the decision"
        decision = gate.settle(decision, caller, aggregate=hook.tool_use_id, before=failures)
        if gate.store is not None and config.approvals.enabled and decision.decision == "ask":
            answer.stage = "waiting for a person's approval"
            decision = _ask_a_person(gate, decision, config, caller, deadline, answer.channel)
        return _pre_tool_use_answer(hook, decision, config, answer)
    finally:
        gate.close()  # after the answer: what it was is recorded, and closing may checkpoint the store's log


def _pre_tool_use_answer(hook: HookInput, decision: Decision, config: Config, answer: Answer) -> int:
    """The decision in the agent's terms: Claude Code's permissionDecision, or Gemini CLI's, Codex CLI's or Cursor's
    answer (where only an allow lets the call run)."""
    from lighthouse_mcp.hooks import codex, cursor
    from lighthouse_mcp.hooks.claude import pre_tool_use_output
    from lighthouse_mcp.hooks.gemini import before_tool_answer

    if hook.client == codex.CLIENT:
        out, err = codex.pre_tool_use_answer(decision.summary, decision.decision)
        return answer.give(out, err, 0 if err is None else BLOCK)
    granted = any(r["rule"] == "approvals.granted" for r in decision.reasons)
    if hook.client == "gemini-cli":
        out, err = before_tool_answer(
            decision.summary, decision.decision, on_allow=config.hook.on_allow, granted=granted
        )
        return answer.give(out, err, 0 if err is None else BLOCK)
    if hook.client == cursor.CLIENT:
        return answer.give(
            *cursor.before_answer(decision.summary, decision.decision, on_allow=config.hook.on_allow, granted=granted)
        )
    output = pre_tool_use_output(decision, on_allow=config.hook.on_allow)
    if decision.decision == "deny":
        message = f"Lighthouse denied this call: {decision.summary}"
        return answer.give(json.dumps(output, ensure_ascii=False), message, BLOCK)
    return answer.give(json.dumps(output, ensure_ascii=False) if output is not None else None, None, 0)


def _record_deadline(gate: Gate, caller: Caller, hook: HookInput, stage: str, config: Config) -> None:
    """What the deadline answered, recorded on a connection of its own (the gate's may be what is stuck)."""
    from lighthouse_mcp.errors import LighthouseError
    from lighthouse_mcp.events.model import NewEvent
    from lighthouse_mcp.events.store import open_store

    home = gate.service.home
    if home is None:
        return
    payload = {
        "tool": hook.tool,
        "stage": stage,
        "deadline_s": config.hook.deadline_s,
        "answer": config.validation.on_error,
    }
    event = NewEvent("hook.deadline", payload, agent=caller.agent, session=caller.session, aggregate=hook.tool_use_id)
    try:
        store = open_store(home, config, busy_timeout_ms=500)
        try:
            store.append(event)
        finally:
            store.close()
    except LighthouseError:
        pass  # the store may be what is stuck: the answer is out either way


def _escalate(
    decision: Decision, home: ProjectHome | None, config: Config, caller: Caller, events: list[NewEvent]
) -> Decision:
    """Findings marked for an expert are judged by it (this imports the LLM SDKs: only on this path)."""
    import anyio

    from lighthouse_mcp.experts.consult import ExpertService
    from lighthouse_mcp.experts.escalation import escalate
    from lighthouse_mcp.experts.profiles import load_profiles

    async def judged() -> tuple[Decision, list[NewEvent]]:
        experts = ExpertService(config.experts, load_profiles(home.experts_dir if home else None))
        try:
            timeout = config.validation.escalation_timeout_s
            return await escalate(decision, experts, timeout, agent=caller.agent, session=caller.session)
        finally:
            await experts.aclose()

    decided, consulted = anyio.run(judged)
    events.extend(consulted)
    return decided


def _ask_a_person(
    gate: Gate, decision: Decision, config: Config, caller: Caller, deadline: Deadline, channel: Channel
) -> Decision:
    """Route an ask to a person when the configuration says so: record the request, wait for the answer (never
    past the hook's timeout, after which Claude Code would run the call unchecked)."""
    from lighthouse_mcp.agents import approvals

    store = gate.store
    if store is None or not approvals.needs_approval(decision, config.approvals):
        return decision
    wait_s = max(
        1, min(config.approvals.timeout_s, int(config.hook.timeout_s - 3 - (config.hook.deadline_s - deadline.left())))
    )
    deadline.set(config.hook.timeout_s - 2)  # the wait has its own bound; the deadline stays a backstop
    approval_id, asked = approvals.request(decision, timeout_s=wait_s, agent=caller.agent, session=caller.session)
    store.append(asked)
    channel.note(f"Lighthouse: waiting {wait_s} s for `lighthouse approvals approve|deny {approval_id}`")
    resolution = approvals.wait(store, approval_id, wait_s)
    if resolution is None:
        store.append(approvals.expired_event(approval_id, by=caller.agent))
    return approvals.outcome(decision, resolution, config.approvals, approval_id)


def _post_tool_use(
    hook: HookInput, home: ProjectHome | None, expected: bool, config: Config, answer: Answer, standby: Standby | None
) -> int:
    """Record what ran (and the file it changed) and scan what it returned. The call has run already: when it cannot
    be recorded the agent is told so (exit 2 shows the reason to it). A call the agent gives no chance to stop
    (`judged_after`) is decided now, as it would have been before it ran, and recorded as bypassing Lighthouse when
    it would not have been allowed. Cursor reads nothing after a call, but wants JSON all the same."""
    from lighthouse_mcp.events.query import EventFilter
    from lighthouse_mcp.hooks import cursor
    from lighthouse_mcp.hooks.claude import bypassed_event, changed_files, file_event, ran_event
    from lighthouse_mcp.validation.gate import Caller, Gate
    from lighthouse_mcp.validation.service import ValidationService

    failures: list[NewEvent] = []
    service = ValidationService(home, config, record=failures.append, session=hook.session, one_call=True)
    answer.stage = "scanning the tool's output"
    scanned = _scan_output(hook, service, config)
    output = json.dumps(scanned[0], ensure_ascii=False) if scanned is not None and scanned[0] is not None else None
    if hook.client == cursor.CLIENT:
        output = "{}"
    answer.stage = "opening the event store"
    gate = Gate.open(service, expected=expected, standby=standby)
    try:
        if gate.store is None:
            if gate.problem is None:  # no project home here: nothing to record
                return answer.give(output, None, 0)
            message = f"Lighthouse could not record this call: {gate.problem.message}"
            return answer.block(message) if hook.client == cursor.CLIENT else answer.give(output, message, BLOCK)
        store = gate.store
        if hook.judged_after:
            answer.stage = "deciding"
            caller = Caller(config.agent.name, config.agent.role, hook.session, hook.client)
            decision = gate.decide(hook.tool, hook.tool_input, cwd=hook.cwd, caller=caller, project=_project_dir(hook))
            gate.settle(decision, caller, aggregate=hook.tool_use_id, before=failures)
        answer.stage = "recording what ran"
        decided = None
        if hook.tool_use_id:
            page = store.query(EventFilter(types=("validation.decided",), aggregate=hook.tool_use_id, limit=1))
            if page.events:
                event = page.events[0]
                decided = {**event.payload, "seq": event.seq}
        agent = config.agent.name
        events = [ran_event(hook, decided, agent=agent)]
        unpermitted = ("deny", "ask") if hook.judged_after else ("deny",)  # ask: a person was never asked
        if decided is not None and decided.get("decision") in unpermitted:
            events.append(bypassed_event(hook, decided, agent=agent))
        for changed in changed_files(hook, keep_secrets=config.store.secret_file_contents):
            digest = store.put_blob(changed.content) if changed.content is not None else None
            events.append(file_event(changed, digest, hook, agent=agent))
        if scanned is not None and scanned[1] is not None and config.scan.record:
            events.append(scanned[1])
        if scanned is not None:  # what it read may taint the session (agents/taint.py)
            from lighthouse_mcp.agents.taint import read_by_hook

            events += read_by_hook(hook, scanned[1], config, store, str(home.root) if home else None)
        store.append_batch(events)
        return answer.give(output, None, 0)
    finally:
        gate.close()  # after the answer (see _pre_tool_use)


def _scan_output(
    hook: HookInput, service: ValidationService, config: Config
) -> tuple[dict[str, Any] | None, NewEvent] | None:
    """Scan what the tool returned: the agent's answer (None when the risk is below scan.hook_min_risk) and the
    response.scanned event; None when the tool's output is not scanned."""
    from lighthouse_mcp.hooks import claude, gemini
    from lighthouse_mcp.validation.responses import scan_event
    from lighthouse_mcp.vocabulary import RISK_RANK

    if not config.scan.hook:
        return None
    found = claude.response_text(
        hook, config.scan.max_bytes, gemini.SCANNED if hook.client == "gemini-cli" else claude.SCANNED_TOOLS
    )
    if found is None:
        return None
    text, truncated = found
    result = service.scanner.scan(text, claude.scan_source(hook))
    min_risk = config.scan.hook_min_risk
    if hook.client == "gemini-cli":
        context = claude.scan_context(result, min_risk=min_risk, truncated=truncated)
        hide = RISK_RANK[result.risk] >= RISK_RANK["high"]
        output = gemini.after_tool_answer(context, hide=hide, summary=result.summary())
    else:
        output = claude.post_tool_use_output(result, min_risk=min_risk, truncated=truncated)
    event = scan_event(
        result,
        agent=config.agent.name,
        session=hook.session,
        tool=hook.tool,
        aggregate=hook.tool_use_id,
        truncated=truncated,
        client=hook.client,
    )
    return output, event
