"""Code compiled once and kept, for processes that start often (the hook deciding in its own process): the methods
`dataclasses` generates and the regular expressions `re` compiles.

On CPython 3.11 both are compiled anew in every process: each dataclass's `__init__`, `__repr__`, `__eq__`,
`__hash__`, `__setattr__` and `__delattr__` from source (about 0.8 ms a class; a hook makes 64), and each pattern by
`re`'s parser and compiler, written in Python (a hook scanning a page with an injection compiles 180 patterns, some
of tens of milliseconds). What they compile to depends on their source alone, so it is kept in a file beside the
package's bytecode, and `install` has `dataclasses` and `re` take it from there for a source they have seen: the
code objects of the generated methods, and the parts `re` hands the regular expression engine (flags, code, groups,
group names). Every class and pattern made so is the one made without it (the engine checks the code it is given).

The file is written by the install (`make` runs `python -m lighthouse_mcp.kept_code`; `lighthouse doctor` says
whether it is there): every pattern and class the package makes at import or declares for later. A process that made
a class the file did not hold keeps it (as Python writes bytecode: not with PYTHONDONTWRITEBYTECODE); patterns are
kept only by the install, since some are made from what a call holds. Like bytecode, the file is trusted as part of
the installation: it lives in the package's directory, which the validator guards as Lighthouse's own code, and a
damaged file, or one of another interpreter, is not used.
"""

import _sre  # type: ignore[import-not-found]
import array
import binascii
import builtins
import contextlib
import marshal
import os
import sys
from re import _compiler, _parser  # type: ignore[attr-defined]


class _OnFirstUse(type(sys)):  # type: ignore[misc]
    """A module that is imported when a name of it is first read. `dataclasses` imports `inspect` (and with it
    `ast`, `dis`, `tokenize` and `linecache`: a tenth of what a hook deciding in its own process imports) only to
    describe a class that has no docstring, which no class of this package is."""

    def __getattr__(self, name: str) -> "Any":
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        module = __import__(self.__name__)
        self.__dict__.update(module.__dict__)  # later reads through this object find the names directly
        return getattr(module, name)


if "inspect" not in sys.modules and "dataclasses" not in sys.modules:
    sys.modules["inspect"] = _OnFirstUse("inspect")
import dataclasses  # noqa: E402 — after `inspect` is deferred

# Neither typing nor __future__ is imported: this module is loaded first thing on the hook's path.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    Parts = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]

PATH = os.path.join(os.path.dirname(__file__), "__pycache__", f"kept-code.{sys.implementation.cache_tag}.bin")
# Code from another interpreter is never run. Format 3: the header, the length of the index (8 bytes, little-endian),
# the index (marshalled: each entry's checksum of its key to where its entries lie), then the entries, each the
# marshalled (key, value) with the value marshalled on its own. A process reads the index and the few entries it
# uses (a PreToolUse: a tenth of them), not the file: reading all of it cost a hook 8 ms.
HEADER = b"lighthouse kept code 3 %d\n" % sys.hexversion
MAX_ENTRIES = 4096  # of each kind: more than any version of the package makes
MAX_READ = 1 << 24  # bytes of an index or an entry: a larger length is a damaged file, never read
_PACKAGE = "lighthouse_mcp."
_COMPILE = _compiler.compile  # `re`'s own
# The engine's code is a list of 32-bit words, kept as their bytes; patterns are kept only where those fit "I".
_WORDS_FIT = array.array("I").itemsize == 4 and getattr(_sre, "CODESIZE", 4) == 4

# The entries this process used or made, as marshal wrote their values.
_methods: "dict[str, bytes]" = {}  # a generated method's source: its code object
_patterns: "dict[tuple[str | bytes, int], bytes]" = {}  # (pattern, flags): its Parts
_new: "set[str]" = set()  # generated methods this process compiled that the file did not hold
_missed: "list[str | bytes]" = []  # patterns this process compiled that the file did not hold
_recording: "list[bool]" = []  # holds True once the install asks that every pattern compiled be kept
_file: "list[tuple[int, int, dict[int, Any]]]" = []  # the open file: its descriptor, where entries start, the index


def _exec(source: "Any", globals: "Any" = None, locals: "Any" = None) -> None:
    """`exec` as `dataclasses` calls it (with the globals of the class's module), with the compiled code of a source
    already seen for a class of this package; other packages' classes are made as they always are."""
    if type(source) is str and type(globals) is dict and str(globals.get("__name__")).startswith(_PACKAGE):
        code = _value(_methods, source)
        if type(code) is not type(_exec.__code__):
            code = compile(source, "<string>", "exec")
            if len(_methods) < MAX_ENTRIES:
                _methods[source] = marshal.dumps(code)
                _new.add(source)
        source = code
    builtins.exec(source, globals, locals)  # noqa: S102 — what dataclasses runs, compiled from its own source


