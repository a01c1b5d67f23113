"""Writes that must keep the document row and its operation log in step."""

from django.db import transaction

from documents.models import TEXT_UNICODE, Operation


def save_new_document(document):
    """Store an unsaved document at version 1, its create logged as version 0."""
    document.type = TEXT_UNICODE
    document.version = 1
    with transaction.atomic():
        document.save(force_insert=True)
        Operation.objects.create(
            document=document, version=0, kind=Operation.Kind.CREATE,
            op={"type": TEXT_UNICODE, "data": document.content}, author=document.created_by,
        )
    return document
