"""Writes that must keep the document row and its operation log in step."""

from django.db import transaction

from documents.models import TEXT_UNICODE, Operation


def create_payload(data):
    """What a create operation records, as ShareDB sends it: {type, data}."""
    return {"type": TEXT_UNICODE, "data": data}


def save_new_document(document, src="", seq=None):
    """Store an unsaved document at version 1, its create logged as version 0.

    `src` and `seq` identify the submitting connection when the create came over the wire.
    """
    document.type = TEXT_UNICODE
    document.version = 1
    with transaction.atomic():
        document.save(force_insert=True)
        Operation.objects.create(
            document=document, version=0, kind=Operation.Kind.CREATE,
            op=create_payload(document.content), src=src, seq=seq, author=document.created_by,
        )
    return document
