"""A live site under daphne, with users, signed-in sessions and direct reads of its database."""

import http.cookiejar
import re
import sqlite3
import urllib.parse
import urllib.request

from tests.support.daphne import manage
from tests.support.node import JsonLineProcess


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
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(self.base + "/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}).encode()
        opener.open(urllib.request.Request(self.base + "/accounts/login/", data=form, headers={"Referer": self.base + "/"}))
        session = {cookie.name: cookie.value for cookie in jar}
        assert "sessionid" in session, f"could not sign in as {username}"
        return "; ".join(f"{name}={value}" for name, value in session.items())

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
