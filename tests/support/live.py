"""A live site under daphne, with users, signed-in sessions and direct reads of its database."""

import http.cookiejar
import re
import sqlite3
import time
import urllib.parse
import urllib.request

from tests.collab.ot.generate import random_op
from tests.support.daphne import manage
from tests.support.node import JsonLineProcess


class PageSession:
    """Pages fetched and forms posted like a browser would: cookies kept, the CSRF token taken from the form page."""

    def __init__(self, base):
        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookies(self):
        return {cookie.name: cookie.value for cookie in self.jar}

    def cookie_header(self):
        return "; ".join(f"{name}={value}" for name, value in self.cookies().items())

    def get(self, path):
        return self.opener.open(self.base + path).read().decode()

    def post(self, path, data, form_page=None):
        """Post the form on `form_page` (default: `path`) with `data`; the response's body."""
        page = self.get(form_page or path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + (form_page or path)})
        return self.opener.open(request).read().decode()


class LiveSite:
    def __init__(self, base, database_path, env):
        self.base, self.database_path, self.env = base, database_path, env
        self.ws_url = base.replace("http://", "ws://") + "/ws/collab/"

    def create_user(self, username, password="live-test-password"):
        manage(self.env, "shell", "-c", (
            "from django.contrib.auth import get_user_model as g; "
            f"g().objects.create_user({username!r}, password={password!r})"
        ))

    def login(self, username, password="live-test-password"):
        """The Cookie header of a signed-in session."""
        return self.browse(username, password).cookie_header()

    def browse(self, username, password="live-test-password"):
        """A signed-in PageSession, to use the site's pages (and admin) as that user."""
        session = PageSession(self.base)
        session.post("/accounts/login/", {"username": username, "password": password}, form_page="/accounts/login/")
        assert "sessionid" in session.cookies(), f"could not sign in as {username}"
        return session

    def manage_shell(self, code):
        """Run Python in `manage.py shell` against the site's database: another process, as a command or task is."""
        return manage(self.env, "shell", "-c", code).stdout

    def query(self, sql, *params):
        with sqlite3.connect(self.database_path) as connection:
            return connection.execute(sql, params).fetchall()

    def document(self, key):
        rows = self.query("SELECT content, version, type FROM documents_document WHERE key = ?", key)
        return rows[0] if rows else None

    def operations(self, key):
        return self.query(
            "SELECT o.version, o.kind, o.src, o.seq FROM documents_operation o "
            "JOIN documents_document d ON d.id = o.document_id WHERE d.key = ? ORDER BY o.version", key,
        )


def wait_until(check, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


class ShareDBClients:
    """Real ShareDB clients in one Node process, named, for a live site."""

    def __init__(self, site):
        self.site = site
        self.process = JsonLineProcess("sharedb_driver.js")

    def __call__(self, cmd, **args):
        reply = self.process.command(cmd, args)
        if "error" in reply:
            raise RuntimeError(f"{cmd}({args}) failed: {reply['error']}")
        return reply["ok"]

    def open(self, name, username=None, site=None):
        """A client of `site` (by default the one given at start), signed in as `username`."""
        site = site or self.site
        cookie = site.login(username) if username else None
        return self("open", name=name, url=site.ws_url, origin=site.base, cookie=cookie)

    def close(self):
        self.process.close()

    def share(self, names, username, key, text="", site=None):
        """Open the named clients signed in as `username`, create `key` with the first, subscribe them all."""
        for name in names:
            self.open(name, username, site=site)
        self("create", name=names[0], id=key, text=text)
        for name in names:
            self("subscribe", name=name, id=key)

    def edit_at_random(self, rng, name, key):
        """Submit a random tidy op made for the client's current text (skipped if ops arrive meanwhile)."""
        text = self("state", name=name, id=key)["data"]
        assert text is not None, f"{name} lost its document: {self('errors', name=name)}"
        op = random_op(rng, text, tidy=True)
        if op:
            # Made for `text` only: if remote ops changed it since, this is a keystroke never typed.
            self("submit", name=name, id=key, op=op, expected=text)

    def assert_converged(self, site, names, key, context=""):
        """Every client settled on one state, equal to the database, with contiguous versions
        and no (src, seq) committed twice. Returns that state."""
        for name in names:
            self("settle", name=name, id=key)
        try:
            wait_until(lambda: len({(s["v"], s["data"]) for s in (self("state", name=n, id=key) for n in names)}) == 1)
        except AssertionError:
            states = {name: self("state", name=name, id=key) for name in names}
            raise AssertionError(f"{context}clients differ: {states}, database {site.document(key)}") from None
        final = self("state", name=names[0], id=key)
        assert site.document(key)[:2] == (final["data"], final["v"]), f"{context}the database differs"
        rows = site.operations(key)
        assert [row[0] for row in rows] == list(range(final["v"])), f"{context}versions are not contiguous"
        sent = [(row[2], row[3]) for row in rows if row[2]]  # server code's ops have no src
        assert len(set(sent)) == len(sent), f"{context}an op was committed twice"
        return final
