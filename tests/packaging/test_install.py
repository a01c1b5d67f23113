"""A new user's install, literally.

Build the wheel, install it (not editable) in a fresh virtualenv, make a fresh
`django-admin startproject mysite` with an email-only user model, apply the
blocks of docs/install.md as they stand, serve the project with daphne
(DEBUG off), and co-edit a document with two real ShareDB clients in Node and
a browser.

The doc is read when the test runs, so what it says is what is tested. What
this file writes into the project outside the doc's blocks is what the doc
cannot know about a site; each such piece says "the test's own".
"""

import contextlib
import dataclasses
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

# The same Chromium, launched as the browser tests launch it.
from tests.browser.conftest import CHROMIUM, FLAGS
from tests.browser.pages import wait_for
from tests.support.daphne import free_port, wait_until_serving
from tests.support.live import LiveSite, ShareDBClients, wait_until

ROOT = Path(__file__).resolve().parents[2]
INSTALL_DOC = ROOT / "docs" / "install.md"
# Where each Python block goes, as its first line says.
PLACEMENT = re.compile(r"# (settings|urls|asgi)\.py: (add at the end|replace the file)")
PYTHON_BLOCKS = ["# settings.py: add at the end", "# urls.py: add at the end", "# asgi.py: replace the file"]
# Package data a site cannot work without: every file of these source folders must be in the wheel.
SHIPPED_FOLDERS = [
    "frontend/static/frontend", "frontend/templates/collab", "documents/migrations",
    "documents/templates/admin/documents/document",
]

KEY = "shared"
TEXT = "hello \N{WAVING HAND SIGN}"  # beyond the BMP: code points on the server, UTF-16 units in the browser
OWNER, EDITOR = "owner@example.com", "editor@example.com"
PASSWORD = "pw-packaging-test-only"
CLIENTS = {OWNER: "owner", EDITOR: "editor"}  # a Node client per person

# The test's own: an email-only user model, made before the first migrate.
ACCOUNTS_MODELS = '''\
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        return self.create_user(email, password, is_staff=True, is_superuser=True, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
'''
# The test's own: the sign-in page the doc says the site provides.
LOGIN_TEMPLATE = '<form method="post">{% csrf_token %}{{ form.as_p }}<button>Sign in</button></form>\n'
# The test's own: what the doc cannot know about this site. Written before the doc's block,
# which adds its lines "at the end".
SITE_SETTINGS = '''
# The test's own: served with DEBUG off on 127.0.0.1, with an email-only user model.
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS += ["accounts"]
AUTH_USER_MODEL = "accounts.User"
'''
# The test's own: two people, a document of the first, the second its editor.
PEOPLE_AND_DOCUMENT = f"""
from django.contrib.auth import get_user_model
from collab import api
from documents.models import DocumentAccess, Role

User = get_user_model()
owner = User.objects.create_user({OWNER!r}, {PASSWORD!r})
editor = User.objects.create_user({EDITOR!r}, {PASSWORD!r})
document = api.create_document({KEY!r}, {TEXT!a}, user=owner, title="Shared")
DocumentAccess.objects.create(document=document, user=editor, role=Role.EDITOR)
"""


def doc_blocks():
    """(language, text) of each fenced block of docs/install.md, in order."""
    return re.findall(r"^```(\w+)\n(.*?)^```", INSTALL_DOC.read_text(), flags=re.S | re.M)


def shell_lines(containing):
    """The command lines of the one ```shell block of the doc that contains `containing`."""
    blocks = [text for language, text in doc_blocks() if language == "shell" and containing in text]
    assert len(blocks) == 1, f"docs/install.md should have one ```shell block with {containing!r}, not {len(blocks)}"
    return [line for line in blocks[0].splitlines() if line.strip()]


