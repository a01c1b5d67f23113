"""With Redis, an edit made through collab.api in another process reaches editors live, and so does a change of rights."""

from tests.support.live import ShareDBClients, wait_until


def test_an_api_edit_and_a_revocation_from_a_command_reach_the_servers_editors(servers):
    [(_, site)] = servers(1)
    for person in ("api-owner", "api-reader"):
        site.create_user(person)
    clients = ShareDBClients(site)
    try:
        clients.open("owner", "api-owner")
        clients("create", name="owner", id="from-afar", text="hello")
        clients("subscribe", name="owner", id="from-afar")
        site.manage_shell(
            "from django.contrib.auth import get_user_model as g; from documents.models import Document, DocumentAccess; "
            "DocumentAccess.objects.create(document=Document.objects.get(key='from-afar'), user=g().objects.get(username='api-reader'), role='viewer')")
        clients.open("reader", "api-reader")
        clients("subscribe", name="reader", id="from-afar")
        # A management command's process: no watcher looks at the database here, Redis carries it.
        site.manage_shell("from collab import api; api.submit('from-afar', [5, ', from afar'])")
        for name in ("owner", "reader"):
            wait_until(lambda name=name: clients("state", name=name, id="from-afar")["data"] == "hello, from afar", timeout=3)
        site.manage_shell("from documents.models import DocumentAccess; DocumentAccess.objects.filter(user__username='api-reader').delete()")
        wait_until(lambda: any(e["code"] == "ERR_SNAPSHOT_READS_REJECTED" for e in clients("errors", name="reader")), timeout=3)
        assert clients("errors", name="owner") == []
    finally:
        clients.close()
