"""A throwaway PostgreSQL cluster on loopback for the tests: initdb in a temporary directory, a free port, password
authentication over TCP (so the tests prove the password comes from the environment), stopped and deleted at the
end. When running as root the server runs as the `postgres` user (PostgreSQL refuses root).

`.ci/run` starts one before the tests and stops it after them (standard library only, so the system python3 can):

    python3 -m tests.helpers.postgres start STATE_FILE   # then LH_TEST_POSTGRES_STATE=STATE_FILE for the tests
    python3 -m tests.helpers.postgres stop STATE_FILE

Without LH_TEST_POSTGRES_STATE the test session starts its own and removes it at the end.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

USER = "lighthouse"
PASSWORD = "lh-test-secret"


def binaries() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, or Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


class Cluster:
    def __init__(self, *, durable: bool = False, state: Path | None = None) -> None:
        """`durable`: fsync on, as a real deployment runs (for benchmarks); off for tests, which only need it up.
        `state`: a cluster started earlier (`start` below) to attach to instead of making one."""
        self.durable = durable
        if state is not None:
            saved = json.loads(state.read_text())
            self.bindir, self.root, self.port = Path(saved["bindir"]), Path(saved["root"]), int(saved["port"])
            self.data, self.as_user, self.durable = self.root / "data", list(saved["as_user"]), bool(saved["durable"])
            self.owned = False  # the one who started it stops it
            return
        self.owned = True
        self.root = Path(tempfile.mkdtemp(prefix="lh-pg-"))
        try:
            self._create()
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    def _create(self) -> None:
        bindir = binaries()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bindir = bindir
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                raise RuntimeError("running as root needs runuser to start PostgreSQL as the postgres user")
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres")
        self.root.chmod(0o700)
        (self.root / "pw").write_text(PASSWORD + "\n")
        if self.as_user:
            shutil.chown(self.root / "pw", "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-U", USER, "--pwfile", str(self.root / "pw"), "--auth-local=trust",
            "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [*self.as_user, str(self.bindir / tool), *args], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root} "
            "-c synchronous_commit=on -c max_connections=200"
        )
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        """A URL without the password: it comes from PGPASSWORD, as a deployment's would."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database's URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), password=PASSWORD, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def save(self, state: Path) -> None:
        fields = {"bindir": str(self.bindir), "root": str(self.root), "port": self.port, "as_user": self.as_user,
                  "durable": self.durable}  # fmt: skip
        state.write_text(json.dumps(fields))

    def close(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: python3 -m tests.helpers.postgres start|stop STATE_FILE", file=sys.stderr)
        return 64
    state = Path(argv[1])
    if argv[0] == "start":
        cluster = Cluster()
        cluster.save(state)
        print(f"PostgreSQL test cluster at {cluster.url()} (state in {state})")
    else:
        Cluster(state=state).close()
        state.unlink(missing_ok=True)
        print("PostgreSQL test cluster stopped and removed")
    return 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