def run(command, cwd, env=None, timeout=300):
    """Run a command; a failure shows everything it printed."""
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"`{shlex.join(command)}` exited with {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def activated(venv):
    """The environment of a shell with `venv` activated: nothing of this test run's Django or virtualenv,
    so a command or package the doc forgot cannot be found there instead."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH", "PYTHONHOME")}
    ours = Path(sys.prefix)
    path = [entry for entry in env.get("PATH", "").split(os.pathsep) if entry and not Path(entry).is_relative_to(ours)]
    env.update(VIRTUAL_ENV=str(venv), PATH=os.pathsep.join([str(venv / "bin"), *path]),
               PYTHONUNBUFFERED="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def copy_checkout(destination):
    """The working tree as a clone would have it: tracked and new files, nothing git ignores.

    Building in /work/main itself would leave build/ in a checkout others use, and
    setuptools would put files left over in build/lib by an earlier build in the wheel.
    """
    listing = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT).stdout
    for name in filter(None, listing.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is still listed
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)


def pip_command(line, wheel):
    """The doc's install line with this checkout's wheel in place of the package on PyPI."""
    words = shlex.split(line)
    assert words[:2] == ["pip", "install"] and "django-collab" in words, f"unexpected install line: {line}"
    return [str(wheel) if word == "django-collab" else word for word in words]


def daphne_command(line, port):
    """The doc's daphne line on this test's free port (its default, 8000, may be taken)."""
    words = shlex.split(line)
    options = words[1:]
    for flag in ("-p", "--port", "-b", "--bind"):
        while flag in options:
            del options[options.index(flag):options.index(flag) + 2]
    return [words[0], "-b", "127.0.0.1", "-p", str(port), *options]


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def add_email_user_model(project, env):
    run(["python", "manage.py", "startapp", "accounts"], cwd=project, env=env)
    write(project / "accounts" / "models.py", ACCOUNTS_MODELS)
    write(project / "accounts" / "templates" / "registration" / "login.html", LOGIN_TEMPLATE)
    with open(project / "mysite" / "settings.py", "a") as settings:
        settings.write(SITE_SETTINGS)


def apply_python_blocks(package):
    """Each Python block of the doc, applied to the file its first line names, as it says."""
    applied = []
    for language, text in doc_blocks():
        placement = PLACEMENT.fullmatch(text.splitlines()[0]) if language == "python" else None
        if placement is None:
            continue
        target = package / f"{placement[1]}.py"
        target.write_text(text if placement[2] == "replace the file" else target.read_text() + "\n" + text)
        applied.append(text.splitlines()[0])
    assert sorted(applied) == sorted(PYTHON_BLOCKS), f"docs/install.md's Python blocks changed: {applied}"


@contextlib.contextmanager
def serving(command, cwd, env, log_path):
    """A server process logging to `log_path`, stopped on leaving whatever happened."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log_path = log_path  # wait_until_serving shows it if the server dies
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclasses.dataclass
class InstalledSite:
    site: LiveSite  # the fresh project under daphne: its database read directly
    check_output: str
    sessions: dict  # email -> a signed-in tests.support.live.PageSession
    log_path: Path

    def log_tail(self):
        return self.log_path.read_text(errors="replace")[-6000:]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    destination = tmp_path_factory.mktemp("checkout")
    copy_checkout(destination)
    return destination


@pytest.fixture(scope="module")
def wheel(checkout, tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(checkout)], cwd=dist)
    [built] = dist.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def mysite(wheel, tmp_path_factory):
    """The fresh project, set up as docs/install.md says, served by daphne with two signed-in people."""
    home = tmp_path_factory.mktemp("newcomer")
    venv = home / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=home)  # on the base interpreter, not this .venv
    env = activated(venv)
    for line in shell_lines("pip install"):
        run(pip_command(line, wheel), cwd=home, env=env)
    run(["django-admin", "startproject", "mysite"], cwd=home, env=env)
    project = home / "mysite"
    add_email_user_model(project, env)
    apply_python_blocks(project / "mysite")
    run(["python", "manage.py", "makemigrations", "accounts"], cwd=project, env=env)

    *commands, serve = shell_lines("manage.py migrate")
    outputs = {line: run(shlex.split(line), cwd=project, env=env) for line in commands}
    [check] = [result for line, result in outputs.items() if "manage.py check" in line]
    port = free_port()
    log_path = home / "daphne.log"
    with serving(daphne_command(serve, port), project, env, log_path) as process:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base + "/healthz", process, timeout=60)
        run(["python", "manage.py", "shell", "-c", PEOPLE_AND_DOCUMENT], cwd=project, env=env)
        site = LiveSite(base, project / "db.sqlite3", env)
        # Through the site's own sign-in page, which then redirects to LOGIN_REDIRECT_URL.
        sessions = {email: site.browse(email, PASSWORD) for email in CLIENTS}
        yield InstalledSite(site, check.stdout + check.stderr, sessions, log_path)


@contextlib.contextmanager
def share_db_clients(installed):
    """A Node ShareDB client per person, signed in, subscribed to the document; closed on leaving."""
    site = installed.site
    clients = ShareDBClients(site)
    try:
        for email, name in CLIENTS.items():
            cookie = installed.sessions[email].cookie_header()
            clients("open", name=name, url=site.ws_url, origin=site.base, cookie=cookie)
            assert clients("subscribe", name=name, id=KEY)["data"] == TEXT
        yield clients
    finally:
        clients.close()


