"""The providers' SDKs are imported once for the session, as in a server that has been running a while: several
tests give an expert a wait of a second or two, and importing an SDK inside that wait (seconds on a loaded
machine) would make them measure the import instead of the behaviour."""

from __future__ import annotations

import importlib

import pytest


@pytest.fixture(scope="session", autouse=True)
def _providers_imported() -> None:
    for module in ("anthropic", "openai"):
        importlib.import_module(module)
