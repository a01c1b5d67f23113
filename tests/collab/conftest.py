import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser

from documents.models import Document, DocumentAccess, Role
from tests.collab.wsclient import RawClient


@pytest.fixture(autouse=True)
def fresh_quotas():
    """Users get the same ids in every test: their rates must not carry over from one to the next."""
    from collab.consumers import quotas

    quotas.held.clear()


@pytest.fixture
async def connect():
    clients = []

    async def open_client(user=None):
        client = RawClient(user or AnonymousUser())
        assert await client.connect()
        clients.append(client)
        return client

    yield open_client
    for client in clients:
        await client.close()


@pytest.fixture
async def cast(make_user):
    """Four people around one private document: its owner, an editor, a viewer, and a stranger."""
    @sync_to_async
    def setup():
        people = {name: make_user(username=name) for name in ("owner", "editor", "viewer", "stranger")}
        document = Document.objects.create(key="secret", title="Secret", content="the secret text", created_by=people["owner"])
        DocumentAccess.objects.create(document=document, user=people["editor"], role=Role.EDITOR)
        DocumentAccess.objects.create(document=document, user=people["viewer"], role=Role.VIEWER)
        return people
    return await setup()