@contextlib.contextmanager
def browser_page(installed, email):
    """A Chromium page signed in as `email`, and {url: status, or why it failed} of every request it makes."""
    site, statuses, errors = installed.site, {}, []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            context = browser.new_context()
            cookies = installed.sessions[email].cookies()
            context.add_cookies([{"name": name, "value": value, "url": site.base} for name, value in cookies.items()])
            context.set_default_timeout(20_000)
            page = context.new_page()
            page.on("response", lambda response: statuses.__setitem__(response.url, response.status))
            # Chromium refuses some responses outright (a 404 page as a stylesheet): no response event then.
            page.on("requestfailed", lambda request: statuses.setdefault(request.url, request.failure))
            page.on("pageerror", lambda error: errors.append(str(error)))
            yield page, statuses
        finally:
            browser.close()
    assert not errors, f"the page raised: {errors}"


def edit_authors(site):
    rows = site.query(
        "SELECT u.email FROM documents_operation o JOIN documents_document d ON d.id = o.document_id "
        "JOIN accounts_user u ON u.id = o.author_id WHERE d.key = ? AND o.kind = 'edit' ORDER BY o.version", KEY,
    )
    return [email for (email,) in rows]


def test_the_wheel_ships_the_apps_and_nothing_else(wheel, checkout):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert any(re.fullmatch(r"django_collab-[^/]+\.dist-info/licenses/LICENSE", name) for name in names), sorted(names)
    assert {
        "frontend/static/frontend/editor.js", "frontend/static/frontend/editor.js.LICENSES.txt",
        "documents/templates/admin/documents/document/text_history.html",
    } <= names
    for folder in SHIPPED_FOLDERS:
        files = {path.relative_to(checkout).as_posix() for path in (checkout / folder).iterdir() if path.is_file()}
        assert files and files <= names, f"missing from the wheel: {sorted(files - names)}"
    # Not the site (config/, with the demo command setup_demo), not the tests: only the three apps.
    packages = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert packages == {"collab", "documents", "frontend"}, packages
    assert not [name for name in names if "setup_demo" in name]


def test_check_finds_no_issues(mysite):
    assert "System check identified no issues" in mysite.check_output, mysite.check_output


def test_two_sharedb_clients_and_a_browser_co_edit(mysite):
    site = mysite.site
    with share_db_clients(mysite) as clients:
        # Both made against version 1 and sent at once: the server transforms one over the other.
        clients("submit", name=CLIENTS[OWNER], id=KEY, op=["A: "])
        clients("submit", name=CLIENTS[EDITOR], id=KEY, op=[len(TEXT), " B"])
        text = clients.assert_converged(site, list(CLIENTS.values()), KEY)["data"]
        assert text == f"A: {TEXT} B"
        assert sorted(edit_authors(site)) == sorted(CLIENTS), "each edit is its signed-in author's"

        with browser_page(mysite, EDITOR) as (page, statuses):
            page.goto(f"{site.base}/d/{KEY}/")  # returns once the page and its script and stylesheet loaded
            assets = page.evaluate(
                "[...document.querySelectorAll('script[src], link[rel=stylesheet]')].map(e => e.src || e.href)")
            assert len(assets) == 2, assets
            # Playwright may deliver an event after goto returns.
            wait_for(page, lambda: all(url in statuses for url in assets), "the script's and stylesheet's responses")
            assert [statuses[url] for url in assets] == [200, 200], statuses
            page.wait_for_selector("body[data-ready=true]")  # set by the editor once the document loaded
            expect(page.locator("#connection-status")).to_have_attribute("data-state", "connected")
            editor = page.locator(".cm-content")
            expect(page.locator("header .who")).to_have_text(EDITOR)  # the email user model names people too
            expect(editor).to_have_text(text)
            editor.click()
            page.keyboard.press("Control+End")
            page.keyboard.type(" C")
            typed = text + " C"
            # Waited for with the page open: closing it could drop an edit not yet sent.
            wait_until(lambda: site.document(KEY)[0] == typed, timeout=20)
            wait_until(lambda: all(clients("state", name=name, id=KEY)["data"] == typed for name in CLIENTS.values()),
                       timeout=20)
        assert edit_authors(site)[-1] == EDITOR
