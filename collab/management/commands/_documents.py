"""The documents a command was asked about: the keys given, or all of them."""

from django.core.management.base import CommandError

from documents.models import Document


def documents_named(keys):
    if not keys:
        return Document.objects.order_by("pk").iterator()
    found = {document.key: document for document in Document.objects.filter(key__in=keys)}
    unknown = [key for key in keys if key not in found]
    if unknown:
        raise CommandError(f"no document has the key {', '.join(map(repr, unknown))}")
    return [found[key] for key in keys]
