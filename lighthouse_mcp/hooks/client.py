"""The hook's thin client: hands the hook input to the project's hook server (`hooks/daemon.py`, started by
`lighthouse serve`) over the Unix socket `.lighthouse/hook.sock`, and prints its answer.

It imports only modules built into the interpreter (no `json`, `socket` or `hmac`: on a slow machine each costs as
much as the rest of the call), so a hook call costs little more than starting Python. Whenever the server cannot be
used (no socket, nobody listening, no acknowledgement within `ACK_S`, the server stopped before answering) the
caller decides in-process instead, exactly as the server would have. A server that cannot prove it holds the
project's key (an HMAC over the client's nonce and the answer) is not believed: that is a block (exit 2).

The exchange, all on one connection (numbers in decimal, NONCE and MAC in hex):

    client → server   LH1 NONCE CWD_LEN ENV_LEN INPUT_LEN\\n, then the working directory, the environment
                      (NAME=VALUE entries, each ended by a NUL) and the hook input, as bytes of those lengths
    server → client   ack\\n               a process of its own now holds the request
    client → server   go\\n                sent only if the ack came in time; otherwise the client hangs up and
                                          decides itself, and the server's process ends without doing anything
    server → client   limit SECONDS\\n     any number: the server will have answered within SECONDS from now
    server → client   note TEXT\\n         any number: a line for stderr while it waits (for a person's approval)
    server → client   answer MAC CODE OUT_LEN ERR_LEN\\n, then stdout's and stderr's bytes; MAC is HMAC-SHA256
                      under the project's key of NONCE's bytes + NUL + "CODE OUT_LEN ERR_LEN" + stdout + stderr
"""

from __future__ import annotations

import os
import time

MAX_HOOK_INPUT = 32 * 1024 * 1024
SOCKET_NAME = "hook.sock"
MAGIC = b"LH1"
ACK_S = 2.0  # from connecting to the server's ack; past it the client decides in-process
FIRST_LIMIT_S = 10.0  # how long an answer may take until the server says otherwise
GRACE_S = 2.0  # beyond the server's own limit (its deadline answer and record) before the client gives up
MAX_LINE = 64 * 1024
MAX_ANSWER = 1024 * 1024

Reply = tuple[bytes, bytes, int]  # stdout, stderr, exit code


class Unanswered(Exception):
    """The server did not take the request or did not answer: decide in-process."""


class Untrusted(Exception):
    """Something answered on the socket that cannot be believed: block."""


def socket_path(home_dir: str) -> str:
    return os.path.join(home_dir, SOCKET_NAME)


def find_home_dir(environ: dict[str, str]) -> str | None:
    """The project home to look for a server in: LIGHTHOUSE_HOME (`--home` sets it), else `.lighthouse` in the
    Claude Code project directory or the working directory or above. Only where to look: the server resolves the
    home from the hook input itself, exactly as the in-process hook does."""
    given = environ.get("LIGHTHOUSE_HOME")
    if given:
        return given
    path = os.path.abspath(environ.get("CLAUDE_PROJECT_DIR") or os.getcwd())
    while True:
        candidate = os.path.join(path, ".lighthouse")
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def read_key(home_dir: str) -> bytes | None:
    try:
        with open(os.path.join(home_dir, "secret.key"), "rb") as f:
            return bytes.fromhex(f.read().strip().decode("ascii"))
    except (OSError, ValueError):
        return None


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 (RFC 2104) as hex, on the interpreter's built-in SHA-256 (`hmac` and `hashlib` cost more to
    import than the rest of the client)."""
    try:
        from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]  # Python ≥ 3.12
    except ImportError:
        from _sha256 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]
    if len(key) > 64:
        key = sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = sha256(bytes(b ^ 0x36 for b in key))
    inner.update(message)
    outer = sha256(bytes(b ^ 0x5C for b in key))
    outer.update(inner.digest())
    return outer.hexdigest().encode()  # type: ignore[no-any-return]


def answer_frame(key: bytes, nonce: bytes, out: bytes, err: bytes, code: int) -> bytes:
    """The server's answer to the request with `nonce` (`ask_server` checks it)."""
    fields = f"{code} {len(out)} {len(err)}".encode()
    mac = hmac_sha256(key, nonce + b"\0" + fields + out + err)
    return b"answer " + mac + b" " + fields + b"\n" + out + err


