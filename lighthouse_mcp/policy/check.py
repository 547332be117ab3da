"""Compile Rego modules in this (child) process: `python -m lighthouse_mcp.policy.check < modules.json`.

Exit 0 when they compile and answer a query, 1 with the error on stdout when they do not; a native crash of the
engine shows as a signal in the parent, which then refuses the modules instead of crashing itself.
"""

from __future__ import annotations

import json
import sys

from lighthouse_mcp.policy.engine import Module, PolicyError, RegoEngine


def main() -> int:
    modules = [Module(name, source, path) for name, source, path in json.load(sys.stdin)]
    try:
        engine = RegoEngine(modules)
        engine.evaluate(
            {
                "tool": "Bash",
                "paths": [],
                "findings": [],
                "agent": {"name": "check", "role": "builder"},
                "claims": [],
                "flows": [],
                "commands": [],
            }
        )
    except PolicyError as exc:
        print(exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
