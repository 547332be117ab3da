"""`lighthouse scan [--json] [FILE|-]` and `lighthouse scan --jsonl FILE|-`: is this text safe to act on?

Scans for prompt injection (including hidden Unicode), malicious code, secrets and exfiltration links. Works without a
project home and writes nothing unless asked (`--record` appends a response.scanned event; `--suppress` adds a
suppression to .lighthouse/suppressions.yaml). Exit codes without --json/--jsonl: 0 when the risk is none or low,
2 when it is medium or more.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from lighthouse_mcp.errors import DataError, UsageError
from lighthouse_mcp.vocabulary import RISK_RANK

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands
    from lighthouse_mcp.config import Config
    from lighthouse_mcp.events.store import EventStore
    from lighthouse_mcp.home import ProjectHome
    from lighthouse_mcp.validation.responses import Scanner, ScanResult

    Recorder = Callable[[ScanResult], None]


def register(commands: Commands) -> None:
    p = commands.add_parser(
        "scan",
        help="scan text for injection, malicious code, secrets, exfiltration (exit 0 low, 2 medium+)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", nargs="?", metavar="FILE|-", help="the text to scan (- or nothing: standard input)")
    p.add_argument("--json", action="store_true", help="print the result as JSON (exit 0)")
    p.add_argument("--jsonl", metavar="FILE", help="batch: JSON Lines in ({'text', 'source'?}), one result out each")
    p.add_argument("--sanitize", action="store_true", help="print the sanitized text instead of the findings")
    p.add_argument("--source", help="where the text came from, for the audit log")
    p.add_argument("--record", action="store_true", help="append each scan to the project's event store")
    p.add_argument("--suppress", metavar="FINGERPRINT", help="silence one finding (with --rule and --reason)")
    p.add_argument("--rule", help="the rule id of the finding to suppress")
    p.add_argument("--reason", help="why the suppressed finding is not a threat")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from lighthouse_mcp.config import load_config
    from lighthouse_mcp.home import find_home
    from lighthouse_mcp.validation.service import ValidationService

    home = find_home()
    config = load_config(home.config_path if home else None)
    if args.suppress is not None or args.rule is not None or args.reason is not None:
        return _suppress(args, home, config)
    if args.jsonl and args.file:
        raise UsageError("scan: give either FILE or --jsonl, not both")
    if args.record and home is None:
        raise UsageError("scan --record needs a project home: run `lighthouse init`")
    scanner = ValidationService(home, config).scanner
    store = _open_store(home, config) if args.record and home is not None else None
    try:
        record = _recorder(store, config) if store is not None else None
        if args.jsonl:
            return _batch(scanner, args, record)
        text = _read_text(args.file, config.scan.max_bytes)
        result = scanner.scan(text, args.source or _source_name(args.file))
        if record:
            record(result)
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False))
            return 0
        if args.sanitize:
            sys.stdout.write(result.sanitized)
        else:
            _print_human(result)
        return 0 if RISK_RANK[result.risk] <= RISK_RANK["low"] else 2
    finally:
        if store is not None:
            store.close()


def _read_text(name: str | None, limit: int) -> str:
    """The whole input as text; too big or not UTF-8 is a DataError naming the problem."""
    if name in (None, "-"):
        if sys.stdin.isatty():
            raise UsageError("scan: give a FILE, or pipe the text in (lighthouse scan - < FILE)")
        return _decode(sys.stdin.buffer, "standard input", limit)
    try:
        with open(name, "rb") as handle:
            return _decode(handle, name, limit)
    except IsADirectoryError as exc:
        raise UsageError(f"scan: {name} is a directory") from exc
    except OSError as exc:
        raise UsageError(f"scan: cannot read {name}: {exc.strerror}") from exc


def _decode(handle: BinaryIO, name: str, limit: int) -> str:
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise DataError(f"scan: {name} is over the scan limit of {limit} bytes (scan.max_bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"scan: {name} is not UTF-8 text (byte {exc.start}: {exc.reason})") from exc


def _source_name(name: str | None) -> str | None:
    return None if name in (None, "-") else f"file {name}"[:200]


def _batch(scanner: Scanner, args: argparse.Namespace, record: Recorder | None) -> int:
    if args.jsonl == "-":
        source: TextIO = sys.stdin
    else:
        try:
            source = open(args.jsonl, encoding="utf-8", errors="surrogateescape")  # noqa: SIM115
        except OSError as exc:
            raise UsageError(f"scan --jsonl: cannot read {args.jsonl}: {exc.strerror}") from exc
    try:
        for number, line in enumerate(source, start=1):
            if line.strip():
                print(json.dumps(_one(scanner, line, number, record), ensure_ascii=False), flush=True)
    finally:
        if source is not sys.stdin:
            source.close()
    return 0


def _one(scanner: Scanner, line: str, number: int, record: Recorder | None) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"line": number, "error": f"line {number} is not JSON: {exc.msg}"}
    except UnicodeError:
        return {"line": number, "error": f"line {number} is not UTF-8"}
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return {"line": number, "error": f"line {number} needs an object with a string 'text'"}
    unknown = set(item) - {"text", "source"}
    if unknown:
        return {"line": number, "error": f"line {number} has unknown key {sorted(unknown)[0]!r}"}
    try:
        result = scanner.scan(item["text"], item.get("source"))
    except DataError as exc:
        return {"line": number, "error": f"line {number}: {exc}"}
    if record:
        record(result)
    out: dict[str, Any] = result.to_json()
    return out


def _print_human(result: ScanResult) -> None:
    print(f"risk {result.risk}" + (f" ({', '.join(result.categories)})" if result.categories else ""))
    for threat in result.threats:
        print(f"  {threat.severity:<8} {threat.category:<16} {threat.rule}  [{threat.start}:{threat.end}]")
        print(f"           {threat.detail}")
        print(f"           excerpt: {json.dumps(threat.excerpt, ensure_ascii=False)}  fingerprint {threat.fingerprint}")
    for threat, entry in result.suppressed:
        print(f"  suppressed {threat.rule} {threat.fingerprint}: {entry.reason}")
    if not result.threats:
        print("  nothing found")


def _suppress(args: argparse.Namespace, home: ProjectHome | None, config: Config) -> int:
    from lighthouse_mcp.validation.responses import suppression_event
    from lighthouse_mcp.validation.suppressions import add_suppression

    if args.suppress is None or args.rule is None or args.reason is None:
        raise UsageError("scan --suppress FINGERPRINT needs --rule RULE and --reason TEXT, all three")
    if home is None:
        raise UsageError("scan --suppress needs a project home: run `lighthouse init`")
    entry = add_suppression(home.suppressions_path, args.rule, args.suppress, args.reason)
    store = _open_store(home, config)
    try:
        store.append(suppression_event(entry, agent=config.agent.name))
    finally:
        store.close()
    print(f"suppressed {entry.rule} {entry.fingerprint} in {home.suppressions_path}")
    return 0


def _open_store(home: ProjectHome, config: Config) -> EventStore:
    from lighthouse_mcp.events.store import open_store

    return open_store(home, config)


def _recorder(store: EventStore, config: Config) -> Recorder:
    from lighthouse_mcp.validation.responses import scan_event

    def record(result: ScanResult) -> None:
        store.append(scan_event(result, agent=config.agent.name, session=None))

    return record
