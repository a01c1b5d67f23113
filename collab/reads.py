"""Authorised reads for fetch, subscribe, snapshots and presence (synchronous).

A document the user may not view reads exactly like one that does not
exist: {v: 0, type: null}, with no ops.
"""

from dataclasses import dataclass, field

from collab import history, store
from collab.access import NOTHING, Rights, rights_of
from collab.errors import CollabError, ErrorCode

MISSING = {"v": 0, "type": None}


@dataclass
class Read:
    snapshot: dict | None  # None when the ops since a version were asked for instead
    rows: list = field(default_factory=list)
    head: int = 0
    rights: Rights = NOTHING


def visible(user, key, policy):
    """(the document, the user's rights on it); the document is None when it is missing or not theirs to see."""
    document = store.load_document(key)
    rights = rights_of(user, document, policy)
    return (document if rights.view else None), rights


def rights(user, key, policy):
    return visible(user, key, policy)[1]


def newer_error(version, head):
    return CollabError(
        ErrorCode.OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT,
        f"requested version {version} is newer than the document's version {head}",
    )


def fetch(user, key, version, policy):
    """The snapshot when version is None, else the ops since it; with the head version and the rights read."""
    document, user_rights = visible(user, key, policy)
    head = document.version if document is not None else 0
    if version is None:
        snapshot = history.snapshot_at(document, head) if document is not None else dict(MISSING)
        return Read(snapshot, [], head, user_rights)
    if version > head:
        raise newer_error(version, head)
    rows = store.ops_between(document.pk, version, head) if version < head else []
    return Read(None, rows, head, user_rights)


def snapshot(user, key, version, timestamp, policy):
    """{v, type, data} at a version, or at a time in ms, or now."""
    document, _ = visible(user, key, policy)
    if document is None:
        if version:
            raise newer_error(version, 0)
        return dict(MISSING)
    if timestamp is not None:
        version = history.version_at_time(document, timestamp)
    if version is None:
        version = document.version
    if version > document.version:
        raise newer_error(version, document.version)
    return history.snapshot_at(document, version)
