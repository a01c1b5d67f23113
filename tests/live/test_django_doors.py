"""Django code edits alongside real ShareDB clients: pages, admin, a command and worker threads in other processes.

Renames and visibility changes from the pages and admin while four people
type; API edits from a view (admin), from `manage.py shell` and from a
worker's threads, each seen live by a subscribed client. Afterwards
nothing is broken and collab_check finds every log whole.
"""

import random
import re
import subprocess
import sys
import threading
import time

from tests.support.daphne import ROOT, manage
from tests.support.forms import form_fields
from tests.support.live import wait_until

TYPISTS = 4


def make_people(site, key, clients):
    """An owner (a superuser, for admin) and three editors, each with a client subscribed to `key`."""
    names = [f"{key}-p{n}" for n in range(TYPISTS)]
    for name in names:
        site.create_user(name)
    site.manage_shell(f"from django.contrib.auth import get_user_model as g; g().objects.filter(username={names[0]!r}).update(is_staff=True, is_superuser=True)")
    clients.open("owner", names[0])
    clients("create", name="owner", id=key, text="typed together\n")
    site.manage_shell(
        "from documents.models import Document, DocumentAccess; from django.contrib.auth import get_user_model as g; "
        f"d = Document.objects.get(key={key!r}); "
        f"[DocumentAccess.objects.create(document=d, user=g().objects.get(username=n), role='editor') for n in {names[1:]!r}]"
    )
    clients("subscribe", name="owner", id=key)
    for index, name in enumerate(names[1:], start=1):
        clients.open(f"t{index}", name)
        clients("subscribe", name=f"t{index}", id=key)
    return names, ["owner", *[f"t{n}" for n in range(1, TYPISTS)]]


def document_pk(site, key):
    return site.query("SELECT id FROM documents_document WHERE key = ?", key)[0][0]


def admin_change(browser, pk, **changes):
    """Post the admin change form as loaded, with some fields changed."""
    path = f"/admin/documents/document/{pk}/change/"
    fields = dict(form_fields(browser.get(path), "document_form"))
    fields.update(changes)
    return browser.post(path, fields)


def renames_and_visibility_changes(site, key, owner, done):
    browser, pk = site.browse(owner), document_pk(site, key)
    visibilities = ["link_view", "link_edit", "private"]
    for n in range(40):
        if n % 2:
            admin_change(browser, pk, title=f"admin title {n}")
            admin_change(browser, pk, visibility=visibilities[n % 3])
        else:
            browser.post(f"/d/{key}/rename/", {"title": f"page title {n}"}, form_page="/")
            browser.post(f"/d/{key}/share/", {"visibility": visibilities[n % 3]})
    done["title"], done["visibility"] = "admin title 39", visibilities[39 % 3]


def assert_logs_whole(site):
    manage(site.env, "collab_check")  # raises if any document disagrees with its log


def test_typing_goes_on_while_pages_and_admin_rename_and_reshare(site, clients, key):
    names, typists = make_people(site, key, clients)
    done = {}
    worker = threading.Thread(target=renames_and_visibility_changes, args=(site, key, names[0], done))
    worker.start()
    rng = random.Random(4)
    while worker.is_alive():
        clients.edit_at_random(rng, rng.choice(typists), key)
        time.sleep(0.05)  # people typing, not a load test
    worker.join()
    assert done, "the renames did not finish"
    clients.assert_converged(site, typists, key)
    title, visibility = site.query("SELECT title, visibility FROM documents_document WHERE key = ?", key)[0]
    assert (title, visibility) == (done["title"], done["visibility"])
    assert all(clients("errors", name=name) == [] for name in typists)
    assert_logs_whole(site)


WORKER = """
import sys, threading, django
django.setup()
from collab import api
key, count = sys.argv[1], int(sys.argv[2])
threads = [threading.Thread(target=api.submit, args=(key, [f"[worker {n}] "])) for n in range(count)]
for thread in threads: thread.start()
for thread in threads: thread.join()
"""


def seen_live(clients, name, key, text, timeout=5):
    wait_until(lambda: text in clients("state", name=name, id=key)["data"], timeout=timeout)


def test_edits_from_a_view_a_command_and_worker_threads_reach_editors_live(site, clients, key):
    names, typists = make_people(site, key, clients)
    browser, pk = site.browse(names[0]), document_pk(site, key)
    rng = random.Random(9)
    for round_ in range(3):
        # A view: the admin's text field, saved through collab.api.
        text = clients("state", name="owner", id=key)["data"]
        admin_change(browser, pk, text=f"[admin {round_}] " + text)
        seen_live(clients, "t1", key, f"[admin {round_}] ")
        clients.edit_at_random(rng, "t2", key)
        # A management command's process.
        site.manage_shell(f"from collab import api; api.submit({key!r}, ['[command {round_}] '])")
        seen_live(clients, "t3", key, f"[command {round_}] ")
        clients.edit_at_random(rng, "owner", key)
        # A worker process with threads, as a task queue runs them.
        subprocess.run([sys.executable, "-c", WORKER, key, "3"], cwd=ROOT, env={**site.env, "DJANGO_SETTINGS_MODULE": "config.settings"}, check=True)
        for n in range(3):
            seen_live(clients, "t2", key, f"[worker {n}] ")
    for _ in range(20):  # nothing broke: the socket goes on
        clients.edit_at_random(rng, rng.choice(typists), key)
    clients.assert_converged(site, typists, key)
    made_by_code = site.query(
        "SELECT o.op FROM documents_operation o JOIN documents_document d ON d.id = o.document_id "
        "WHERE d.key = ? AND o.src = '' AND o.kind = 'edit'", key)
    assert len(made_by_code) == 3 + 3 + 9  # one op per admin save, command and task
    # The command's and the workers' inserts are whole; an admin save sends the smallest diff, which may reuse text.
    assert sorted(re.findall(r"\[(command|worker) \d\]", "".join(op for (op,) in made_by_code))) == ["command"] * 3 + ["worker"] * 9
    assert all(clients("errors", name=name) == [] for name in typists)
    assert_logs_whole(site)
