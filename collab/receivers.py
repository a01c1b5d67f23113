"""The models' signals, turned into the engine's bookkeeping and collab.signals."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from collab import access, signals, store
from documents.models import Document, DocumentAccess, Operation, create_payload


@receiver(post_save, sender=DocumentAccess, dispatch_uid="collab.role_saved")
@receiver(post_delete, sender=DocumentAccess, dispatch_uid="collab.role_deleted")
def role_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        access.bump(instance.document_id)


@receiver(post_save, sender=Document, dispatch_uid="collab.document_saved")
def document_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if created:
        # Document.save_new() logged its create op in this transaction.
        create = store.OpRow(0, Operation.Kind.CREATE, create_payload(instance.content), "", None, instance.created_by_id)
        store.signal_after_commit(instance.key, create, instance.created_by)
    elif {"visibility", "created_by"} & set(update_fields or ()):  # who owns it and who may see it
        access.bump(instance.pk)


@receiver(post_delete, sender=Document, dispatch_uid="collab.document_deleted")
def document_deleted(sender, instance, **kwargs):
    access.notify_after_commit(instance.key)
    transaction.on_commit(lambda: signals.document_deleted.send(Document, key=instance.key, user=None))