def _compile(pattern: "Any", flags: "Any" = 0) -> "Any":
    """`re`'s compile step for a pattern not in `re`'s own cache: from its kept parts, when they are kept."""
    if (type(pattern) is str or type(pattern) is bytes) and not flags & _parser.SRE_FLAG_DEBUG:
        kept = _value(_patterns, (pattern, int(flags)))
        if _well_formed(kept):
            with contextlib.suppress(Exception):  # parts the engine refuses (a damaged file): compiled as usual
                return _made(pattern, kept)
        if len(_missed) < MAX_ENTRIES:
            _missed.append(pattern)
        if _recording and len(_patterns) < MAX_ENTRIES:
            try:
                parts = _parts(pattern, int(flags))
                made = _made(pattern, parts)
            except Exception:  # `re`'s inner workings are not what they were: this pattern is compiled as usual
                return _COMPILE(pattern, flags)
            _patterns[(pattern, int(flags))] = marshal.dumps(parts)
            return made
    return _COMPILE(pattern, flags)


def _made(pattern: "str | bytes", parts: "Parts") -> "Any":
    """The pattern the engine makes from `parts` (it checks the code it is given)."""
    final, code, groups, groupindex, indexgroup = parts
    return _sre.compile(pattern, final, array.array("I", code).tolist(), groups, groupindex, indexgroup)


def _parts(pattern: "str | bytes", flags: int) -> "Parts":
    """What `re._compiler.compile` hands the engine for `pattern`, as it computes it."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    words = array.array("I", [int(word) for word in code]).tobytes()
    return int(flags | parsed.state.flags), words, parsed.state.groups - 1, groupindex, tuple(indexgroup)


def install(*, record: bool = False) -> None:
    """Have `dataclasses` and `re` use the kept code from now on in this process (what was made before is left as
    made). `record`: keep every pattern compiled from now on too (the install)."""
    if record and not _recording:
        _recording.append(True)
    if dataclasses.__dict__.get("exec") is _exec:
        return
    _open()
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # found before the builtin by `dataclasses`' functions
    if _WORDS_FIT:
        _compiler.compile = _compile


def present() -> bool:
    """Whether this interpreter's kept file is there."""
    try:
        with open(PATH, "rb") as file:
            return file.read(len(HEADER)) == HEADER
    except OSError:
        return False


def compiled() -> int:
    """How many generated methods this process compiled that the kept file did not hold."""
    return len(_new)


def missed() -> "list[str | bytes]":
    """The patterns this process compiled that the kept file did not hold."""
    return list(_missed)


def _slot(key: "Any") -> int:
    """Where the index files `key` (a method's source, or a pattern and its flags): a checksum of its bytes. Entries
    carry their key, so a shared checksum is told apart where it is read."""
    if type(key) is str:
        return binascii.crc32(b"m" + key.encode("utf-8", "surrogatepass"))
    pattern, flags = key
    data = pattern if type(pattern) is bytes else pattern.encode("utf-8", "surrogatepass")
    return binascii.crc32(b"%c%d:" % (98 if type(pattern) is bytes else 115, flags) + data)


def encode(methods: "dict[str, bytes]", patterns: "dict[tuple[str | bytes, int], bytes]") -> bytes:
    """The file's content for these entries (each value as marshal wrote it)."""
    index: dict[int, list[tuple[int, int]]] = {}
    blobs: list[bytes] = []
    offset = 0
    entries: list[tuple[Any, bytes]] = [*methods.items(), *patterns.items()]
    for key, value in entries:
        blob = marshal.dumps((key, value))
        index.setdefault(_slot(key), []).append((offset, len(blob)))
        blobs.append(blob)
        offset += len(blob)
    head = marshal.dumps({slot: tuple(places) for slot, places in index.items()})
    return HEADER + len(head).to_bytes(8, "little") + head + b"".join(blobs)


def decode(data: bytes) -> "tuple[dict[str, bytes], dict[tuple[str | bytes, int], bytes]]":
    """Every entry of a file's content, each value still marshalled; nothing where the file is not one of this
    interpreter's or is damaged. The install reads a file this way; a hook reads only the entries it looks for."""
    methods: dict[str, bytes] = {}
    patterns: dict[tuple[str | bytes, int], bytes] = {}
    try:
        index, start = _index(data[: len(HEADER) + 8], lambda n, at: data[at : at + n])
        for places in index.values():
            for offset, length in places:
                key, value = _checked(data[start + offset : start + offset + length])
                if type(key) is str:
                    methods[key] = value
                else:
                    patterns[key] = value
    except (EOFError, ValueError, TypeError):
        return {}, {}
    return methods, patterns


def _index(head: bytes, read: "Any") -> "tuple[dict[int, Any], int]":
    """The index of a file whose first bytes are `head`, and where its entries start; `read(n, at)` reads the file.
    Raises ValueError for a file that is not one of this interpreter's or whose index is damaged."""
    if len(head) != len(HEADER) + 8 or not head.startswith(HEADER):
        raise ValueError("not a kept file of this interpreter")
    length = int.from_bytes(head[len(HEADER) :], "little")
    if length > MAX_READ:
        raise ValueError("an index too large")
    raw = read(length, len(HEADER) + 8)
    if len(raw) != length:
        raise ValueError("cut short")
    index = marshal.loads(raw)  # noqa: S302 — the package's own file, trusted as its bytecode is
    if type(index) is not dict or not all(type(k) is int and type(v) is tuple for k, v in index.items()):
        raise ValueError("not an index")
    return index, len(HEADER) + 8 + length


