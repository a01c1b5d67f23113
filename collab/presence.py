"""Presence values of text documents: {start, end, ...} in code points.

text-unicode has no transformPresence, so the server moves a stale
presence through the ops it missed before relaying it.
"""

from collab import ot
from collab.errors import CollabError, ErrorCode


def transform_presence(value, rows):
    """The presence value after the committed ops in `rows`; None once the document was re-created or deleted."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise CollabError(ErrorCode.PRESENCE_TRANSFORM_FAILED, "presence must be an object with start and end")
    moved = dict(value)
    for _, kind, op, _, _ in rows:
        if kind != "edit":
            return None
        try:
            for name in ("start", "end"):
                if name in moved:
                    moved[name] = ot.transform_position(moved[name], op)
        except ot.InvalidOp as error:
            raise CollabError(ErrorCode.PRESENCE_TRANSFORM_FAILED, f"presence cannot be transformed: {error}") from None
    return moved


def identity(user):
    """Who a presence belongs to, as the server knows it: clients cannot claim another name."""
    if not user.is_authenticated:
        return {"id": None, "name": "Anonymous"}
    return {"id": str(user.pk), "name": user.get_full_name() or user.get_username()}
