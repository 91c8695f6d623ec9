"""A throwaway PostgreSQL server that the test suite starts itself, on the loopback interface.

``initdb`` makes a cluster in a temporary directory and ``postgres`` serves it on 127.0.0.1
only, on a free port, with trust authentication and no unix socket. The binaries are Debian's
newest ``/usr/lib/postgresql/<version>/bin`` when present, else those bundled in the PyPI
package ``pgserver`` (installed by the ``test`` extra), so a fresh machine with Python alone
runs the suite. Durability is switched off: the data is thrown away at the end.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import psycopg
from psycopg import sql

USER = "postgres"
HOST = "127.0.0.1"
DEBIAN_ROOT = Path("/usr/lib/postgresql")
UNPRIVILEGED_USER = "nobody"
BIN_DIR_VARIABLE = "SCRUTIN_TEST_POSTGRES_BIN"

# Fine for data that dies with the test run, and they make commits cheap.
THROWAWAY_SETTINGS: Mapping[str, str] = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}
LOOPBACK_ONLY: Mapping[str, str] = {
    "listen_addresses": HOST,
    "unix_socket_directories": "",
}
PG_HBA = "# Throwaway test server: anyone on the loopback interface, no password.\n" + (
    f"host all all {HOST}/32 trust\n"
)
FILE_COPY_SINCE = 150000  # CREATE DATABASE ... STRATEGY (PostgreSQL 15)
FORCE_DROP_SINCE = 130000  # DROP DATABASE ... WITH (FORCE) (PostgreSQL 13)
LOG_TAIL_LINES = 30
PR_SET_PDEATHSIG = 1


class PostgresNotStarted(RuntimeError):
    """The server did not come up; the message ends with the tail of its log."""


def debian_bin_dir(root: Path = DEBIAN_ROOT) -> Path | None:
    """The newest version's binaries from Debian's postgresql-NN packages, if any."""
    versions = [
        entry
        for entry in (root.iterdir() if root.is_dir() else ())
        if entry.name.isdigit() and (entry / "bin" / "postgres").is_file()
    ]
    if not versions:
        return None
    return max(versions, key=lambda entry: int(entry.name)) / "bin"


def pgserver_bin_dir() -> Path | None:
    """The binaries bundled in the ``pgserver`` wheel; only its files are used, never its own
    server management."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        return None
    bin_dir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    return bin_dir if (bin_dir / "postgres").is_file() else None


def default_bin_dir() -> Path:
    """``SCRUTIN_TEST_POSTGRES_BIN`` chooses (to run the suite on pgserver's binaries where
    Debian's exist, say); else Debian's newest, else pgserver's."""
    chosen = os.environ.get(BIN_DIR_VARIABLE)
    if chosen:
        return Path(chosen)
    found = debian_bin_dir() or pgserver_bin_dir()
    if found is None:
        raise PostgresNotStarted(
            "no PostgreSQL binaries: install the test extra (pip install -e '.[test]'), "
            "which brings pgserver, or Debian's postgresql package"
        )
    return found


def unique_database_name(prefix: str = "test") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


@dataclass(frozen=True)
class _Account:
    """Who runs initdb and postgres: PostgreSQL refuses to run as root."""

    uid: int
    gid: int

    @classmethod
    def for_this_process(cls) -> _Account | None:
        """None runs them as ourselves; as root, the unprivileged ``nobody`` runs them."""
        if os.geteuid() != 0:
            return None
        entry = pwd.getpwnam(UNPRIVILEGED_USER)
        return cls(entry.pw_uid, entry.pw_gid)

    def give(self, path: Path) -> None:
        os.chown(path, self.uid, self.gid)


