"""`lighthouse hook`: the Claude Code hook. Reads the hook JSON on stdin and answers per Claude Code's spec.

Whatever goes wrong in a PreToolUse hook, the answer is a block (exit 2 with the reason on stderr), never a
silent allow.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

BLOCK = 2


def register(commands: Any) -> None:
    p = commands.add_parser("hook", help="Claude Code hook: hook JSON on stdin, answer on stdout", description=__doc__)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.buffer.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        return _refuse(f"hook input is not UTF-8 ({exc.reason} at byte {exc.start})")
    from lighthouse_mcp.errors import DataError, LighthouseError
    from lighthouse_mcp.hooks.claude import parse_hook_input

    try:
        hook = parse_hook_input(text)
    except DataError as exc:
        return _refuse(str(exc))
    try:
        if hook.event == "PreToolUse":
            return _pre_tool_use(hook)
        if hook.event == "PostToolUse":
            return _post_tool_use(hook)
    except LighthouseError as exc:
        return _refuse(str(exc)) if hook.event == "PreToolUse" else _warn(str(exc))
    except Exception as exc:
        message = f"internal error: {type(exc).__name__}: {exc}"
        return _refuse(message) if hook.event == "PreToolUse" else _warn(message)
    return 0


def _refuse(message: str) -> int:
    print(f"Lighthouse blocked this call: {message}", file=sys.stderr)
    return BLOCK


def _warn(message: str) -> int:
    print(f"lighthouse hook: {message}", file=sys.stderr)
    return 1


def _setting(hook: Any) -> tuple[Any, Any]:
    from lighthouse_mcp.config import load_config
    from lighthouse_mcp.home import find_home

    start = hook.cwd or os.environ.get("CLAUDE_PROJECT_DIR")
    home = find_home(Path(start) if start else None)
    if home is not None and not home.path.is_dir():
        home = None
    return home, load_config(home.config_path if home else None)


def _pre_tool_use(hook: Any) -> int:
    from lighthouse_mcp.errors import LighthouseError
    from lighthouse_mcp.hooks.claude import pre_tool_use_output
    from lighthouse_mcp.validation.decision import decision_event, unaudited, with_findings
    from lighthouse_mcp.validation.service import ValidationService

    home, config = _setting(hook)
    failures: list[Any] = []
    service = ValidationService(home, config, record=failures.append, session=hook.session)
    project = os.environ.get("CLAUDE_PROJECT_DIR") if home is None else None
    store, store_error = _open_store(home, config) if home is not None else (None, None)
    try:
        if store is not None and config.store.url:  # a shared store: this machine's policy files follow it
            from lighthouse_mcp.policy.sync import PolicySync

            PolicySync(store, home.policies_dir).sync(fresh=True)
        held = _claims(store, str(home.root)) if store is not None else ()
        request = service.request(hook.tool, hook.tool_input, cwd=hook.cwd, project=project, claims=held)
        decision = service.validator.validate(request)
        if store is not None:
            window = _decision_window(store, config)
            decision = with_findings(decision, service.over_limit(window, config.agent.name, config.agent.role))
        if any(f.escalate for f in decision.findings):
            decision = _escalate(decision, home, config, hook, failures)
        if home is not None and config.validation.record:
            event = decision_event(decision, agent=config.agent.name, session=hook.session, aggregate=hook.tool_use_id)
            try:
                if store is None:
                    raise store_error or LighthouseError("the event store is not open")
                store.append_batch([*failures, event])
            except LighthouseError as exc:
                decision = unaudited(decision, str(exc))
        if store is not None and config.approvals.enabled and decision.decision == "ask":
            decision = _ask_a_person(store, decision, config, hook)
    finally:
        if store is not None:
            store.close()
    output = pre_tool_use_output(decision, on_allow=config.hook.on_allow)
    if output is not None:
        print(json.dumps(output, ensure_ascii=False))
    if decision.decision == "deny":
        print(f"Lighthouse denied this call: {decision.summary}", file=sys.stderr)
        return BLOCK
    return 0


def _escalate(decision: Any, home: Any, config: Any, hook: Any, events: list[Any]) -> Any:
    """Findings marked for an expert are judged by it (this imports the LLM SDKs: only on this path)."""
    import anyio

    from lighthouse_mcp.experts.consult import ExpertService
    from lighthouse_mcp.experts.escalation import escalate
    from lighthouse_mcp.experts.profiles import load_profiles

    async def judged() -> Any:
        experts = ExpertService(config.experts, load_profiles(home.experts_dir if home else None))
        try:
            timeout = config.validation.escalation_timeout_s
            return await escalate(decision, experts, timeout, agent=config.agent.name, session=hook.session)
        finally:
            await experts.aclose()

    decided, consulted = anyio.run(judged)
    events.extend(consulted)
    return decided


def _ask_a_person(store: Any, decision: Any, config: Any, hook: Any) -> Any:
    """Route an ask to a person when the configuration says so: record the request, wait for the answer."""
    from lighthouse_mcp.agents import approvals

    if not approvals.needs_approval(decision, config.approvals):
        return decision
    timeout = config.approvals.timeout_s
    approval_id, asked = approvals.request(decision, timeout_s=timeout, agent=config.agent.name, session=hook.session)
    store.append(asked)
    print(f"Lighthouse: waiting {timeout} s for `lighthouse approvals approve|deny {approval_id}`", file=sys.stderr)
    resolution = approvals.wait(store, approval_id, timeout)
    if resolution is None:
        store.append(approvals.expired_event(approval_id, by=config.agent.name))
    return approvals.outcome(decision, resolution, config.approvals, approval_id)


def _decision_window(store: Any, config: Any) -> Any:
    """This agent's recorded decisions in the rate-limit window, or None when they cannot be read."""
    from lighthouse_mcp.agents.rates import DecisionWindow
    from lighthouse_mcp.errors import LighthouseError

    try:
        return DecisionWindow(store, config.limits.window_s, agent=config.agent.name)
    except LighthouseError:
        return None


