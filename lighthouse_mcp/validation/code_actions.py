"""What a snippet of program code does: runs shell commands, deletes files, opens sockets, fetches and executes,
reads secrets. Python is read with `ast` (aliases, `__import__`, `getattr` and string concatenation are folded);
JavaScript, Perl, Ruby, PHP and PowerShell are read by the APIs they call.

The result is a list of `Action`s; `facts.py` turns them into commands and data flows the rule packs judge.
"""

from __future__ import annotations

import ast
import base64
import binascii
import functools
import itertools
import re
import shlex
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from lighthouse_mcp.validation.secret_names import secret_name

ActionKind = Literal[
    "shell",  # value: a command line the code runs
    "exec-dynamic",  # runs a command not known before it runs
    "delete",  # value: a path (recursive for tree removal)
    "read",  # value: a path read
    "write",  # value: a path written
    "connect",  # value: host the code opens a socket to
    "spawn-shell",  # starts an interactive shell / wires a socket to stdin/stdout
    "network",  # fetches from or sends to the network
    "send",  # sends data out (POST, upload, socket send)
    "send-secret",  # value: a secret variable (`GITHUB_TOKEN`) a request carries in its address or body
    "read-secret-variable",  # value: a secret variable the code reads (what it prints may carry it)
    "eval-dynamic",  # evaluates code built at run time (decoded, decompressed, downloaded)
    "deserialize",  # unpickles / unmarshals data
    "read-env",  # takes the whole environment (to send, print or store)
    "sql",  # value: a statement the code has a database run (`cursor.execute("DELETE FROM t")`)
]


@dataclass(frozen=True)
class Action:
    """One thing a piece of code does (deletes, writes, runs, sends …) and what it does it to."""

    kind: ActionKind
    value: str = ""
    recursive: bool = False
    detail: str = ""  # the API that did it, for messages


# -- Python -----------------------------------------------------------------------------------------------------

_SHELL_CALLS = {
    "os.system",
    "os.popen",
    "os.popen2",
    "os.popen3",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "commands.getoutput",
    "commands.getstatusoutput",
    "pty.spawn",
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
    "os.execv",
    "os.execve",
    "os.execl",
    "os.execle",
    "os.execlp",
    "os.execlpe",
    "os.execvp",
    "os.execvpe",
    "os.spawnl",
    "os.spawnle",
    "os.spawnlp",
    "os.spawnv",
    "os.spawnve",
    "os.spawnvp",
    "os.posix_spawn",
    "os.posix_spawnp",
    "asyncio.create_subprocess_shell",
    "asyncio.create_subprocess_exec",
    "pydoc.pipepager",
    "pydoc.tempfilepager",
    "libc.system",  # the C library through ctypes (`ctypes.CDLL(None).system(b"…")`)
    "libc.popen",
    "libc.execl",
    "libc.execlp",
    "libc.execv",
    "libc.execvp",
}
_DELETE_CALLS = {
    "os.rename": False,
    "os.replace": False,
    "shutil.move": True,
    "os.truncate": False,
    "os.remove": False,
    "os.unlink": False,
    "os.rmdir": False,
    "os.removedirs": True,
    "shutil.rmtree": True,
    "send2trash.send2trash": False,
    "distutils.dir_util.remove_tree": True,
    "libc.unlink": False,
    "libc.remove": False,
    "libc.rmdir": False,
}
# pathlib.Path methods that change the file they are called on.
_PATH_METHODS: dict[str, ActionKind] = {
    "unlink": "delete",
    "rmdir": "delete",
    "write_text": "write",
    "write_bytes": "write",
    "touch": "write",
    "chmod": "write",
    "rename": "delete",
    "replace": "delete",
    "symlink_to": "write",
    "hardlink_to": "write",
}
_PATH_TYPES = ("pathlib.Path", "pathlib.PosixPath", "Path")
# Environment variables that name places, as the shell would expand them.
_ENV_PATHS = {"HOME": "~", "PWD": ".", "USERPROFILE": "~"}
_DECODERS = {
    "base64.b64decode",
    "base64.b32decode",
    "base64.b16decode",
    "base64.a85decode",
    "base64.b85decode",
    "base64.decodebytes",
    "base64.urlsafe_b64decode",
    "zlib.decompress",
    "gzip.decompress",
    "bz2.decompress",
    "lzma.decompress",
    "codecs.decode",
    "bytes.fromhex",
    "binascii.unhexlify",
    "binascii.a2b_base64",
    "marshal.loads",
}
_NETWORK_CALLS = {
    "urllib.request.urlopen",
    "urllib.urlopen",
    "urllib2.urlopen",
    "urllib.request.urlretrieve",
    "requests.get",
    "requests.post",
    "requests.put",
    "requests.patch",
    "requests.request",
    "httpx.get",
    "httpx.post",
    "httpx.put",
    "http.client.HTTPConnection",
    "http.client.HTTPSConnection",
    "ftplib.FTP",
    "smtplib.SMTP",
    "smtplib.SMTP_SSL",
    "socket.create_connection",
    "aiohttp.ClientSession",
    "paramiko.SSHClient",
    "telnetlib.Telnet",
    "xmlrpc.client.ServerProxy",
    "urllib.request.build_opener",
}
# Requests made apart from sending them (`urlopen(Request(URL, data))`), and the keywords that authenticate one.
_REQUESTS = {"urllib.request.Request", "urllib2.Request", "requests.Request", "httpx.Request"}
_AUTHENTICATING = {"headers", "auth", "cookies", "cert", "proxies", "verify", "timeout"}
_ENV_GETTERS = {"os.getenv", "os.environ.get", "os.environ.pop", "os.environ.setdefault"}
_SEND_CALLS = {
    "requests.post",
    "requests.put",
    "requests.patch",
    "httpx.post",
    "httpx.put",
    "smtplib.SMTP",
    "smtplib.SMTP_SSL",
    "ftplib.FTP",
}
_DESERIALIZERS = {
    "pickle.loads",
    "pickle.load",
    "cPickle.loads",
    "marshal.loads",
    "dill.loads",
    "yaml.load",
    "yaml.unsafe_load",
    "shelve.open",
    "jsonpickle.decode",
}
_ONE_VARIABLE = frozenset({"get", "setdefault", "pop", "__getitem__", "__contains__", "__setitem__", "update"})
_SHELL_PATHS = re.compile(r"^(/usr)?/bin/(ba|z|da|k|c|tc)?sh$|^(ba|z|da|k)?sh$|^cmd(\.exe)?$|^powershell")


# Every name the reader acts on starts with one of these words; code with none of them does nothing it reports.
_PYTHON_WORDS = frozenset(
    name.split(".")[0]
    for name in (*_SHELL_CALLS, *_DELETE_CALLS, *_DECODERS, *_NETWORK_CALLS, *_SEND_CALLS, *_DESERIALIZERS)
) | {"eval", "exec", "compile", "__import__", "getattr", "importlib", "builtins", "open", "io", "unlink", "rmdir",
     "Path", "PosixPath", "pathlib", "glob", "connect", "spawn", "fromhex", "sqlite3", "dbm", "write_", "touch",
     "chmod", "rename", "replace"}  # fmt: skip


_ANY_PYTHON_WORD = re.compile("|".join(map(re.escape, sorted(_PYTHON_WORDS, key=lambda w: (-len(w), w)))))


def python_may_act(source: str) -> bool:
    """Whether `source` mentions anything `python_actions` could report (a cheap test before parsing): one of
    the words anywhere in it, even inside another word."""
    return _ANY_PYTHON_WORD.search(source) is not None


