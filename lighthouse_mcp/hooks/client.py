"""The hook's thin client: hands the hook input to the project's hook server (`hooks/daemon.py`, started by
`lighthouse serve`) over the Unix socket `.lighthouse/hook.sock`, and prints its answer.

It imports only modules built into the interpreter (no `json`, `socket`, `hmac` or `typing`: on a slow machine each
costs as much as the rest of the call), so a hook call costs little more than starting Python. When the server does
not take the call (no socket, nobody listening, no acknowledgement within `ACK_S`) the caller decides in-process
instead, exactly as the server would have. Once it took the call, anything but its signed answer by its signed
deadline is a block (exit 2): an impostor, a relay that changed the call, a server that died or went silent.

The exchange, all on one connection (numbers in decimal, NONCE and MACs in hex). Every line the server sends after
the ack is signed with HMAC-SHA256 under the project's key over NONCE's bytes, a NUL, REQ (the SHA-256 of everything
the client sent after its first line, so an answer is bound to the exact call it answers) and the line's own fields:

    client → server   LH2 NONCE ELAPSED_MS CWD_LEN ENV_LEN INPUT_LEN\n, then the working directory, the environment
                      (NAME=VALUE entries, each ended by a NUL) and the hook input, as bytes of those lengths;
                      ELAPSED_MS is how long the client has been running (its deadline counts from its start)
    server → client   ack\n               a process of its own now holds the request
    client → server   go\n                sent only if the ack came within ACK_S; otherwise the client hangs up and
                                          decides itself, and the server's process ends without doing anything
    server → client   limit MAC SECONDS\n any number: the hook's deadline, in seconds from the client's start
    server → client   answer MAC CODE OUT_LEN ERR_LEN\n, then stdout's and stderr's bytes

After `go` the call is the server's: silence past the deadline, a broken connection or any line that is not as above
is a block, never a second decision in-process.
"""

import os
import time

# Neither typing nor __future__ is imported (annotations naming what is not there at run time are quoted): each
# costs more than the rest of the client.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_HOOK_INPUT = 32 * 1024 * 1024
AGENT_KIND_ENV = "LIGHTHOUSE_AGENT_KIND"  # `--agent-kind`, passed on to the hook server with the environment
AGENT_KINDS = ("claude", "gemini", "codex", "cursor")
SOCKET_NAME = "hook.sock"
MAGIC = b"LH2"
ACK_S = 1.0  # from connecting to the server's ack; past it the client decides in-process
FIRST_LIMIT_S = 10.0  # the deadline until the server says otherwise (hook.deadline_s's default)
GRACE_S = 1.0  # past the server's deadline (its answer goes out at the deadline) before the client blocks
MAX_KEY_BYTES = 256
MAX_LINE = 64 * 1024
MAX_ANSWER = 1024 * 1024

Reply = tuple[bytes, bytes, int]  # stdout, stderr, exit code


class Unanswered(Exception):
    """The server did not take the request or did not answer: decide in-process."""


class Untrusted(Exception):
    """Something answered on the socket that cannot be believed: block."""


# Agents that load `.env` files into the environment their hooks inherit (Gemini CLI: the first `.env` or
# `.gemini/.env` from its working directory up, else in the home directory). A file there can be written by the agent
# the hook guards, so what such a file defines is not taken from the environment: Lighthouse's settings (the agent's
# role, where its home is, how it decides on errors) and where the user's own config file is (XDG_CONFIG_HOME: that
# file may unlock critical rules). Python's own variables (PYTHONPATH, …) act before any of this runs: the hook
# command `init` writes clears them itself.
DOTENV_KINDS = ("gemini",)
DOTENV_DISTRUSTED = frozenset({"XDG_CONFIG_HOME"})
MAX_DOTENV = 1024 * 1024


