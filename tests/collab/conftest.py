import pytest
from django.contrib.auth.models import AnonymousUser

from tests.collab.wsclient import RawClient


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
