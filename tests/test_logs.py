"""Logs: JSON lines or plain lines, always on stderr, with `extra=` fields carried along."""

from __future__ import annotations

import json
import logging

import pytest

from lighthouse_mcp import logs


@pytest.fixture(autouse=True)
def _restore_logging() -> object:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("info", "json")
    logging.getLogger("lighthouse.test").info("stored %d events", 3, extra={"home": "/p"})
    logging.getLogger("lighthouse.test").debug("hidden below the level")
    out, err = capsys.readouterr()
    assert out == ""
    (line,) = err.splitlines()
    record = json.loads(line)
    assert record["level"] == "info" and record["logger"] == "lighthouse.test"
    assert record["msg"] == "stored 3 events" and record["home"] == "/p"
    assert record["ts"].endswith("Z")


def test_plain_lines_with_extras(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("debug", "plain")
    logging.getLogger("lighthouse.test").warning("slow", extra={"ms": 12})
    out, err = capsys.readouterr()
    assert out == ""
    assert "warning" in err and "lighthouse.test: slow ms=12" in err