def from_dotenv(*starts: "str | None") -> "set[str]":
    """The names every `.env` and `.gemini/.env` file defines, in each of `starts` and every directory above it.
    More than the agent loads (it stops at the first file found), never less. A file that exists but cannot be read
    through might define anything: it names every Lighthouse setting and each distrusted variable."""
    names: set[str] = set()
    seen: set[str] = set()
    for start in starts:
        if not start:
            continue
        path = os.path.abspath(start)
        while path not in seen:
            seen.add(path)
            for candidate in (os.path.join(path, ".env"), os.path.join(path, ".gemini", ".env")):
                names |= _names_in(candidate)
            parent = os.path.dirname(path)
            if parent == path:
                break
            path = parent
    return names


def _names_in(path: str) -> "set[str]":
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_DOTENV + 1)
    except FileNotFoundError:
        return set()
    except OSError:
        data = None
    if data is None or len(data) > MAX_DOTENV:
        return {*DOTENV_DISTRUSTED, "LIGHTHOUSE_"} | {name for name in os.environ if name.startswith("LIGHTHOUSE_")}
    names = set()
    for raw in data.replace(b"\r", b"\n").split(b"\n"):
        line = raw.strip()
        if line[:7] in (b"export ", b"export\t"):
            line = line[7:].lstrip()
        end = 0  # a name as dotenv reads one (`NAME=value`, `NAME: value`), whatever follows
        while end < len(line) and (line[end : end + 1].isalnum() or line[end : end + 1] in b"_.-"):
            end += 1
        if end and line[end:].lstrip()[:1] in (b"=", b":"):
            names.add(line[:end].decode("ascii"))
    return names


def blocked(kind: "str | None", message: str) -> Reply:
    """A block in the terms of the agent `kind` (the `--agent-kind`; Cursor's client name is the same word): exit 2
    with the reason on stderr, and for Cursor, which wants JSON on every path, its deny answer on stdout as well."""
    message = message[:4000]
    err = message.encode("utf-8", "replace") + b"\n"
    if kind != "cursor":
        return b"", err, 2
    text = json_string(message)
    out = f'{{"permission": "deny", "user_message": {text}, "agent_message": {text}}}\n'
    return out.encode("utf-8"), err, 2


def json_string(text: str) -> str:
    """`text` as a JSON string, built without `json` (see above): quotes, backslashes and control characters
    escaped, a lone surrogate (not Unicode text) replaced."""
    out = []
    for c in text:
        code = ord(c)
        if c in '"\\' or code < 0x20:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code < 0xE000:
            out.append("\ufffd")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def socket_path(home_dir: str) -> str:
    return os.path.join(home_dir, SOCKET_NAME)


def find_home_dir(environ: dict[str, str]) -> str | None:
    """The project home to look for a server in: LIGHTHOUSE_HOME (`--home` sets it), else `.lighthouse` in the
    Claude Code (or Gemini CLI) project directory, or the working directory (Codex CLI's hooks run in the session's),
    or above. Only where to look: the server
    resolves the home from the hook input itself, exactly as the in-process hook does."""
    given = environ.get("LIGHTHOUSE_HOME")
    if given:
        return given
    path = os.path.abspath(environ.get("CLAUDE_PROJECT_DIR") or environ.get("GEMINI_PROJECT_DIR") or os.getcwd())
    while True:
        candidate = os.path.join(path, ".lighthouse")
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def read_key(home_dir: str) -> bytes | None:
    """The project key, if `secret.key` is a small regular file (never a FIFO or a device: reading one would hang
    or never end)."""
    import stat

    try:
        fd = os.open(os.path.join(home_dir, "secret.key"), os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_KEY_BYTES:
            return None
        return bytes.fromhex(os.read(fd, MAX_KEY_BYTES).strip().decode("ascii"))
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)


def _sha256() -> "Any":
    """The built-in SHA-256 constructor (a failed import costs a search of the whole path: not tried twice)."""
    import sys

    if sys.version_info >= (3, 12):
        from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]
    else:
        from _sha256 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
    return sha256


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 (RFC 2104) as hex, on the interpreter's built-in SHA-256 (`hmac` and `hashlib` cost more to
    import than the rest of the client)."""
    sha256 = _sha256()
    if len(key) > 64:
        key = sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = sha256(bytes(b ^ 0x36 for b in key))
    inner.update(message)
    outer = sha256(bytes(b ^ 0x5C for b in key))
    outer.update(inner.digest())
    return outer.hexdigest().encode()  # type: ignore[no-any-return]


def request_digest(body: bytes) -> bytes:
    """REQ: the SHA-256 of what the client sent after its first line."""
    return _sha256()(body).digest()  # type: ignore[no-any-return]


def signed(key: bytes, nonce: bytes, req: bytes, fields: bytes) -> bytes:
    """The MAC of one line's fields (and, for an answer, its bytes) for the request with `nonce` and digest `req`."""
    return hmac_sha256(key, nonce + b"\0" + req + fields)


