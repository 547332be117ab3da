"""The environment for a `lighthouse` subprocess in a test: no LIGHTHOUSE_* setting leaks in from outside, the
child imports this checkout, and the test adds what it means to set."""

from __future__ import annotations

import os
import sys


def lighthouse_env(**settings: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIGHTHOUSE_")}
    return clean | {"PYTHONPATH": os.pathsep.join(sys.path), **settings}