@functools.lru_cache(maxsize=8)
def parse_python(source: str) -> ast.Module | None:
    """Python `source` parsed, or None when it is not valid Python; the last few are kept (the scanner parses a
    fetched program to find its string literals, then reads it for what it does). Readers must not change it."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def python_actions(source: str) -> list[Action] | None:
    """Actions of Python `source`; None when it is not valid Python."""
    tree = parse_python(source)
    if tree is None:
        return None
    reader = _PythonReader(_may_name_environment(source))
    try:
        reader.visit(tree)
        if reader.environment:  # the second walk only where it can find something
            reader.whole_environment(tree)
    except RecursionError:
        reader.actions.append(Action("eval-dynamic", detail="code nested too deeply to read"))
    return reader.actions


def _may_name_environment(source: str) -> bool:
    """Whether Python `source` can name `os.environ` or `os.getenv` at all: by those words, through `getattr` with
    a name built from parts, or in identifiers Python reads as those words (`ｅｎｖｉｒｏｎ` is `environ` to the
    parser, which normalises identifiers). Code that cannot is not searched for secret variables."""
    return not source.isascii() or "environ" in source or "getenv" in source or "getattr" in source


class _PythonReader(ast.NodeVisitor):
    def __init__(self, environment: bool = True) -> None:
        self.environment = environment  # whether the code may name the environment (`_may_name_environment`)
        self.aliases: dict[str, str] = {}  # local name -> dotted module or function
        self.values: dict[str, str] = {}  # variable -> folded string
        self.actions: list[Action] = []
        self.sockets: set[str] = set()
        self.secrets: dict[str, str] = {}  # variable -> the secret environment variable its value holds
        self.called: set[int] = set()  # the nodes called (`os.system(…)`), unlike those passed on (`map(os.system, …)`)

    # the walk: NodeVisitor's order, each node's type looked up once (its handler, the fields that can hold nodes),
    # and no call at all for a node with neither (a name, a constant: most of a tree)

    def visit(self, node: ast.AST) -> None:
        handler = _HANDLERS.get(type(node))
        if handler is None:
            self.generic_visit(node)
        else:
            handler(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        visit = self.visit
        for field in _branches(type(node)):
            value: Any = getattr(node, field, None)
            if type(value) is list:
                for item in value:
                    if _walked(type(item)):
                        visit(item)
            elif _walked(type(value)):
                visit(value)

    # imports and assignments ---------------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.aliases[alias.asname or alias.name.split(".")[0]] = (
                alias.name if alias.asname else alias.name.split(".")[0]
            )

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}" if node.module else alias.name

    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        for target in node.targets:
            if isinstance(target, ast.Name):
                self._remember(target.id, node.value)

    def visit_For(self, node: ast.For) -> None:
        listing = node.iter
        if isinstance(node.target, ast.Name) and isinstance(listing, ast.Call) and listing.args:
            name = self._callee(listing.func)
            if name in ("glob.glob", "glob.iglob", "os.walk", "os.listdir", "os.scandir"):
                base = self.fold(listing.args[0])
                if base is not None:
                    self.values[node.target.id] = base if "*" in base else base.rstrip("/") + "/*"
        self.generic_visit(node)

    def _remember(self, name: str, value: ast.expr) -> None:
        secret = self._secret_in(value) if self.environment else None
        if secret is not None:
            self.secrets[name] = secret
        folded = self.fold(value)
        if folded is not None:
            self.values[name] = folded
            return
        if isinstance(value, ast.Call):
            callee = self._callee(value.func)
            if callee and (callee.startswith("importlib.import_module") or callee == "__import__") and value.args:
                module = self.fold(value.args[0])
                if module:
                    self.aliases[name] = module
            elif callee in ("socket.socket", "socket.create_connection"):
                self.sockets.add(name)

    def whole_environment(self, tree: ast.AST) -> None:
        """`os.environ` taken whole (`dict(os.environ)`, `os.environ.copy()`), not one variable of it."""
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                if self._callee(child) != "os.environ" if isinstance(child, (ast.Name, ast.Attribute)) else True:
                    continue
                one = (isinstance(node, ast.Subscript) and node.value is child) or (
                    isinstance(node, ast.Attribute) and node.attr in _ONE_VARIABLE
                )
                if not one:
                    self.actions.append(Action("read-env", detail="os.environ"))
                    return

    # calls ---------------------------------------------------------------------------------------------------

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if self.environment and self._callee(node.value) == "os.environ":
            self._read_variable(node.slice, "os.environ")
        elif _members_by_name(
            self._callee(node.value) if isinstance(node.value, (ast.Name, ast.Attribute)) else None, node.value
        ):
            # `os.__dict__['system']`, `sys.modules['os']`, `vars(os)[…]`, `globals()[…]`: a member taken by name
            self.actions.append(Action("exec-dynamic", detail="a module's member taken by its name"))
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.called.add(id(node.value))  # `os.system.__doc__`: an attribute of it is read, it is not passed on
        if id(node) not in self.called:
            callee = self._callee(node)
            if callee in _SHELL_CALLS or callee in _RUNNING_CALLS:
                # `map(os.system, …)`, `f = os.system`, `(lambda r: r(…))(os.system)`: run with what it is given
                self.actions.append(Action("exec-dynamic", detail=f"{callee} passed on as a value"))
        self.generic_visit(node)

    def _read_variable(self, key: ast.expr, detail: str) -> None:
        name = self.fold(key)
        if name and secret_name(name):
            self.actions.append(Action("read-secret-variable", name, detail=detail))

    def visit_Expr(self, node: ast.Expr) -> None:
        # a bare mention (`os.system` alone, or in a tuple of names, as prose that cites it reads) passes nothing on
        for value in node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]:
            self.called.add(id(value))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        self.called.add(id(node.func))
        callee = self._callee(node.func)
        if self.environment and callee in _ENV_GETTERS and node.args:
            self._read_variable(node.args[0], callee)
        if callee in ("eval", "exec", "compile", "builtins.eval", "builtins.exec"):
            self._judge_eval(callee, node)
        elif callee:
            self._judge(callee, node)
            self._more(callee, node)
        self.generic_visit(node)

    def _judge_eval(self, callee: str, node: ast.Call) -> None:
        source = self.fold(node.args[0]) if node.args else None
        if source is not None:
            self.actions.extend(python_actions(source) or [])
            return
        inner = {self._callee(sub.func) for sub in ast.walk(node) if isinstance(sub, ast.Call) and sub is not node}
        if inner & _DECODERS:
            detail = f"{callee} of decoded data"
        elif inner & _NETWORK_CALLS or any(name and name.endswith((".read", ".text", ".content")) for name in inner):
            detail = f"{callee} of downloaded code"
        else:
            detail = f"{callee} of a value built at run time"
        self.actions.append(Action("eval-dynamic", detail=detail))

    def _judge(self, callee: str, node: ast.Call) -> None:
        args = node.args
        first = self.fold(args[0]) if args else None
        if callee in _SHELL_CALLS:
            command = self._command_from(callee, node)
            if command is None:
                self.actions.append(Action("exec-dynamic", detail=callee))
            elif callee == "pty.spawn" or (_SHELL_PATHS.match(command.split(" ")[0]) and " -c " not in command):
                self.actions.append(Action("spawn-shell", command, detail=callee))
                if not _bare_shell(command):  # `bash -i >& /dev/tcp/…`: what the line does besides
                    self.actions.append(Action("shell", command, detail=callee))
            else:
                self.actions.append(Action("shell", command, detail=callee))
        elif callee in _DELETE_CALLS:
            recursive = _DELETE_CALLS[callee] or "**" in (first or "")  # a loop over a recursive glob
            self.actions.append(Action("delete", first or "", recursive=recursive, detail=callee))
        elif callee.rsplit(".", maxsplit=1)[-1] in _PATH_METHODS and isinstance(node.func, ast.Attribute):
            method = callee.rsplit(".", maxsplit=1)[-1]
            owner = node.func.value
            path = self.fold(owner)
            if path is not None or (isinstance(owner, ast.Call) and self._callee(owner.func) in _PATH_TYPES):
                self.actions.append(Action(_PATH_METHODS[method], path or "", detail=f"Path.{method}"))
        elif callee in _DESERIALIZERS:
            self.actions.append(Action("deserialize", detail=callee))
        elif callee in ("sqlite3.connect", "dbm.open"):  # opened to change, as far as can be told
            self.actions.append(Action("write", first or "", detail=callee))
        elif callee in ("open", "io.open", "builtins.open", "codecs.open"):
            mode = self.fold(args[1]) if len(args) > 1 else self._keyword(node, "mode")
            kind: ActionKind = "write" if mode and any(c in mode for c in "wax+") else "read"
            self.actions.append(Action(kind, first or "", detail=callee))
        elif callee in ("os.dup2",):
            self.actions.append(Action("spawn-shell", detail="os.dup2"))
        elif callee in ("socket.socket",):
            self.actions.append(Action("network", detail=callee))
        elif callee.endswith((".connect", ".connect_ex")):
            socket_name = callee.rsplit(".", 1)[0]
            if socket_name in self.sockets or socket_name.startswith("socket."):
                host = ""
                if args and isinstance(args[0], ast.Tuple) and args[0].elts:
                    host = self.fold(args[0].elts[0]) or ""
                self.actions.append(Action("connect", host, detail="socket.connect"))
        if callee in _NETWORK_CALLS:
            host = ""
            if callee == "socket.create_connection" and args and isinstance(args[0], ast.Tuple) and args[0].elts:
                host = self.fold(args[0].elts[0]) or ""
                self.actions.append(Action("connect", host, detail=callee))
            self.actions.append(Action("network", first or host, detail=callee))
            if callee in _SEND_CALLS or any(k.arg in ("data", "files", "json") for k in node.keywords):
                self.actions.append(Action("send", first or "", detail=callee))
        if callee in _NETWORK_CALLS or callee in _REQUESTS:
            self._secret_sent(callee, node)

    def _more(self, callee: str, node: ast.Call) -> None:
        """A mode that sets the setuid bit, a download written to a file (`urlretrieve(URL, "x.sh")`), and SQL a
        database is given to run (`cursor.execute("DELETE FROM t")`)."""
        args = node.args
        first = self.fold(args[0]) if args else None
        if callee.endswith("chmod") and isinstance(node.func, ast.Attribute):
            self._chmod(callee, node.func, args, first)
        elif callee in ("os.symlink", "os.link") and len(args) > 1:  # as `ln -s TARGET LINK`: followed later
            target, link = first, self.fold(args[1])
            if target and link:
                self.actions.append(Action("shell", f"ln -s {shlex.quote(target)} {shlex.quote(link)}", detail=callee))
        elif callee.endswith(".symlink_to") and isinstance(node.func, ast.Attribute) and first:
            link = self.fold(node.func.value)
            if link:
                self.actions.append(Action("shell", f"ln -s {shlex.quote(first)} {shlex.quote(link)}", detail=callee))
        elif callee.endswith("urlretrieve") and len(args) > 1:
            self.actions.append(Action("write", self.fold(args[1]) or "", detail=callee))
        elif callee.endswith((".execute", ".executemany", ".executescript", ".exec_driver_sql")) and first:
            self.actions.append(Action("sql", first, detail=callee))

    def _chmod(self, callee: str, func: ast.Attribute, args: list[ast.expr], first: str | None) -> None:
        """`os.chmod(p, 0o4755)`, `Path(p).chmod(stat.S_ISUID | 0o755)`: as `chmod ug+s P` where the mode sets the
        setuid or setgid bit."""
        on_path = not callee.startswith("os.")
        bits = args[0] if on_path and args else args[1] if len(args) > 1 else None
        path = self.fold(func.value) if on_path else first
        if bits is not None and _sets_id(bits):
            self.actions.append(Action("shell", f"chmod ug+s {shlex.quote(path or '$PATH_COMPUTED_BY_CODE')}"))

    def _secret_sent(self, callee: str, node: ast.Call) -> None:
        """A secret variable in what a request sends: its address, its body or its query (`urlopen(URL + token)`,
        `requests.post(URL, data=token)`); not its headers or credentials, which is how an API is called."""
        if not self.environment:
            return
        carried = [*node.args[:2], *(k.value for k in node.keywords if k.arg not in _AUTHENTICATING)]
        for part in carried:
            secret = self._secret_in(part)
            if secret is not None:
                self.actions.append(Action("send-secret", secret, detail=callee))
                return

    def _secret_in(self, node: ast.AST) -> str | None:
        """The secret environment variable an expression's value is built from (`os.environ["API_KEY"]`,
        `os.getenv("TOKEN")`, a variable assigned one), if any. A request built inside it is judged on its own."""
        stack: list[ast.AST] = [node]
        while stack:
            sub = stack.pop()
            if isinstance(sub, ast.Call) and self._callee(sub.func) in _REQUESTS:
                continue
            stack.extend(ast.iter_child_nodes(sub))
            if isinstance(sub, ast.Name) and sub.id in self.secrets:
                return self.secrets[sub.id]
            key: ast.expr | None = None
            if isinstance(sub, ast.Subscript) and self._callee(sub.value) == "os.environ":
                key = sub.slice
            elif isinstance(sub, ast.Call) and sub.args and self._callee(sub.func) in _ENV_GETTERS:
                key = sub.args[0]
            name = self.fold(key) if key is not None else None
            if name and secret_name(name):
                return name
        return None

    def _command_from(self, callee: str, node: ast.Call) -> str | None:
        if not node.args:
            return None
        first = node.args[0]
        if callee in ("pydoc.pipepager", "pydoc.tempfilepager"):  # (text, command)
            return self.fold(node.args[1]) if len(node.args) > 1 else None
        if callee.startswith(("os.exec", "os.spawn", "os.posix_spawn")):
            # os.execv(path, [argv…]) / os.execl(path, arg0, arg1…) / os.spawnl(mode, path, …)
            rest = node.args[1:] if not callee.startswith("os.spawn") else node.args[2:]
            pieces = [self.fold(a) for a in rest]
            if len(rest) == 1 and isinstance(rest[0], (ast.List, ast.Tuple)):
                pieces = [self.fold(e) for e in rest[0].elts]
            if pieces and all(p is not None for p in pieces):
                return shlex.join([p for p in pieces if p is not None])
            return self.fold(node.args[0 if not callee.startswith("os.spawn") else 1])
        if isinstance(first, (ast.List, ast.Tuple)):
            items = [self.fold(e) for e in first.elts]
            if items and all(i is not None for i in items):
                return shlex.join([i for i in items if i is not None])
            return None
        return self.fold(first)

    def _keyword(self, node: ast.Call, name: str) -> str | None:
        for keyword in node.keywords:
            if keyword.arg == name:
                return self.fold(keyword.value)
        return None

    # names and constants -------------------------------------------------------------------------------------

    def _callee(self, func: ast.expr) -> str | None:
        if isinstance(func, ast.Name):
            return self.aliases.get(func.id, func.id)
        if isinstance(func, ast.Attribute):
            owner = self._callee(func.value) if not isinstance(func.value, ast.Call) else self._call_value(func.value)
            if owner is None and isinstance(func.value, ast.Name):
                owner = func.value.id
            return f"{owner}.{func.attr}" if owner else func.attr
        if isinstance(func, ast.Call):
            return self._call_value(func)
        return None

    def _call_value(self, call: ast.Call) -> str | None:
        """What a call expression evaluates to when it names a module or function (`__import__('os')`,
        `getattr(os, 'system')`, `importlib.import_module('os')`)."""
        callee = self._callee(call.func)
        if callee in ("__import__", "importlib.import_module", "builtins.__import__") and call.args:
            return self.fold(call.args[0])
        if callee in ("getattr", "builtins.getattr") and len(call.args) >= 2:
            owner = call.args[0]
            owner_name = self._call_value(owner) if isinstance(owner, ast.Call) else self._callee(owner)
            attr = self.fold(call.args[1])
            if owner_name and attr:
                return f"{owner_name}.{attr}"
        if callee in ("pathlib.Path", "pathlib.PosixPath", "Path"):
            return "pathlib.Path"
        if callee in ("ctypes.CDLL", "ctypes.PyDLL", "ctypes.cdll.LoadLibrary", "ctypes.CDLL.LoadLibrary"):
            return "libc"  # the C library (or any: its `system` runs a shell all the same)
        return callee

    def fold(self, node: ast.expr) -> str | None:
        """The string value of an expression built from constants, or None."""
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return node.value
            if isinstance(node.value, bytes):
                return node.value.decode("latin-1")
            return None
        if isinstance(node, ast.Name):
            return self.values.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.fold(node.left), self.fold(node.right)
            return left + right if left is not None and right is not None else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):  # pathlib: Path.home() / ".ssh"
            left, right = self.fold(node.left), self.fold(node.right)
            return f"{left.rstrip('/')}/{right}" if left is not None and right is not None else None
        if isinstance(node, ast.Attribute) and self._callee(node) == "sys.executable":
            return "python3"  # the interpreter running the code: a program's usual way to run Python again
        if isinstance(node, ast.Subscript) and self._callee(node.value) in ("os.environ",):  # os.environ["HOME"]
            key = self.fold(node.slice)
            return _ENV_PATHS.get(key or "")
        if isinstance(node, ast.JoinedStr):
            pieces = [
                self.fold(v) if not isinstance(v, ast.FormattedValue) else self.fold(v.value) for v in node.values
            ]
            return "".join(p for p in pieces if p is not None) if all(p is not None for p in pieces) else None
        if isinstance(node, ast.Call):
            callee = self._callee(node.func)
            if (
                callee
                in (
                    "os.path.expanduser",
                    "os.path.expandvars",
                    "os.path.abspath",
                    "str",
                    "os.path.normpath",
                    "pathlib.Path",
                    "Path",
                )
                and node.args
            ):
                return self.fold(node.args[0])
            if callee in ("pathlib.Path.home", "Path.home", "os.path.expanduser") and not node.args:
                return "~"
            if callee in ("os.getcwd", "pathlib.Path.cwd", "Path.cwd") and not node.args:
                return "."
            if callee in ("os.getenv", "os.environ.get") and node.args:
                return _ENV_PATHS.get(self.fold(node.args[0]) or "")
            if callee in ("os.path.join", "posixpath.join") and node.args:
                parts = [self.fold(a) for a in node.args]
                return "/".join(p.rstrip("/") for p in parts if p is not None) if all(parts) else None
            if callee == "chr" and node.args and isinstance(node.args[0], ast.Constant):
                value = node.args[0].value
                return chr(value) if isinstance(value, int) and 0 <= value < 0x110000 else None
            if isinstance(node.func, ast.Attribute) and node.func.attr == "join" and node.args:
                sep = self.fold(node.func.value)
                items = node.args[0]
                if sep is not None and isinstance(items, (ast.List, ast.Tuple)):
                    parts = [self.fold(e) for e in items.elts]
                    return sep.join(p for p in parts if p is not None) if all(p is not None for p in parts) else None
            if isinstance(node.func, ast.Attribute) and node.func.attr in _SAME_PATH and not node.args:
                return self.fold(node.func.value)  # Path('~').expanduser(), p.resolve(): the path it names
            if isinstance(node.func, ast.Attribute) and node.func.attr == "decode":
                inner = node.func.value
                if isinstance(inner, ast.Call) and self._callee(inner.func) in _DECODERS and inner.args:
                    encoded = self.fold(inner.args[0])
                    return _decode(self._callee(inner.func) or "", encoded) if encoded else None
        return None


_SAME_PATH = frozenset({"expanduser", "resolve", "absolute"})  # a Path's methods that return the path it names


# Node type → the reader's handler of it (`visit_Call` for `ast.Call`, …); other nodes are walked through.
_RUNNING_CALLS = frozenset({
    "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen",
    "pty.spawn", "os.popen", *(f"os.exec{v}" for v in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")),
    *(f"os.spawn{v}" for v in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")), "os.posix_spawn", "os.posix_spawnp",
})  # fmt: skip


def _members_by_name(callee: str | None, value: ast.expr) -> bool:
    """`value` is a namespace whose members are taken by name: a module's `__dict__`, `sys.modules`, `vars(…)`,
    `globals()`, `locals()`, `__builtins__`."""
    if callee is not None and (
        callee.endswith(".__dict__") or callee in ("sys.modules", "__builtins__", "builtins.__dict__")
    ):
        return True
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in ("vars", "globals", "locals")
    )


_HANDLERS: dict[type[ast.AST], Callable[[_PythonReader, Any], None]] = {
    getattr(ast, name.removeprefix("visit_")): method
    for name, method in vars(_PythonReader).items()
    if name.startswith("visit_")
}


# Fields that never hold a node with fields of its own: names, operators, contexts (`Load`), flags, constants.
_LEAF_FIELDS = frozenset(
    {"id", "ctx", "attr", "arg", "name", "asname", "module", "level", "op", "ops", "kind", "conversion", "is_async",
     "simple", "type_comment"}
)  # fmt: skip
_LEAF_TYPES = (ast.Constant, ast.MatchSingleton)  # their `value` is a Python constant
_BRANCHES: dict[type, tuple[str, ...]] = {}
_WALKED: dict[type, bool] = {}


def _branches(kind: type) -> tuple[str, ...]:
    """The fields of a node type that can hold nodes to walk."""
    fields = _BRANCHES.get(kind)
    if fields is None:
        fields = _BRANCHES[kind] = (
            () if issubclass(kind, _LEAF_TYPES) else tuple(f for f in kind._fields if f not in _LEAF_FIELDS)  # type: ignore[attr-defined]
        )
    return fields


def _walked(kind: type) -> bool:
    """Whether visiting a value of this type can do anything: a node type with a handler, or with fields that can
    hold nodes (`NodeVisitor` visits every node with fields; one without either does nothing)."""
    walked = _WALKED.get(kind)
    if walked is None:
        walked = _WALKED[kind] = issubclass(kind, ast.AST) and (kind in _HANDLERS or bool(_branches(kind)))
    return walked


def _decode(decoder: str, text: str) -> str | None:
    try:
        if decoder in ("base64.b64decode", "base64.decodebytes", "binascii.a2b_base64"):
            return base64.b64decode(text).decode("utf-8")
        if decoder == "base64.urlsafe_b64decode":
            return base64.urlsafe_b64decode(text).decode("utf-8")
        if decoder in ("bytes.fromhex", "binascii.unhexlify"):
            return bytes.fromhex(text).decode("utf-8")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return None


# -- other languages, by the APIs they call ---------------------------------------------------------------------

_Q = r"""(?P<q>['"`])(?P<s>(?:\\.|(?!(?P=q)).){0,4000})(?P=q)"""  # a quoted string literal; its text is "s"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "a": "\a", "e": "\x1b", "v": "\v", "f": "\f"}


def _unescaped(quote: str, text: str) -> str:
    """A string literal's value: escapes decoded in double quotes and backticks; in single quotes only `\\` and
    `\'` (as Ruby, Perl and PHP read them; JavaScript's rarer escapes there stay as written)."""
    if "\\" not in text:
        return text
    if quote == "'":
        return re.sub(r"\\([\\'])", r"\1", text)
    return re.sub(r"\\(.)", lambda e: _ESCAPES.get(e.group(1), e.group(1)), text, flags=re.DOTALL)


def _value(m: re.Match[str]) -> str:
    """The value of the string literal `_Q` matched."""
    return _unescaped(m.group("q"), m.group("s"))


def _strings(pattern: str, source: str) -> Iterable[re.Match[str]]:
    return re.finditer(pattern, source, flags=re.IGNORECASE)


_RUNNERS = "exec|execSync|spawn|spawnSync|execFile|execFileSync|fork"
# JavaScript that may reach child_process's runners: it names the module, loads a module by a name it builds, or
# reaches the loader or the process's bindings another way.
_LOADS_RUNNERS = re.compile(
    r"child_process|\b(?:require|import)\s*\(\s*(?!(['\"`])[\w@./:-]+\1\s*\))|\bprocess\s*\.\s*(?:binding"
    r"|_linkedBinding|dlopen)\b|\bmainModule\b|\bmodule\s*\.\s*constructor\b|\bcreateRequire\b"
)
# A function called by a name computed at run time (`cp[m](…)`, `cp[m].call(…)`; not an array's item by number).
_COMPUTED_CALL = re.compile(r"\[\s*(?!\d+\s*\])[^\[\]\n]{1,200}\]\s*(?:\.\s*(?:call|apply|bind)\s*)?\(")
# A runner taken as a value (`f = cp.execSync`, `.execSync.call(…)`, `Reflect.apply(cp.execSync, …)`) or renamed as
# it is taken (`const {execSync: run} = …`).
_RUNNER_AS_VALUE = re.compile(rf"\.\s*(?:{_RUNNERS})\b(?!\s*\()|\b(?:{_RUNNERS})\s*:")


def javascript_actions(source: str) -> list[Action]:
    actions: list[Action] = []
    for m in _strings(
        r"\b(exec|execSync|spawn|spawnSync|execFile|execFileSync)\s*\(\s*" + _Q + r"(?:\s*,\s*\[([^\]]{0,2000})\])?",
        source,
    ):
        command = _value(m)
        extra = re.findall(r"""['"`]([^'"`]*)['"`]""", m.group(4) or "")
        if _SHELL_PATHS.match(command.split(" ")[0]) and extra[:1] != ["-c"]:
            actions.append(Action("spawn-shell", command, detail=m.group(1)))
            if not _bare_shell(command):
                actions.append(Action("shell", command, detail=m.group(1)))
        elif extra[:1] == ["-c"] and len(extra) > 1:
            actions.append(Action("shell", extra[1], detail=m.group(1)))
        else:
            actions.append(Action("shell", shlex.join([command, *extra]) if extra else command, detail=m.group(1)))
    loads = _LOADS_RUNNERS.search(source) is not None
    for m in re.finditer(rf"(\.?)\s*\b(?:{_RUNNERS})\s*\(\s*(?![\s'\"`])[^)]", source):
        if loads or not m.group(1):  # `/v(\d+)/.exec(s)` is a regular expression's, where nothing loads a runner
            actions.append(Action("exec-dynamic", detail="child_process with a variable"))
            break
    if loads and (_COMPUTED_CALL.search(source) or _RUNNER_AS_VALUE.search(source)):
        actions.append(Action("exec-dynamic", detail="child_process reached by a computed name or passed on"))
    for m in _strings(
        r"\b(rmSync|rmdirSync|rm|rmdir|unlinkSync|unlink|rimraf|removeSync|remove|emptyDirSync)"
        r"\s*\(\s*" + _Q + r"([^)]{0,200})",
        source,
    ):
        recursive = "recursive" in m.group(4) or m.group(1) in ("rimraf", "removeSync", "remove", "emptyDirSync")
        actions.append(Action("delete", _value(m), recursive=recursive, detail=m.group(1)))
    for m in _strings(
        r"\b(writeFileSync|writeFile|appendFileSync|appendFile|createWriteStream|truncateSync|truncate|copyFileSync"
        r"|copyFile|symlinkSync|linkSync|chmodSync|renameSync|rename)\s*\(\s*" + _Q,
        source,
    ):
        kind: ActionKind = "delete" if m.group(1).startswith("rename") else "write"
        actions.append(Action(kind, _value(m), detail=m.group(1)))
    for m in _strings(r"homedir\(\)\s*,\s*" + _Q, source):
        actions.append(Action("read", "~/" + _value(m), detail="os.homedir()"))
    for m in _strings(r"\b(readFileSync|readFile|createReadStream)\s*\(\s*" + _Q, source):
        actions.append(Action("read", _value(m), detail=m.group(1)))
    if re.search(
        r"\b(?:net|tls)\.(connect|createConnection)\b|new\s+net\.Socket|\bdgram\.createSocket"
        r"|require\(\s*['\"](?:node:)?(?:net|tls)['\"]\s*\)\s*\.\s*(?:connect|createConnection|Socket)\b",
        source,
    ):
        host = re.search(r"connect\s*\(\s*\d+\s*,\s*" + _Q, source)
        actions.append(Action("connect", host.group("s") if host else "", detail="net.connect"))
    if re.search(
        r"\b(https?\.(get|request)|fetch\s*\(|axios|XMLHttpRequest|request\s*\()"
        r"|require\s*\(\s*['\"](?:node:)?https?['\"]\s*\)\s*\.\s*(?:get|request)\b"  # `require('https').get(…)`
        r"|\bimport\b[^;]*?\bfrom\s*['\"](?:node:)?https?['\"]",  # `import {get} from 'https'`
        source,
    ):
        actions.append(Action("network", detail="http request"))
        if re.search(r"method\s*:\s*['\"](POST|PUT)|\.post\s*\(|\.write\s*\(", source, re.IGNORECASE):
            actions.append(Action("send", detail="http request with a body"))
    if re.search(r"\b(?:eval|Function|vm\.runIn\w+Context|vm\.Script)\s*\(|\beval\b(?!\s*\()", source):
        if re.search(r"\bfetch\b|https?\.get|\.on\(\s*['\"]data|axios|request\(", source):
            actions.append(Action("eval-dynamic", detail="eval of downloaded code"))
        elif re.search(r"\batob\s*\(|Buffer\.from\([^)]*base64|fromCharCode|\\x[0-9a-f]{2}", source):
            actions.append(Action("eval-dynamic", detail="eval of decoded code"))
    return actions


# A call's arguments when they are all literal strings: `system("rm", "-rf", "/x")`.
_ARGS = r"""((?:\s*,\s*(?:['"](?:\\.|[^'"\\]){0,2000}['"]))*)"""


def _argv(first: str, rest: str) -> str:
    """A command line from a call's literal arguments: one string is a command line, several are its words."""
    words = [_unescaped(m.group(1), m.group(2)) for m in re.finditer(r"""(['"])((?:\\.|(?!\1).){0,2000})\1""", rest)]
    return shlex.join([first, *words]) if words else first


def _shell_calls(pattern: str, source: str) -> list[Action]:
    """Calls that run a command, as shell actions; an interactive shell started alone is `spawn-shell`."""
    actions = []
    for m in _strings(pattern + _Q + _ARGS, source):
        command = _argv(_value(m), m.group(m.lastindex or 0) or "")
        if _SHELL_PATHS.match(command.split(" ")[0]):
            actions.append(Action("spawn-shell", command, detail=m.group(1)))
        if not _bare_shell(command):
            actions.append(Action("shell", command, detail=m.group(1)))
    return actions


def _sets_id(mode: ast.expr) -> bool:
    """Whether a file mode given to chmod sets the setuid or setgid bit (`0o4755`, `stat.S_ISUID | 0o755`)."""
    for sub in ast.walk(mode):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, int) and sub.value & 0o6000:
            return True
        if isinstance(sub, (ast.Name, ast.Attribute)) and (getattr(sub, "id", "") or getattr(sub, "attr", "")) in (
            "S_ISUID",
            "S_ISGID",
        ):
            return True
    return False


def _bare_shell(command: str) -> bool:
    """A shell started alone, with flags only (`/bin/sh -i`): it runs nothing of its own. `bash -i >& /dev/tcp/…`
    is not: the rest of the line is what it does."""
    words = command.split()
    return bool(words) and _SHELL_PATHS.match(words[0]) is not None and all(w.startswith("-") for w in words[1:])


def _reads(pattern: str, source: str) -> list[Action]:
    return [Action("read", _value(m), detail=m.group(1)) for m in _strings(pattern + _Q, source)]


def _dynamic_calls(names: str, source: str, interpolated: str | None) -> list[Action]:
    """A call that runs a command given as anything but a literal string (`system(cmd)`, `IO.popen(line)`), or a
    command string with a value put into it (`interpolated`: the language's `#{…}` or `$x`; None for a language
    without command strings): what it runs is known only when it runs. `names`: the calls, as alternatives of a
    pattern."""
    actions = [
        Action("exec-dynamic", detail=m.group(1))
        for m in re.finditer(rf"""\b({names})\b\s*\(?\s*(?![\s'"`%]|qw\b|q\b)[$@\w:\[]""", source)
    ]
    if interpolated is None:
        return actions
    for m in re.finditer(r"`([^`]{1,4000})`|%x\s*[{(\[](.{0,4000}?)[})\]]|qx\s*[{(\[/](.{0,4000}?)[})\]/]", source):
        if re.search(interpolated, next(g for g in m.groups() if g is not None)):
            actions.append(Action("exec-dynamic", detail="a command string with a value put into it"))
    return actions


def _eval_of_runtime_value(source: str, actions: list[Action]) -> None:
    """`eval` of something not a literal: downloaded when the code fetches, else built at run time."""
    if re.search(r"""\beval\s*\(?\s*(?!['"\s])""", source):
        network = any(a.kind == "network" for a in actions)
        detail = "eval of downloaded code" if network else "eval of a value built at run time"
        actions.append(Action("eval-dynamic", detail=detail))


# A second string literal, after a comma (`rename "a", "b"`): its text is "t".
_Q2 = r"""\s*,\s*(?P<q2>['"`])(?P<t>(?:\\.|(?!(?P=q2)).){0,4000})(?P=q2)"""
# What a call that moves, copies or links a file does, as the command that does the same.
_TWO_PATHS = {"move": ("mv", "--"), "copy": ("cp", "-r", "--"), "link": ("ln", "--"), "symlink": ("ln", "-s", "--")}


def _two_path_calls(calls: dict[str, str], source: str) -> list[Action]:
    """Calls that move, copy or link a file (`rename "a", "b"`, `FileUtils.mv(a, b)`, `copy($a, $b)`), by kind of
    call (`calls`: a pattern of the calls' names per `_TWO_PATHS` kind), as the shell command that does the same,
    which the rules for `mv`, `cp` and `ln` judge; one given anything but two literal paths moves or writes a path
    only known when it runs."""
    actions = []
    for kind, names in calls.items():
        for m in re.finditer(rf"""\b({names})\s*\(?\s*""" + _Q + _Q2, source):
            second = _unescaped(m.group("q2"), m.group("t"))
            command = shlex.join([*_TWO_PATHS[kind], _value(m), second])
            actions.append(Action("shell", command, detail=m.group(1)))
        literal = len(re.findall(rf"""\b(?:{names})\s*\(?\s*""" + _Q + _Q2, source))
        if len(re.findall(rf"""\b(?:{names})(?:\s*\(\s*|\s+)(?=[$@'"`])""", source)) > literal:
            actions.append(Action("delete", "", recursive=True, detail=f"{kind} of a path only known when it runs"))
    return actions


_QX = re.compile(r"qx\s*(?:\{(.{0,4000}?)\}|\((.{0,4000}?)\)|\[(.{0,4000}?)\]|([^\w\s{(\[])(.{0,4000}?)\4)", re.S)


# `open F, ">>~/.bashrc"`: a two-argument open for writing (its mode before the path, in the one string).
_PERL_OPEN_WRITE = (
    r"""\b(open)\s*\(?\s*(?:my\s+)?[$\w]+\s*,\s*(?P<q>['"])\s*(?:\+?>>?|\+<)\s*(?P<s>[^'"|]{1,4000})(?P=q)"""
)


def perl_actions(source: str) -> list[Action]:
    actions = _shell_calls(r"\b(system|exec)\s*\(?\s*", source)
    actions += _dynamic_calls(r"system|exec", source, r"\$\w|\$\{|@\w")
    actions += _reads(r"""\b(open)\s*\(?\s*(?:my\s+)?[$\w]+\s*,\s*['"]<['"]\s*,\s*""", source)
    for m in _strings(r"""\b(open)\s*\(?\s*(?:my\s+)?[$\w]+\s*,\s*""" + _Q, source):  # open F, "<~/.ssh/id_rsa"
        path = _value(m).strip()
        if path.startswith("<") or (not path.startswith((">", "|", "+", "-")) and not path.endswith("|")):
            actions.append(Action("read", path.lstrip("<").strip(), detail="open"))
    for m in _strings(r"""\b(open)\s*\(?\s*(?:my\s+)?[$\w]+\s*,\s*['"]\s*(\+?>>?|\+<)\s*['"]\s*,\s*""" + _Q, source):
        actions.append(Action("write", _value(m).strip(), detail="open"))  # open F, ">", "~/.bashrc"
    for m in _strings(_PERL_OPEN_WRITE, source):
        actions.append(Action("write", m.group("s").strip(), detail="open"))  # open F, ">>~/.bashrc"
    actions += [  # qx{…}, qx(…), qx[…], or any other sign as both ends: qx/…/, qx!…! (each closes itself)
        Action(
            "shell", next(g for g in m.groups()[:3] if g is not None) if m.group(5) is None else m.group(5), detail="qx"
        )
        for m in _QX.finditer(source)
    ]
    actions += [Action("shell", m.group(1), detail="backticks") for m in re.finditer(r"`([^`]{1,4000})`", source)]
    actions += [
        Action("shell", m.group(2), detail="open pipe")
        for m in re.finditer(r"""open\s*\(?\s*\w+\s*,\s*(['"])\s*\|?\s*([^'"|]{1,2000})\|\s*\1""", source)
    ]
    actions += [
        Action("delete", _value(m), recursive=m.group(1) != "unlink", detail=m.group(1))
        for m in _strings(r"\b(unlink|rmtree|remove_tree)\s*\(?\s*(?:glob\s*\(?\s*)?" + _Q, source)
    ]
    actions += _two_path_calls(
        {"move": r"rename|move|mv|File::Copy::move", "copy": r"copy|cp|File::Copy::copy", "link": "link",
         "symlink": "symlink"},
        source,
    )  # fmt: skip
    if re.search(r"IO::Socket|socket\s*\(", source):
        actions.append(Action("connect", detail="socket"))
        # a shell run in any quoting (`exec q{/bin/sh -i}`), or the socket made its input (`open(STDIN, …)`, dup2)
        if re.search(
            r"""(?:exec|system)\s*\(?\s*(?:['"]|q[qw]?\s*[^\w\s])[^'"})\]]*\bsh\b|open\s*\(\s*STD(?:IN|OUT)|\bdup2\b""",
            source,
        ):
            actions.append(Action("spawn-shell", detail="exec shell on socket"))
    if re.search(r"LWP::|HTTP::Tiny|Net::HTTP|IO::Socket", source):
        actions.append(Action("network", detail="http client"))
    if re.search(r"\beval\s*\(?\s*(decode_base64|unpack)", source):
        actions.append(Action("eval-dynamic", detail="eval of decoded data"))
    else:
        _eval_of_runtime_value(source, actions)
    return actions


def ruby_actions(source: str) -> list[Action]:
    actions = _shell_calls(r"\b(system|exec|spawn|IO\.popen|Open3\.\w+)\s*\(?\s*", source)
    actions += _dynamic_calls(r"system|exec|spawn|IO\.popen|Open3\.\w+", source, r"#\{")
    actions += _reads(r"\b(File\.(?:read|open|readlines|binread)|IO\.(?:read|readlines))\s*\(?\s*", source)
    actions += [Action("shell", m.group(1), detail="%x") for m in re.finditer(r"%x\s*[{(\[](.{0,4000}?)[})\]]", source)]
    actions += [Action("shell", m.group(1), detail="backticks") for m in re.finditer(r"`([^`]{1,4000})`", source)]
    actions += [
        Action("delete", _value(m), recursive="_r" in m.group(1) or "rm_rf" in m.group(1), detail=m.group(1))
        for m in _strings(
            r"\b(FileUtils\.rm_rf|FileUtils\.rm_r|FileUtils\.remove_dir|FileUtils\.rm|"
            r"File\.delete|File\.unlink|Dir\.rmdir)\s*\(?\s*" + _Q,
            source,
        )
    ]
    actions += _two_path_calls(  # `File.symlink("/home/dev", "/tmp/p")`: as `ln -s`, followed later in the command
        {"move": r"File\.rename|FileUtils\.(?:mv|move)", "copy": r"FileUtils\.(?:cp|cp_r|copy|copy_file|copy_entry)"
         r"|IO\.copy_stream", "link": r"File\.link|FileUtils\.ln", "symlink": r"File\.symlink|FileUtils\.ln_sf?"},
        source,
    )  # fmt: skip
    if re.search(r"TCPSocket|UDPSocket|Socket\.new", source):
        actions.append(Action("connect", detail="socket"))
        # a shell run in any quoting (`exec(*%w[/bin/sh -i], in: s)`), or the socket made its input (`reopen`)
        if re.search(
            r"""(exec|spawn|system)\s*\(?\s*(?:\*?%[wWqQ]?\s*[\[({<]|['"])[^'"\])}>]*\bsh\b|\.reopen\(""", source
        ):
            actions.append(Action("spawn-shell", detail="shell on socket"))
    if re.search(r"Net::HTTP|open-uri|URI\.open|HTTParty|Faraday|TCPSocket|RestClient", source):
        actions.append(Action("network", detail="http client"))
        if re.search(r"post_form|\.post\b|Post\.new|\.put\b|\.write\b|\.puts\b", source):
            actions.append(Action("send", detail="http request with a body"))
    if re.search(r"\beval\s*\(?\s*(Base64|\[)|instance_eval", source):
        actions.append(Action("eval-dynamic", detail="eval of decoded data"))
    else:
        _eval_of_runtime_value(source, actions)
    return actions


def php_actions(source: str) -> list[Action]:
    actions = _shell_calls(r"\b(system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec)\s*\(\s*", source)
    actions += _dynamic_calls(r"system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec", source, r"\$\w|\{\$")
    for m in _strings(r"\b(file_get_contents|fopen|file|readfile|fsockopen|curl_init)\s*\(\s*" + _Q, source):
        remote = re.match(r"(?i)(https?|ftp|tcp|udp|ssl|tls)://", _value(m)) or m.group(1) == "fsockopen"
        if remote or m.group(1) == "curl_init":
            actions.append(Action("network", _value(m), detail=m.group(1)))
            if "?" in _value(m) or "POSTFIELDS" in source or "stream_context_create" in source:
                actions.append(Action("send", _value(m), detail=m.group(1)))
        else:
            actions.append(Action("read", _value(m), detail=m.group(1)))
    actions += [Action("shell", m.group(1), detail="backticks") for m in re.finditer(r"`([^`]{1,4000})`", source)]
    actions += [
        Action("delete", _value(m), detail=m.group(1)) for m in _strings(r"\b(unlink|rmdir)\s*\(\s*" + _Q, source)
    ]
    actions += _two_path_calls({"move": "rename", "copy": "copy", "link": "link", "symlink": "symlink"}, source)
    if re.search(r"fsockopen|socket_create|stream_socket_client", source):
        actions.append(Action("connect", detail="socket"))
        if re.search(r"/bin/(ba)?sh|proc_open", source):
            actions.append(Action("spawn-shell", detail="shell on socket"))
    if re.search(r"\beval\s*\(\s*(base64_decode|gzinflate|str_rot13)", source):
        actions.append(Action("eval-dynamic", detail="eval of decoded data"))
    else:
        _eval_of_runtime_value(source, actions)
    return actions


def lua_actions(source: str) -> list[Action]:
    actions = _shell_calls(r"\b(os\.execute|io\.popen)\s*\(?\s*", source)
    actions += _dynamic_calls(r"os\.execute|io\.popen", source, None)
    if re.search(r"""\b(?:os\.execute|io\.popen)\s*\(?\s*[^)]*?\.\.\s*[^'"\s]""", source):  # "rm -rf " .. dir
        actions.append(Action("exec-dynamic", detail="a command joined with a value"))
    removed = _strings(r"\b(os\.remove)\s*\(?\s*" + _Q, source)
    actions += [Action("delete", _value(m), detail=m.group(1)) for m in removed]
    actions += _reads(r"\b(io\.open|io\.lines)\s*\(?\s*", source)
    if re.search(r"""require\s*\(?\s*['"]socket|\bsocket\.(?:tcp|udp|connect)\b""", source):
        actions.append(Action("connect", detail="socket"))
    if re.search(r"""require\s*\(?\s*['"](?:socket\.http|ssl\.https|http\.request)""", source):
        actions.append(Action("network", detail="http client"))
    if re.search(r"""\b(?:load|loadstring|dofile)\s*\(?\s*(?!['"\s)])""", source):
        actions.append(Action("eval-dynamic", detail="load of a value built at run time"))
    return actions


def applescript_actions(source: str) -> list[Action]:
    """`do shell script "…"`, as `osascript -e` runs it."""
    actions = [
        Action("shell", _unescaped('"', m.group(1)), detail="do shell script")
        for m in re.finditer(r'do\s+shell\s+script\s+"((?:\\.|[^"\\]){0,4000})"(?!\s*&)', source, re.IGNORECASE)
    ]
    if re.search(r'do\s+shell\s+script\s+(?:[^"\s]|"(?:\\.|[^"\\])*"\s*&)', source, re.IGNORECASE):
        actions.append(Action("exec-dynamic", detail="do shell script"))
    return actions


# Calls that run a process, for code in a language no reader above knows (R, Julia, Elixir, Erlang, Groovy, the
# Lisps, Swift, Tcl…): the literal strings a call is given make the command it runs.
_PROCESS_CALL = re.compile(
    r"(?i)(?<![\w-])(?:[\w.-]*[.:/])?(system2?|shell|exec|execute|popen|spawn|run|cmd|sh|call|run-program|"
    r"run_program|launchedProcess|start_process)(?![\w-])"
)
_LITERAL = re.compile(r"""(['"`])((?:\\.|(?!\1).){0,4000})\1""", re.DOTALL)
_ON_LITERAL = re.compile(r"""(['"])((?:\\.|(?!\1).){1,4000})\1\s*\.\s*(?:execute|!!?|lines(?:_!)?)(?!\w)""")
_MAX_CALLS = 64  # process-running calls read in one piece of code (each reads up to 4,000 characters)
_TCL_EXEC = re.compile(r"(?m)(?:^|[\[;{])\s*exec\s+([^\]\n;}]{1,4000})")


def generic_actions(source: str) -> list[Action]:
    """What a process-running call is given, in any language: `system("rm -rf ~")`, `System.cmd("rm", ["-rf",
    d])`, `run(`rm -rf x`)`, `(system "…")`, `"…".execute()`, Tcl's `exec rm -rf ~`. One literal is a command
    line, several are its words; a call given none is a command known only when it runs."""
    actions: list[Action] = []
    for count, m in enumerate(_PROCESS_CALL.finditer(source)):
        if count >= _MAX_CALLS:  # past that many, what is left is one call known only when it runs
            actions.append(Action("exec-dynamic", detail="more process calls than are read"))
            break
        lisp = source[: m.start()].rstrip().endswith("(") and not source[m.end() :].lstrip().startswith("(")
        opening = source.find("(", m.end()) if not lisp else m.end()
        if not lisp and (opening == -1 or source[m.end() : opening].strip()):
            continue  # a name, not a call
        segment = _balanced(source, opening if not lisp else m.start() - 1)
        words = [_unescaped(q, text) for q, text in _LITERAL.findall(segment)]
        if len(words) == 1:
            actions.append(Action("shell", words[0], detail=m.group(1)))
        elif words:
            shell = words[:2] in (["sh", "-c"], ["bash", "-c"], ["/bin/sh", "-c"]) and len(words) > 2
            actions.append(Action("shell", words[2] if shell else shlex.join(words), detail=m.group(1)))
        elif re.search(r"[A-Za-z_$]", segment[1:-1]):
            actions.append(Action("exec-dynamic", detail=m.group(1)))
    for m in itertools.islice(_ON_LITERAL.finditer(source), _MAX_CALLS):
        actions.append(Action("shell", _unescaped(m.group(1), m.group(2)), detail="a string run as a command"))
    for m in itertools.islice(_TCL_EXEC.finditer(source), _MAX_CALLS):
        actions.append(Action("shell", m.group(1).strip(), detail="exec"))
    return actions


def _balanced(source: str, opening: int) -> str:
    """The text from the parenthesis at `opening` to the one that closes it (or 4,000 characters), quotes skipped."""
    depth, index, quote = 0, opening, ""
    end = min(len(source), opening + 4000)
    while index < end:
        char = source[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return source[opening : index + 1]
        index += 1
    return source[opening:end]


def powershell_actions(source: str) -> list[Action]:
    actions: list[Action] = []
    encoded = re.search(r"-e(nc(odedcommand)?)?\s+([A-Za-z0-9+/=]{8,})", source, re.IGNORECASE)
    if encoded:
        try:
            decoded = base64.b64decode(encoded.group(3)).decode("utf-16-le")
        except (ValueError, binascii.Error, UnicodeDecodeError):
            actions.append(Action("eval-dynamic", detail="undecodable -EncodedCommand"))
        else:
            actions.extend(powershell_actions(decoded))
            actions.append(Action("eval-dynamic", detail="-EncodedCommand"))
    download = re.search(
        r"\b(iwr|irm|curl|wget|Invoke-WebRequest|Invoke-RestMethod|DownloadString|DownloadFile|"
        r"DownloadData|Net\.WebClient|Start-BitsTransfer)\b",
        source,
        re.IGNORECASE,
    )
    if download:
        actions.append(Action("network", detail=download.group(1)))
        for m in re.finditer(r"-InFile\s+((?:\"[^\"]*\"|'[^']*'|[^\s;|])+)", source, re.IGNORECASE):
            actions.append(Action("read", re.sub(r"[\"']", "", m.group(1)), detail="-InFile"))
            actions.append(Action("send", detail=download.group(1)))
        if re.search(r"-Method\s+['\"]?(Post|Put|Patch)\b|-Body\b|UploadFile|UploadString|UploadData", source, re.I):
            actions.append(Action("send", detail=download.group(1)))
    if re.search(r"\b(iex|Invoke-Expression|Invoke-Command|ScriptBlock\]::Create)\b|\|\s*&", source, re.IGNORECASE):
        actions.append(Action("eval-dynamic", detail="Invoke-Expression"))
    for m in re.finditer(
        r"\b(Remove-Item|rm|del|rd|rmdir|ri)\s+((?:-\w+\s+)*)(['\"]?)([^\s'\";|]+)\3([^;|]{0,200})",
        source,
        re.IGNORECASE,
    ):
        flags = (m.group(2) + m.group(5)).lower()
        actions.append(Action("delete", m.group(4), recursive="-r" in flags, detail=m.group(1)))
    if re.search(r"Net\.Sockets\.TCPClient", source, re.IGNORECASE):
        actions.append(Action("connect", detail="TCPClient"))
        if re.search(r"GetStream\(\)|iex|Invoke-Expression", source, re.IGNORECASE):
            actions.append(Action("spawn-shell", detail="shell on TCPClient"))
    return actions


LANGUAGES = {
    "python": python_actions,
    "javascript": javascript_actions,
    "perl": perl_actions,
    "ruby": ruby_actions,
    "php": php_actions,
    "powershell": powershell_actions,
    "lua": lua_actions,
    "applescript": applescript_actions,
    "generic": generic_actions,
}
INTERPRETER_LANGUAGE = {
    "python": "python",
    "python2": "python",
    "python3": "python",
    "pypy": "python",
    "pypy3": "python",
    "node": "javascript",
    "nodejs": "javascript",
    "deno": "javascript",
    "bun": "javascript",
    "perl": "perl",
    "ruby": "ruby",
    "php": "php",
    "powershell": "powershell",
    "pwsh": "powershell",
    "lua": "lua",
    "osascript": "applescript",
    "irb": "ruby",
    "luajit": "lua",
    "ts-node": "javascript",
    "ipython": "python",
    "ipython3": "python",
}


def actions_for(language: str, source: str) -> list[Action] | None:
    """Actions of `source` in `language`; None when Python cannot be parsed."""
    reader = LANGUAGES.get(language)
    if reader is None:
        return []
    if language == "python":
        return reader(source)
    source = normalised(language, source)
    actions = reader(source) or []
    whole_env = _WHOLE_ENVIRONMENT.get(language)
    if whole_env is not None and whole_env.search(source):
        actions.append(Action("read-env", detail="the whole environment"))
    actions += _secret_variables_read(language, source)
    if any(a.kind in ("network", "send", "connect") for a in actions):
        actions += _secret_variables_sent(language, source)
    return actions


# One environment variable read, by language (its name in group "a", or "b" where there are two spellings).
_ONE_VARIABLE_READ = {
    "javascript": r"\bprocess\.env(?:\.(?P<a>\w+)|\[\s*['\"](?P<b>\w+)['\"]\s*\])",
    "perl": r"\$ENV\{\s*['\"]?(?P<a>\w+)['\"]?\s*\}",
    "ruby": r"\bENV(?:\[\s*['\"](?P<a>\w+)['\"]\s*\]|\.fetch\(\s*['\"](?P<b>\w+)['\"])",
    "php": r"\bgetenv\(\s*['\"](?P<a>\w+)['\"]|\$_(?:ENV|SERVER)\[\s*['\"](?P<b>\w+)['\"]",
    "powershell": r"\$env:(?P<a>\w+)",
    "lua": r"\bos\.getenv\(\s*['\"](?P<a>\w+)['\"]",
}
# What comes just before a value that authenticates a request rather than carrying data off: a header, a bearer
# token, credentials (how every API is called; the same as a shell command's `-H "Authorization: …"`).
_AUTHENTICATES = re.compile(
    r"(?i)(authorization|bearer|token\s|headers?\b|x-[\w-]*key|auth\w*\s*[:=]|-Headers)\W{0,40}$"
)


def _secret_reads(language: str, source: str) -> Iterator[tuple[re.Match[str], str]]:
    """Each read of a secret environment variable in the code, with the variable's name."""
    pattern = _ONE_VARIABLE_READ.get(language)
    for m in re.finditer(pattern, source) if pattern is not None else ():
        name = m.group("a") or (m.groupdict().get("b") or "")
        if secret_name(name):
            yield m, name


def _secret_variables_read(language: str, source: str) -> list[Action]:
    """The first secret environment variable the code reads, if any (what it prints may carry its value)."""
    first = next(_secret_reads(language, source), None)
    return [Action("read-secret-variable", first[1], detail=f"{language} code")] if first else []


def _secret_variables_sent(language: str, source: str) -> list[Action]:
    """A secret environment variable in code that makes a request, outside a header or credentials: as far as a
    reading of the text can tell, it goes in the request's address or body (Python's reader follows it exactly)."""
    for m, name in _secret_reads(language, source):
        if not _AUTHENTICATES.search(source[max(0, m.start() - 80) : m.start()]):
            return [Action("send-secret", name, detail=f"{language} code")]
    return []


# Where the home directory comes from, by language: each becomes the string "~" before the readers look.
_HOME = {
    "javascript": r"(?:require\(\s*['\"](?:node:)?os['\"]\s*\)|\b[A-Za-z_$][\w$]*)\.homedir\(\)|\bhomedir\(\)"
    r"|\bprocess\.env(?:\.HOME\b|\[\s*['\"]HOME['\"]\s*\])",
    "ruby": r"\bDir\.home\b(?:\(\))?|\bENV(?:\[\s*['\"]HOME['\"]\s*\]|\.fetch\(\s*['\"]HOME['\"]\s*\))"
    r"|\bFile\.expand_path\(\s*['\"]~['\"]\s*\)|\bEtc\.getpwuid(?:\(\))?\.dir\b",
    "perl": r"\$ENV\{\s*['\"]?HOME['\"]?\s*\}|File::HomeDir->my_home(?:\(\))?|\bglob\(\s*['\"]~['\"]\s*\)"
    r"|\(\s*getpwuid\s*\(?\s*(?:\$<|\$>|\$REAL_USER_ID|\$UID)\s*\)?\s*\)\s*\[\s*7\s*\]",
    "php": r"\bgetenv\(\s*['\"]HOME['\"]\s*\)|\$_(?:SERVER|ENV)\[\s*['\"]HOME['\"]\s*\]"
    r"|\bposix_getpwuid\(\s*posix_get(?:e?uid)\(\s*\)\s*\)\s*\[\s*['\"]dir['\"]\s*\]",
    "powershell": r"\$HOME\b|\$env:(?:HOME|USERPROFILE)\b"
    r"|\[Environment\]::GetFolderPath\(\s*['\"]UserProfile['\"]\s*\)",
}
_HOME_RE = {
    language: re.compile(pattern, re.IGNORECASE if language == "powershell" else 0)
    for language, pattern in _HOME.items()
}
# The whole environment taken at once, by language.
_WHOLE_ENVIRONMENT = {
    "javascript": re.compile(r"\bprocess\.env\b(?!\s*(?:\.\s*\w|\[|\?\.))"),
    "ruby": re.compile(r"\bENV\b(?:\.(?:to_h|to_a|to_hash|inspect|each|map|select|sort|keys|values)\b|(?!\s*[\[.]))"),
    "perl": re.compile(r"%ENV\b"),
    "php": re.compile(r"\bgetenv\(\s*\)|\$_(?:ENV|SERVER)\b(?!\s*\[)"),
    "powershell": re.compile(r"(?:Get-ChildItem|gci|dir|ls)\s+env:(?!\w)|GetEnvironmentVariables\(", re.IGNORECASE),
}
_ALIAS = re.compile(r"(?:\b(?:const|let|var)\s+|,\s*)(\w+)\s*=\s*require\(\s*['\"](?:node:)?([\w/]+)['\"]\s*\)")
_CONCAT = re.compile(r"""(["'])((?:\\.|(?!\1)[^\n])*)\1\s*[+.]\s*(["'])((?:\\.|(?!\3)[^\n])*)\3""")
_JOIN = re.compile(r"""\b(?:path|File|Path)\.join\(\s*(["'])([^"'\n]*)\1\s*,\s*(["'])([^"'\n]*)\3\s*\)""")
_UNWRAP = re.compile(
    r"""\b(?:File\.expand_path|File\.absolute_path|realpath|path\.resolve|path\.normalize|Pathname\.new|glob)"""
    r"""\(\s*((["'])[^"'\n]*\2)\s*\)"""
)
_CALLED_BY_NAME = re.compile(
    r"""\b(?:call_user_func|call_user_func_array|forward_static_call)\s*\(\s*(['"])([A-Za-z_]\w*)\1\s*,?\s*"""
)
_LITERAL_MEMBER = re.compile(r"""\[\s*(["'`])([A-Za-z_$][\w$]*)\1\s*\]""")
_TEMPLATE_HOLE = re.compile(r"\$\{\s*(['\"])([^'\"\n]*)\1\s*\}|#\{\s*(['\"])([^'\"\n]*)\3\s*\}")


def normalised(language: str, source: str) -> str:
    """`source` with what the regular-expression readers cannot follow made literal: the home directory from its
    APIs (`os.homedir()`, `Dir.home`, `$ENV{HOME}`, `getenv("HOME")`) as `"~"`, module aliases
    (`const n = require('net')`) by the module's name, and literal strings joined (`"rm -rf " . "~"`,
    `path.join("~", ".ssh")`, `` `${"~"}/x` ``)."""
    home = _HOME_RE.get(language)
    if home is not None:
        source = home.sub(_home_literal(source), source)
    for _ in range(16):
        folded = _TEMPLATE_HOLE.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(4), source)
        folded = _JOIN.sub(lambda m: _quoted(f"{m.group(2).rstrip('/')}/{m.group(4)}"), folded)
        folded = _CONCAT.sub(lambda m: _quoted(m.group(2) + m.group(4)), folded)
        folded = _UNWRAP.sub(lambda m: m.group(1), folded)
        if language == "javascript":  # `cp["execSync"]` is `cp.execSync`
            folded = _LITERAL_MEMBER.sub(lambda m: "." + m.group(2), folded)
        elif language == "php":  # `call_user_func("system", …)` is `system(…)`
            folded = _CALLED_BY_NAME.sub(lambda m: m.group(2) + "(", folded)
        if folded == source:
            break
        source = folded
    if language == "javascript":
        for alias, module in _ALIAS.findall(source)[:32]:
            if alias != module:
                source = re.sub(rf"(?<![\w$.]){re.escape(alias)}\.", f"{module}.", source)
    return source


def _home_literal(source: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        line_start = source.rfind("\n", 0, match.start()) + 1
        before = re.sub(r"\\.", "", source[line_start : match.start()])
        return "~" if before.count('"') % 2 else '"~"'  # inside a double-quoted string, or standing alone

    return replace


def _quoted(text: str) -> str:
    return f'"{text}"' if '"' not in text else f"'{text}'"