def answer_frame(key: bytes, nonce: bytes, req: bytes, out: bytes, err: bytes, code: int) -> bytes:
    """The server's answer to the request with `nonce` and digest `req`."""
    fields = f"{code} {len(out)} {len(err)}".encode()
    return b"answer " + signed(key, nonce, req, fields + out + err) + b" " + fields + b"\n" + out + err


def limit_frame(key: bytes, nonce: bytes, req: bytes, seconds: float) -> bytes:
    """The server's deadline for the request, in seconds from the client's start."""
    fields = f"{seconds:.3f}".encode()
    return b"limit " + signed(key, nonce, req, b"limit " + fields) + b" " + fields + b"\n"


def request_frame(nonce: bytes, elapsed_ms: int, cwd: bytes, environ: dict[bytes, bytes], data: bytes) -> bytes:
    env = b"".join(name + b"=" + value + b"\0" for name, value in environ.items())
    head = b"%s %s %d %d %d %d\n" % (MAGIC, nonce.hex().encode(), elapsed_ms, len(cwd), len(env), len(data))
    return head + cwd + env + data


def ask_server(
    home_dir: str, data: bytes, *, environ: dict[bytes, bytes], cwd: bytes, started: float | None = None
) -> Reply:
    """The server's answer to the hook input `data`. Unanswered: it did not take the call, decide in-process.
    Untrusted: it took the call and then did not answer as it must, or something else answered: block."""
    import _socket

    started = time.monotonic() if started is None else started
    path = socket_path(home_dir)
    if not os.path.exists(path):
        raise Unanswered("no hook server")
    key = read_key(home_dir)
    if key is None:
        raise Unanswered("the project key cannot be read")
    nonce = os.urandom(16)
    elapsed_ms = int((time.monotonic() - started) * 1000)
    frame = request_frame(nonce, elapsed_ms, cwd, environ, data)
    req = request_digest(frame[frame.index(b"\n") + 1 :])
    conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        lines = Lines(conn)
        try:
            conn.settimeout(ACK_S)
            conn.connect(path)
            conn.sendall(frame)
            if lines.next(time.monotonic() + ACK_S) != b"ack":
                raise Unanswered("the server did not acknowledge")
            conn.sendall(b"go\n")
        except OSError as exc:
            raise Unanswered(f"the server cannot be reached: {exc}") from exc
        until = started + FIRST_LIMIT_S + GRACE_S
        try:
            while True:
                line = lines.next(until)
                kind, _, rest = line.partition(b" ")
                if kind == b"limit":
                    mac, _, seconds = rest.partition(b" ")
                    if not _compare(mac, signed(key, nonce, req, b"limit " + seconds)):
                        raise Untrusted("the hook socket sent a deadline without the project's key")
                    until = started + float(seconds) + GRACE_S
                elif kind == b"answer":
                    return _verified(rest, lines, until, key, nonce, req)
                else:
                    raise Untrusted(f"the hook server sent something that is not an answer: {line[:80]!r}")
        except TimeoutError as exc:
            raise Untrusted("the hook server took the call but did not answer by its deadline") from exc
        except OSError as exc:
            raise Untrusted(f"the hook server took the call and stopped before answering ({exc})") from exc
    finally:
        conn.close()


def _compare(a: bytes, b: bytes) -> bool:
    from _operator import _compare_digest

    return bool(_compare_digest(a, b))


