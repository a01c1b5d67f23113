"""Rights on a document, and telling open connections when they may have changed.

A connection keeps the rights it read for each document it has open and
checks them on every delivery. Whenever roles or visibility change, or the
document is deleted, the document's access_revision goes up in the same
transaction and, once committed, its connections are told to re-read
(collab.receivers connects this to the models' signals). Changes that
bypass model signals (QuerySet.update, raw SQL, a custom policy's own
data) call collab.api.access_changed().
"""

import logging
from dataclasses import dataclass

from django.core.signals import setting_changed
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver

from collab import broadcast
from documents.models import Document

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rights:
    view: bool = False
    edit: bool = False
    exists: bool = False  # False: no such document, so nothing to deliver yet
    revision: int | None = None  # the document's access_revision they were read at
    document_id: int | None = None  # the row they were read on: a key deleted and created again is another


NOTHING = Rights()


# Rights decided already, by who asks, the document and its access revision (and
# what the default policy reads off the row): a change of roles or visibility
# moves the revision, so an entry cannot outlive the rights it records. Custom
# policies whose data the signals miss call collab.api.access_changed().
_decided = {}
MAX_DECIDED = 10_000


def rights_of(user, document, policy):
    if document is None:
        return NOTHING
    who = (getattr(user, "pk", None), getattr(user, "is_active", False), getattr(user, "is_superuser", False))
    key = (type(policy), *who, document.pk, document.access_revision, document.visibility, document.created_by_id)
    rights = _decided.get(key)
    if rights is None:
        view = policy.can_view(user, document)
        rights = Rights(view=view, edit=view and policy.can_edit(user, document), exists=True, revision=document.access_revision,
                        document_id=document.pk)
        if len(_decided) >= MAX_DECIDED:
            _decided.clear()
        _decided[key] = rights
    return rights


@receiver(setting_changed)
def _forget_decided(*, setting, **kwargs):
    if setting in ("COLLAB", "AUTH_USER_MODEL"):
        _decided.clear()


def notify_after_commit(key):
    transaction.on_commit(lambda: broadcast.from_sync(tell_connections, key))


async def tell_connections(key):
    try:
        await broadcast.publish_access(key)
    except Exception:  # not raised: the change is committed (and the caller is not an async one)
        logger.exception("collab: could not tell the connections with %r open that its rights may have changed", key)
        from collab.engine import unpublished_here  # the engine's submit path reads rights from here

        unpublished = unpublished_here()
        if unpublished is not None:  # told again as failed ops are sent again (collab.republishing)
            unpublished.rights_failed(key)


def bump(document_id):
    """Record a change of rights on the document and tell its connections once it is committed."""
    Document.objects.filter(pk=document_id).update(access_revision=F("access_revision") + 1)
    key = Document.objects.filter(pk=document_id).values_list("key", flat=True).first()
    if key is not None:
        notify_after_commit(key)
