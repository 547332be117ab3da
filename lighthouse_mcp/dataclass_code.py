"""The code `dataclasses` generates, compiled once and kept, for processes that start often (the hook).

Making a dataclass compiles the source of its `__init__`, `__repr__`, `__eq__`, `__hash__`, `__setattr__` and
`__delattr__`: about 0.8 ms a class on CPython 3.11, nearly all of it in the compiler, and a hook deciding in its
own process makes 64 classes at import (half its time). The compiled code depends on that source alone (the
defaults, types and globals a class uses are passed in when the code runs), so it is kept in a file beside the
package's bytecode, and `install` has `dataclasses` run the kept code for a source it has seen: each class is the one
`dataclasses` makes without it. The file is written by the install (`python -m lighthouse_mcp.dataclass_code`) and,
as Python writes bytecode, by a process that compiled something it did not hold (`save`), unless bytecode is not to
be written (PYTHONDONTWRITEBYTECODE, `-B`). Like bytecode, it is trusted as part of the installation: it lives in
the package's directory, which the validator guards as Lighthouse's own code.
"""

import builtins
import contextlib
import dataclasses
import marshal
import os
import sys

# Neither typing nor __future__ is imported: this module is loaded first thing on the hook's path.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import CodeType
    from typing import Any

PATH = os.path.join(os.path.dirname(__file__), "__pycache__", f"dataclass-code.{sys.implementation.cache_tag}.bin")
HEADER = b"lighthouse dataclass code %d\n" % sys.hexversion  # code from another interpreter is never run
MAX_ENTRIES = 4096  # more than any version of the package makes; past it the file starts again

_PACKAGE = __name__.split(".")[0] + "." if __name__ != "__main__" else "lighthouse_mcp."
_codes: "dict[str, CodeType]" = {}
_new: "set[str]" = set()  # sources this process compiled that the file did not hold


def _exec(source: "Any", globals: "Any" = None, locals: "Any" = None) -> None:
    """`exec` as `dataclasses` calls it (with the globals of the class's module), with the compiled code of a source
    already seen for a class of this package; other packages' classes are made as they always are."""
    if type(source) is str and type(globals) is dict and str(globals.get("__name__")).startswith(_PACKAGE):
        code = _codes.get(source)
        if code is None:
            code = compile(source, "<string>", "exec")
            if len(_codes) < MAX_ENTRIES:
                _codes[source] = code
                _new.add(source)
        source = code
    builtins.exec(source, globals, locals)  # noqa: S102 — what dataclasses runs, compiled from its own source


def install() -> None:
    """Have `dataclasses` use the kept code from now on in this process (classes made before are left as made)."""
    if dataclasses.__dict__.get("exec") is _exec:
        return
    _codes.update(_load())
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # found before the builtin by `dataclasses`' functions


def compiled() -> int:
    """How many sources this process compiled that the kept file did not hold."""
    return len(_new)


def _load() -> "dict[str, CodeType]":
    """The kept code; nothing when the file is missing, unreadable, from another interpreter or damaged."""
    try:
        with open(PATH, "rb") as file:
            data = file.read()
    except OSError:
        return {}
    if not data.startswith(HEADER):
        return {}
    try:
        codes = marshal.loads(data[len(HEADER) :])  # noqa: S302 — the package's own file, trusted as its bytecode is
    except (EOFError, ValueError, TypeError):
        return {}
    if type(codes) is not dict or not all(type(k) is str and type(v) is type(_load.__code__) for k, v in codes.items()):
        return {}
    return codes


def save(*, install: bool = False) -> None:
    """Keep what this process compiled, unless nothing is new or bytecode is not to be written (as the install
    compiles bytecode whatever PYTHONDONTWRITEBYTECODE says, `install` writes the file all the same). Written whole
    under another name and renamed, so a reader never sees half a file; a directory it cannot write to is left
    alone."""
    if not install and (not _new or sys.dont_write_bytecode):
        return
    temporary = f"{PATH}.{os.getpid()}"
    try:
        os.makedirs(os.path.dirname(PATH), exist_ok=True)
        with open(temporary, "wb") as file:
            file.write(HEADER + marshal.dumps(_codes))
        os.replace(temporary, PATH)
        _new.clear()
    except Exception:  # never the caller's problem: it runs after the hook's answer is out
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def main() -> int:
    """Compile and keep the code of every dataclass of the modules the hook and the command line import (run by the
    install)."""
    import importlib

    install()
    for name in (
        "lighthouse_mcp.hooks.answer",
        "lighthouse_mcp.hooks.claude",
        "lighthouse_mcp.hooks.codex",
        "lighthouse_mcp.hooks.cursor",
        "lighthouse_mcp.hooks.gemini",
        "lighthouse_mcp.validation.gate",
        "lighthouse_mcp.validation.service",
        "lighthouse_mcp.validation.responses",
        "lighthouse_mcp.validation.content",
        "lighthouse_mcp.validation.code_actions",
        "lighthouse_mcp.validation.links",
        "lighthouse_mcp.agents.approvals",
        "lighthouse_mcp.agents.claims",
        "lighthouse_mcp.agents.rates",
        "lighthouse_mcp.agents.taint",
        "lighthouse_mcp.events.store",
        "lighthouse_mcp.events.sqlite",
        "lighthouse_mcp.events.query",
        "lighthouse_mcp.cli.parser",
    ):
        importlib.import_module(name)
    save(install=True)
    print(f"{len(_codes)} generated methods kept in {PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