def _verified(rest: bytes, lines: "Lines", until: float, key: bytes, nonce: bytes, req: bytes) -> Reply:
    mac, _, fields = rest.partition(b" ")
    code, out_len, err_len = (int(x) for x in fields.split(b" "))
    if out_len < 0 or err_len < 0 or out_len + err_len > MAX_ANSWER:
        raise Untrusted("the hook server's answer is out of bounds")
    body = lines.take(out_len + err_len, until)
    if not _compare(mac, signed(key, nonce, req, fields + body)):
        raise Untrusted("the hook socket answered without the project's key (is something else listening on it?)")
    if code not in (0, 2):
        raise Untrusted(f"the hook server answered with exit code {code}")
    return body[:out_len], body[out_len:], code


class Lines:
    """Newline-ended lines and sized blocks from a socket, each bounded by MAX_LINE and a monotonic deadline."""

    def __init__(self, conn: object) -> None:
        self._conn = conn
        self._buffer = bytearray()

    def _fill(self, until: float, want: int) -> None:
        left = until - time.monotonic()
        if left <= 0:
            raise TimeoutError("no answer in time")
        self._conn.settimeout(left)  # type: ignore[attr-defined]
        chunk = self._conn.recv(min(1 << 20, max(65536, want)))  # type: ignore[attr-defined]
        if not chunk:
            raise ConnectionError("the connection closed")
        self._buffer += chunk

    def next(self, until: float) -> bytes:
        while b"\n" not in self._buffer:
            if len(self._buffer) > MAX_LINE:
                raise ConnectionError("a line is too long")
            self._fill(until, 65536)
        end = self._buffer.index(b"\n")
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        return line

    def take(self, size: int, until: float) -> bytes:
        """Exactly `size` bytes, after what was read so far."""
        while len(self._buffer) < size:
            self._fill(until, size - len(self._buffer))
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


def main(
    home_arg: str | None, agent_kind: str | None = None, *, agent: str | None = None, role: str | None = None
) -> int:
    """`lighthouse hook`: the server's answer when one takes the call, else the in-process hook's. `agent_kind`
    (`--agent-kind`): whose hook input to expect; without it, the input's event names the agent. `agent`, `role`
    (`--agent`, `--role`): the agent's identity, as `init` wrote it into the command."""
    import sys

    started = time.monotonic()
    if agent_kind in DOTENV_KINDS:
        for name in from_dotenv(os.getcwd(), os.environ.get("GEMINI_PROJECT_DIR"), os.environ.get("HOME")):
            if name.startswith("LIGHTHOUSE_") or name in DOTENV_DISTRUSTED:
                os.environ.pop(name, None)
    if home_arg:
        os.environ["LIGHTHOUSE_HOME"] = home_arg
    if agent_kind is None:
        os.environ.pop(AGENT_KIND_ENV, None)  # only the command line says it
    else:
        os.environ[AGENT_KIND_ENV] = agent_kind  # an unknown one is refused with the input, in the agent's terms
    if agent is not None:
        os.environ["LIGHTHOUSE_AGENT__NAME"] = agent
    if role is not None:
        os.environ["LIGHTHOUSE_AGENT__ROLE"] = role
    data = sys.stdin.buffer.read(MAX_HOOK_INPUT + 1)
    reply: Reply | None = None
    home_dir = find_home_dir(dict(os.environ))
    if home_dir is not None and len(data) <= MAX_HOOK_INPUT:
        try:
            cwd = os.getcwdb()
        except OSError:
            cwd = b"/"
        try:
            reply = ask_server(home_dir, data, environ=dict(os.environb), cwd=cwd, started=started)
        except Unanswered:
            reply = None
        except (Untrusted, ValueError) as exc:  # it took the call and did not answer as it must
            reply = blocked(agent_kind, f"Lighthouse blocked this call: {exc}"[:1000])
    if reply is None:
        from lighthouse_mcp import kept_code

        kept_code.install()  # before the validator's classes and patterns are made: their code is kept, not compiled
        from lighthouse_mcp.hooks.answer import Channel, respond

        try:
            return respond(data, Channel(), started)
        finally:
            kept_code.save()  # the answer is out; a class compiled anew is kept for the next call (never raises)
    out, err, code = reply
    if out:
        os.write(1, out)
    if err:
        os.write(2, err)
    return code
