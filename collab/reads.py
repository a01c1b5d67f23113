"""Authorised reads for fetch, subscribe, snapshots and presence (synchronous)."""

from collab import store
from collab.errors import CollabError, ErrorCode

MISSING = {"v": 0, "type": None, "data": None}


def readable(user, key, policy):
    """The document if the user may view it, None if it does not exist yet."""
    document = store.load_document(key)
    if document is not None and not policy.can_view(user, document):
        raise CollabError(ErrorCode.SNAPSHOT_READS_REJECTED, f"you may not view document {key!r}")
    return document


def newer_error(version, head):
    return CollabError(
        ErrorCode.OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT,
        f"requested version {version} is newer than the document's version {head}",
    )


def fetch(user, key, version, policy):
    """(snapshot or None, ops to send, head version): the snapshot when version is None, else the ops since it."""
    document = readable(user, key, policy)
    head = document.version if document is not None else 0
    if version is None:
        return (store.snapshot_at(document, head) if document is not None else dict(MISSING)), [], head
    if version > head:
        raise newer_error(version, head)
    rows = store.ops_between(document.pk, version) if version < head else []
    return None, rows, head


def snapshot(user, key, version, timestamp, policy):
    """{v, type, data} at a version, or at a time in ms, or now."""
    document = readable(user, key, policy)
    if document is None:
        if version:
            raise newer_error(version, 0)
        return dict(MISSING)
    if timestamp is not None:
        version = store.version_at_time(document, timestamp)
    if version is None:
        version = document.version
    if version > document.version:
        raise newer_error(version, document.version)
    return store.snapshot_at(document, version)