def _checked(blob: bytes) -> "tuple[Any, bytes]":
    """One entry's key and value, or ValueError for one that is not an entry."""
    entry = marshal.loads(blob)  # noqa: S302 — see _index
    if type(entry) is not tuple or len(entry) != 2 or type(entry[1]) is not bytes:
        raise ValueError("not an entry")
    key = entry[0]
    if type(key) is not str and not _well_formed_key(key):
        raise ValueError("not a key")
    return key, entry[1]


def _open() -> None:
    """Open the kept file and read its index; nothing when it is missing, unreadable, another interpreter's or
    damaged. The file stays open, so the entries read later are those of the index read (a new file written
    meanwhile replaces it under its name, not under this process)."""
    try:
        fd = os.open(PATH, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return
    try:
        index, start = _index(os.pread(fd, len(HEADER) + 8, 0), lambda n, at: os.pread(fd, n, at))
    except (OSError, EOFError, ValueError, TypeError, OverflowError):
        os.close(fd)
        return
    _file.append((fd, start, index))


def _value(known: "dict[Any, bytes]", key: "Any") -> "Any":
    """The kept value for `key`, unmarshalled: from this process's entries or read from the file (and then kept
    among this process's); None when there is none or it is damaged (the caller checks what it got)."""
    blob = known.get(key)
    if blob is None and _file:
        fd, start, index = _file[0]
        for place in index.get(_slot(key), ()):
            try:
                offset, length = place
                if not 0 < length <= MAX_READ:
                    continue
                found, value = _checked(os.pread(fd, length, start + offset))
            except (OSError, EOFError, ValueError, TypeError, OverflowError):
                continue
            if type(found) is type(key) and found == key:
                blob = known[key] = value
                break
    if blob is None:
        return None
    try:
        return marshal.loads(blob)  # noqa: S302 — see _index
    except (EOFError, ValueError, TypeError):
        return None


def _well_formed_key(key: "Any") -> bool:
    return type(key) is tuple and len(key) == 2 and type(key[0]) in (str, bytes) and type(key[1]) is int


def _well_formed(parts: "Any") -> bool:
    return (
        type(parts) is tuple
        and len(parts) == 5
        and type(parts[0]) is int
        and type(parts[1]) is bytes
        and len(parts[1]) % 4 == 0
        and type(parts[2]) is int
        and type(parts[3]) is dict
        and type(parts[4]) is tuple
    )


def save(*, install: bool = False) -> None:
    """Keep what this process compiled, unless nothing is new or bytecode is not to be written (as the install
    compiles bytecode whatever PYTHONDONTWRITEBYTECODE says, `install` writes the file all the same). The install
    writes what it used and made (every class and pattern the package makes: entries of older versions go); another
    process adds what it made to what the file holds. Written whole under another name and renamed, so a reader
    never sees half a file; a directory it cannot write to is left alone. Never raises: it runs after the hook's
    answer is out."""
    if not install and (not _new or sys.dont_write_bytecode):
        return
    temporary = f"{PATH}.{os.getpid()}"
    try:
        methods: dict[str, bytes] = {}
        patterns: dict[tuple[str | bytes, int], bytes] = {}
        if not install:
            with contextlib.suppress(OSError), open(PATH, "rb") as file:
                methods, patterns = decode(file.read())
        methods.update(_methods)
        patterns.update(_patterns)
        os.makedirs(os.path.dirname(PATH), exist_ok=True)
        with open(temporary, "wb") as file:
            file.write(encode(methods, patterns))
        os.replace(temporary, PATH)
        _new.clear()
    except Exception:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


# What the hook and the command line import; the install imports them and compiles every pattern they declare.
MODULES = (
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
    "lighthouse_mcp.validation.unpacked",
    "lighthouse_mcp.agents.approvals",
    "lighthouse_mcp.agents.claims",
    "lighthouse_mcp.agents.rates",
    "lighthouse_mcp.agents.taint",
    "lighthouse_mcp.events.store",
    "lighthouse_mcp.events.sqlite",
    "lighthouse_mcp.events.query",
    "lighthouse_mcp.cli.parser",
)


def keep() -> None:
    """Compile and keep the methods of every dataclass, and every pattern, of the modules the hook and the command
    line import (the install)."""
    import importlib

    install(record=True)
    for name in MODULES:
        importlib.import_module(name)
    from lighthouse_mcp.validation import instructions, lazy

    instructions.compile_all()
    lazy.compile_all()
    save(install=True)


def main() -> int:
    keep()
    print(f"{len(_methods)} generated methods and {len(_patterns)} patterns kept in {PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