def _open_store(home: Any, config: Any) -> tuple[Any, Any]:
    """The project's store, or None and the error that kept it closed (the caller decides what that means)."""
    from lighthouse_mcp.errors import LighthouseError
    from lighthouse_mcp.events.store import open_store

    try:
        return open_store(home, config), None
    except LighthouseError as exc:
        return None, exc


def _claims(store: Any, root: str) -> tuple[dict[str, str], ...]:
    """The file claims in force, for the validator, read against this checkout's project root."""
    from lighthouse_mcp.agents import claims

    return claims.rego_claims(claims.ClaimsView(store, root=root).held())


def _post_tool_use(hook: Any) -> int:
    from lighthouse_mcp.hooks.claude import bypassed_event, changed_file, file_event, ran_event

    home, config = _setting(hook)
    scanned = _scan_output(hook, home, config) if config.scan.hook else None
    if scanned is not None:
        output, _ = scanned
        if output is not None:
            print(json.dumps(output, ensure_ascii=False))
    if home is None:
        return 0
    from lighthouse_mcp.events.query import EventFilter
    from lighthouse_mcp.events.store import open_store

    store = open_store(home, config)
    try:
        decided = None
        if hook.tool_use_id:
            page = store.query(EventFilter(types=("validation.decided",), aggregate=hook.tool_use_id, limit=1))
            if page.events:
                event = page.events[0]
                decided = {**event.payload, "seq": event.seq}
        agent = config.agent.name
        events = [ran_event(hook, decided, agent=agent)]
        if decided is not None and decided.get("decision") == "deny":
            events.append(bypassed_event(hook, decided, agent=agent))
        changed = changed_file(hook)
        if changed is not None:
            digest = store.put_blob(changed.content) if changed.content is not None else None
            events.append(file_event(changed, digest, hook, agent=agent))
        if scanned is not None and scanned[1] is not None and config.scan.record:
            events.append(scanned[1])
        store.append_batch(events)
    finally:
        store.close()
    return 0


def _scan_output(hook: Any, home: Any, config: Any) -> tuple[dict[str, Any] | None, Any] | None:
    """Scan what the tool returned: Claude Code's answer (None when the risk is below scan.hook_min_risk) and the
    response.scanned event; None when the tool's output is not scanned."""
    from lighthouse_mcp.hooks.claude import post_tool_use_output, response_text, scan_source
    from lighthouse_mcp.validation.responses import scan_event
    from lighthouse_mcp.validation.service import ValidationService

    found = response_text(hook, config.scan.max_bytes)
    if found is None:
        return None
    text, truncated = found
    result = ValidationService(home, config).scanner.scan(text, scan_source(hook))
    output = post_tool_use_output(result, min_risk=config.scan.hook_min_risk, truncated=truncated)
    event = scan_event(
        result, agent=config.agent.name, session=hook.session, tool=hook.tool, aggregate=hook.tool_use_id
    )
    return output, event