def request_frame(nonce: bytes, cwd: bytes, environ: dict[bytes, bytes], data: bytes) -> bytes:
    env = b"".join(name + b"=" + value + b"\0" for name, value in environ.items())
    return b"%s %s %d %d %d\n" % (MAGIC, nonce.hex().encode(), len(cwd), len(env), len(data)) + cwd + env + data


def ask_server(home_dir: str, data: bytes, *, environ: dict[bytes, bytes], cwd: bytes) -> Reply:
    """The server's answer to the hook input `data`. Unanswered: decide in-process. Untrusted: block."""
    import _socket

    path = socket_path(home_dir)
    if not os.path.exists(path):
        raise Unanswered("no hook server")
    key = read_key(home_dir)
    if key is None:
        raise Unanswered("the project key cannot be read")
    nonce = os.urandom(16)
    conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        lines = Lines(conn)
        try:
            conn.settimeout(ACK_S)
            conn.connect(path)
            conn.sendall(request_frame(nonce, cwd, environ, data))
            if lines.next(time.monotonic() + ACK_S) != b"ack":
                raise Unanswered("the server did not acknowledge")
            conn.sendall(b"go\n")
        except OSError as exc:
            raise Unanswered(f"the server cannot be reached: {exc}") from exc
        until = time.monotonic() + FIRST_LIMIT_S + GRACE_S
        try:
            while True:
                line = lines.next(until)
                if line.startswith(b"limit "):
                    until = time.monotonic() + float(line[6:]) + GRACE_S
                elif line.startswith(b"note "):
                    os.write(2, line[5:] + b"\n")
                elif line.startswith(b"answer "):
                    return _verified(line[7:], lines, until, key, nonce)
                else:
                    raise Untrusted(f"the hook server sent something that is not an answer: {line[:80]!r}")
        except TimeoutError as exc:
            raise Untrusted("the hook server took the call but did not answer in time") from exc
        except OSError as exc:
            raise Unanswered(f"the server stopped before answering: {exc}") from exc
    finally:
        conn.close()


def _verified(rest: bytes, lines: Lines, until: float, key: bytes, nonce: bytes) -> Reply:
    from _operator import _compare_digest

    mac, _, fields = rest.partition(b" ")
    code, out_len, err_len = (int(x) for x in fields.split(b" "))
    if not 0 <= out_len + err_len <= MAX_ANSWER or out_len < 0 or err_len < 0:
        raise Untrusted("the hook server's answer is out of bounds")
    body = lines.take(out_len + err_len, until)
    if not _compare_digest(mac, hmac_sha256(key, nonce + b"\0" + fields + body)):
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


def main(home_arg: str | None) -> int:
    """`lighthouse hook`: the server's answer when one is running, else the in-process hook's."""
    import sys

    if home_arg:
        os.environ["LIGHTHOUSE_HOME"] = home_arg
    data = sys.stdin.buffer.read(MAX_HOOK_INPUT + 1)
    reply: Reply | None = None
    home_dir = find_home_dir(dict(os.environ))
    if home_dir is not None and len(data) <= MAX_HOOK_INPUT:
        try:
            cwd = os.getcwdb()
        except OSError:
            cwd = b"/"
        try:
            reply = ask_server(home_dir, data, environ=dict(os.environb), cwd=cwd)
        except (Untrusted, ValueError) as exc:  # what answered cannot be believed
            reply = (b"", f"Lighthouse blocked this call: {exc}"[:1000].encode(), 2)
        except Exception:  # anything else: the in-process hook still answers
            reply = None
    if reply is None:
        from lighthouse_mcp.hooks.answer import Channel, respond

        return respond(data, Channel())
    out, err, code = reply
    if out:
        os.write(1, out)
    if err:
        os.write(2, err)
    return code
