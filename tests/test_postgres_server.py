"""The PostgreSQL server the suite starts for itself: loopback only, isolated databases,
templates copied, and nothing left behind once stopped; with Debian's and pgserver's binaries."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import psycopg
import pytest

from tests.postgres_server import (
    HOST,
    PostgresNotStarted,
    PostgresServer,
    pgserver_bin_dir,
    unique_database_name,
)


def refuses(host: str, port: int, family: socket.AddressFamily = socket.AF_INET) -> bool:
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.settimeout(2)
            probe.connect((host, port))
    except OSError:
        return True
    return False


def scalar(url: str, query: str) -> object:
    with psycopg.connect(url) as connection:
        row = connection.execute(query).fetchone()
    assert row is not None
    return row[0]


def database_exists(server: PostgresServer, name: str) -> bool:
    with psycopg.connect(server.url()) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return found.fetchone() is not None


def test_the_server_answers_on_127_0_0_1_and_nowhere_else(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    assert postgres_url.startswith(f"postgresql://postgres@{HOST}:{postgres_server.port}/")
    assert scalar(postgres_url, "SELECT 1") == 1
    assert scalar(postgres_url, "SHOW listen_addresses") == HOST
    assert scalar(postgres_url, "SHOW unix_socket_directories") == ""
    assert scalar(postgres_url, "SHOW fsync") == "off"
    # Other loopback addresses reach this machine too: a server bound to all addresses answers
    # there, one bound to 127.0.0.1 does not.
    assert refuses("127.0.0.2", postgres_server.port)
    assert refuses("::1", postgres_server.port, socket.AF_INET6)


def test_each_test_database_is_its_own(postgres_server: PostgresServer, postgres_url: str) -> None:
    other = unique_database_name()
    other_url = postgres_server.create_database(other)
    try:
        with psycopg.connect(postgres_url) as connection:
            connection.execute("CREATE TABLE ballots (id INTEGER PRIMARY KEY)")
            connection.execute("INSERT INTO ballots VALUES (1)")
        assert scalar(other_url, "SELECT count(*) FROM pg_tables WHERE tablename = 'ballots'") == 0
        assert scalar(postgres_url, "SELECT count(*) FROM ballots") == 1
    finally:
        postgres_server.drop_database(other)
    assert not database_exists(postgres_server, other)


def test_a_database_made_from_a_template_has_its_tables_and_rows(
    postgres_server: PostgresServer,
) -> None:
    template, copy = unique_database_name("template"), unique_database_name()
    with psycopg.connect(postgres_server.create_database(template)) as connection:
        connection.execute("CREATE TABLE members (id TEXT PRIMARY KEY, weight INTEGER NOT NULL)")
        connection.execute("INSERT INTO members VALUES ('cea', 3)")
    try:
        copy_url = postgres_server.create_database(copy, template=template)
        assert scalar(copy_url, "SELECT weight FROM members WHERE id = 'cea'") == 3
        with psycopg.connect(copy_url) as connection:
            connection.execute("DELETE FROM members")
        assert scalar(postgres_server.url(template), "SELECT count(*) FROM members") == 1
    finally:
        postgres_server.drop_database(copy)
        postgres_server.drop_database(template)


def test_a_database_left_connected_is_still_dropped(postgres_server: PostgresServer) -> None:
    name = unique_database_name()
    left_open = psycopg.connect(postgres_server.create_database(name))
    try:
        postgres_server.drop_database(name)
    finally:
        left_open.close()
    assert not database_exists(postgres_server, name)


def test_a_stopped_server_is_gone_with_its_files() -> None:
    server = PostgresServer().start()
    port, directory = server.port, server.directory
    assert directory is not None and (directory / "data" / "PG_VERSION").is_file()
    assert scalar(server.url(), "SELECT 1") == 1
    server.stop()
    assert not server.running
    assert not directory.exists()
    assert refuses(HOST, port)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(f"postgresql://postgres@{HOST}:{port}/postgres", connect_timeout=2)


def test_a_server_that_cannot_start_says_why_with_its_log() -> None:
    server = PostgresServer(settings={"shared_buffers": "plenty"})
    with pytest.raises(PostgresNotStarted, match="shared_buffers"):
        server.start()
    assert not server.running
    assert server.directory is None


PGSERVER_BIN = pgserver_bin_dir()


@pytest.mark.skipif(PGSERVER_BIN is None, reason="the pgserver package has no binaries here")
def test_pgserver_binaries_serve_even_from_a_directory_the_server_user_cannot_enter(
    tmp_path: Path,
) -> None:
    """The fallback of a fresh machine: pgserver's binaries inside a venv. As root the server
    runs as nobody, who cannot enter a private directory (pytest's tmp_path, like /root): the
    install is then copied to where nobody can run it."""
    assert PGSERVER_BIN is not None
    site = PGSERVER_BIN.parents[2]
    private_site = tmp_path / "site-packages"
    for part in ("pgserver/pginstall", "pgserver.libs"):
        shutil.copytree(site / part, private_site / part, symlinks=True)
    private_bin = private_site / PGSERVER_BIN.relative_to(site)
    tmp_path.chmod(0o700)
    with PostgresServer(private_bin) as server:
        assert server.bin_dir.parts[-3:] == ("pgserver", "pginstall", "bin")
        assert scalar(server.url(), "SELECT 1") == 1
        if os.geteuid() == 0:
            assert server.bin_dir != private_bin
        assert server.directory is not None
        copy_url = server.create_database("copied", template="template1")
        assert scalar(copy_url, "SELECT current_database()") == "copied"