def _die_with_parent() -> None:
    """Runs in the child after it became the unprivileged user (a change of user clears the
    setting): if pytest is killed outright, the server shuts down instead of lingering."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGQUIT)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


class PostgresServer:
    """One private PostgreSQL cluster and server; ``start()`` then ``stop()``, or ``with``."""

    def __init__(
        self,
        bin_dir: Path | None = None,
        *,
        settings: Mapping[str, str] | None = None,
        start_timeout: float = 60.0,
    ) -> None:
        self.requested_bin_dir = bin_dir or default_bin_dir()
        self.bin_dir = self.requested_bin_dir
        self.settings = {**THROWAWAY_SETTINGS, **(settings or {}), **LOOPBACK_ONLY}
        self.start_timeout = start_timeout
        self.port = 0
        self.server_version = 0
        self.directory: Path | None = None
        self._account = _Account.for_this_process()
        self._process: subprocess.Popen[bytes] | None = None
        self._admin: psycopg.Connection[tuple[object, ...]] | None = None
        self._lock = threading.Lock()

    # --- life cycle ---------------------------------------------------------------------------

    def start(self) -> PostgresServer:
        self.directory = Path(tempfile.mkdtemp(prefix="scrutin-postgres-"))
        atexit.register(self.stop)
        try:
            self.bin_dir = self._runnable_bin_dir(self.directory)
            self._initdb(self.directory / "data")
            self._serve(self.directory / "data")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Immediate shutdown (nothing to keep), then the cluster's directory goes."""
        atexit.unregister(self.stop)
        if self._admin is not None:
            with contextlib.suppress(psycopg.Error):
                self._admin.close()
            self._admin = None
        if self._process is not None:
            if self._process.poll() is None:
                self._process.send_signal(signal.SIGQUIT)
                try:
                    self._process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
            self._process = None
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # --- databases ----------------------------------------------------------------------------

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{USER}@{HOST}:{self.port}/{dbname}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database, empty or a copy of ``template`` (which nobody may be connected to);
        returns its URL. FILE_COPY copies a small template faster than the WAL_LOG default."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
            if self.server_version >= FILE_COPY_SINCE:
                statement += sql.SQL(" STRATEGY FILE_COPY")
        self._administer(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drops ``name`` even if a test left a connection to it open."""
        statement = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
        if self.server_version >= FORCE_DROP_SINCE:
            statement += sql.SQL(" WITH (FORCE)")
        self._administer(statement)

    def _administer(self, statement: sql.Composed) -> None:
        if self._admin is None:
            raise RuntimeError("the PostgreSQL server is not running")
        with self._lock:
            self._admin.execute(statement)

    # --- starting -----------------------------------------------------------------------------

    def _runnable_bin_dir(self, scratch: Path) -> Path:
        """As root, the server runs as ``nobody``, who may not be able to reach binaries that
        live under a private directory (pgserver in a venv under /root, mode 0700). Rather than
        open up directories of this machine, such an install is copied into the scratch
        directory; Debian's binaries under /usr are always reachable and never copied."""
        if self._account is None:
            return self.bin_dir
        self._account.give(scratch)
        if self._can_run(self.bin_dir / "postgres"):
            return self.bin_dir
        copied = _copy_pgserver_install(self.bin_dir, scratch / "site-packages")
        if not self._can_run(copied / "postgres"):
            raise PostgresNotStarted(f"{UNPRIVILEGED_USER} cannot run the binaries in {copied}")
        return copied

    def _can_run(self, executable: Path) -> bool:
        try:
            self._run([str(executable), "--version"], timeout=30)
        except (OSError, subprocess.SubprocessError):
            return False
        return True

    def _initdb(self, data: Path) -> None:
        data.mkdir(mode=0o700)
        if self._account is not None:
            self._account.give(data)
        command = [str(self.bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust"]
        command += ["--encoding=UTF8", "--locale=C", "--no-sync"]
        try:
            self._run(command, timeout=self.start_timeout)
        except subprocess.CalledProcessError as failure:
            output = failure.stdout.decode(errors="replace")
            raise PostgresNotStarted(f"initdb failed:\n{output[-3000:]}") from failure
        hba = data / "pg_hba.conf"
        hba.write_text(PG_HBA, encoding="utf-8")
        if self._account is not None:
            self._account.give(hba)

    def _run(self, command: list[str], timeout: float) -> None:
        account = self._account
        subprocess.run(
            command,
            check=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            env=self._environment(),
            user=account.uid if account else None,
            group=account.gid if account else None,
            extra_groups=[] if account else None,
        )

    def _environment(self) -> dict[str, str]:
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "TZ": "UTC"}

    def _serve(self, data: Path) -> None:
        """Starts postgres on a free port; another process may take the port between the
        probe and the bind, so a bind failure is retried on a new port."""
        for _attempt in range(3):
            self.port = _free_port()
            log = data.parent / "postgres.log"
            self._launch(data, log)
            if self._wait_until_ready(log):
                return
        raise PostgresNotStarted(f"no free port for PostgreSQL; log:\n{_tail(log)}")

    def _launch(self, data: Path, log: Path) -> None:
        command = [str(self.bin_dir / "postgres"), "-D", str(data), "-p", str(self.port)]
        for name, value in self.settings.items():
            command += ["-c", f"{name}={value}"]
        account = self._account
        with log.open("ab") as output:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                env=self._environment(),
                user=account.uid if account else None,
                group=account.gid if account else None,
                extra_groups=[] if account else None,
                start_new_session=True,
                # Only a prctl call between fork and exec: safe although pytest has threads.
                preexec_fn=_die_with_parent,
            )

    def _wait_until_ready(self, log: Path) -> bool:
        """Polls a connection until the deadline; False when the port was taken."""
        assert self._process is not None
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                if "could not bind" in _tail(log) or "already in use" in _tail(log):
                    self._process = None
                    return False
                raise PostgresNotStarted(
                    f"PostgreSQL exited with code {self._process.returncode}; "
                    f"log ({log}):\n{_tail(log)}"
                )
            try:
                self._admin = psycopg.connect(self.url(), autocommit=True, connect_timeout=2)
            except psycopg.OperationalError:
                time.sleep(0.02)  # the interval between polls, not a guess at the start time
                continue
            self.server_version = self._admin.info.server_version
            return True
        raise PostgresNotStarted(
            f"PostgreSQL did not answer on {HOST}:{self.port} within {self.start_timeout} s; "
            f"log ({log}):\n{_tail(log)}"
        )


def _copy_pgserver_install(bin_dir: Path, site: Path) -> Path:
    """Copies pgserver's install keeping the wheel's layout: its binaries find their libpq
    through the rpath ``$ORIGIN/../../../pgserver.libs``. Returns the copy's bin directory."""
    install = bin_dir.parent  # .../site-packages/pgserver/pginstall
    source_site = install.parent.parent
    for part in (install, source_site / "pgserver.libs"):
        if part.is_dir():
            shutil.copytree(
                part,
                site / part.relative_to(source_site),
                symlinks=True,
                ignore=shutil.ignore_patterns("include"),
            )
    return site / bin_dir.relative_to(source_site)
