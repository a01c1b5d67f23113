"""Requests as a ShareDB client sends them, and reads of what was stored, for consumer tests."""

from asgiref.sync import sync_to_async

from documents.models import Document, DocumentAccess

URI = "http://sharejs.org/types/text-unicode"


def insert_at(position, text):
    return [position, text] if position else [text]


def op(client, key, v, seq, **body):
    return {"a": "op", "c": "documents", "d": key, "v": v, "src": client.id, "seq": seq, **body}


async def create(client, key, text="", seq=1):
    reply = await client.request(op(client, key, None, seq, create={"type": URI, "data": text}))
    assert reply == {"a": "op", "c": "documents", "d": key, "src": client.id, "seq": seq, "v": 0}, reply


@sync_to_async
def stored(key):
    document = Document.objects.get(key=key)
    return document.content, document.version, list(document.operations.values_list("version", "kind", "op", "src", "seq"))


@sync_to_async
def grant(key, user, role):
    DocumentAccess.objects.create(document=Document.objects.get(key=key), user=user, role=role)
