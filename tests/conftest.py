import contextlib
import itertools
import os

import pytest

from documents.models import Document
from tests.support.daphne import running_daphne, site_env
from tests.support.live import LiveSite, ShareDBClients

_names = itertools.count()


def pytest_sessionfinish(session):
    """Django removes the SQLite test database's file, not the WAL files beside it."""
    from django.conf import settings

    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")  # set for SQLite only (tests/settings.py)
    if name:
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(name + suffix)


@pytest.fixture(scope="session", autouse=True)
def let_the_test_database_go(django_db_setup, django_db_blocker):
    """On PostgreSQL the threads' own connections (the committer's, the thread pool's) stay open to the
    end, and a database in use cannot be dropped: they are ended before Django drops it."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture(autouse=True)
def forget_what_the_process_remembers():
    """Each test's database starts afresh, with the same ids: rights decided and heads cached
    in another test must not carry over (in a server, ids are never reused)."""
    from collab import access
    from collab.engine import committer

    access._decided.clear()
    committer.heads.documents.clear()


@pytest.fixture
def make_user(django_user_model):
    def make(**fields):
        fields.setdefault("username", f"user{next(_names)}")
        return django_user_model.objects.create_user(password="pw-for-tests-only", **fields)
    return make


@pytest.fixture
def make_document():
    def make(**fields):
        return Document.objects.create(**fields)
    return make


# Live-server fixtures: one daphne per test session, started on first use.
@pytest.fixture(scope="session")
def site(tmp_path_factory):
    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    url = f"sqlite:///{path}"
    # SITE_SERVER=uvicorn runs the live tests under uvicorn instead of daphne.
    with running_daphne(url, server=os.environ.get("SITE_SERVER", "daphne")) as base:
        yield LiveSite(base, path, site_env(url))


@pytest.fixture
def clients(site):
    driver = ShareDBClients(site)
    yield driver
    driver.close()


@pytest.fixture
def user(site):
    """A new signed-in user's name."""
    def make():
        name = f"live{next(_names)}"
        site.create_user(name)
        return name
    return make


@pytest.fixture
def key():
    return f"live-doc-{next(_names)}"
