"""Presence values of text documents: {start, end} in code points.

text-unicode has no transformPresence, so the server moves a stale
presence through the ops it missed before relaying it. Only the fields the
server can bound are relayed; who it belongs to is set by the server.
"""

from collab import ot
from collab.errors import CollabError, ErrorCode
from collab.names import display_name
from collab.protocol import MAX_SAFE_INTEGER, badly_formed


def checked(value):
    """The client's presence value reduced to {start, end}, or None; refuses any other shape."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise badly_formed("'p' must be an object {start, end} or null")
    for name in ("start", "end"):
        position = value.get(name)
        if type(position) is not int or not 0 <= position <= MAX_SAFE_INTEGER:
            raise badly_formed(f"presence '{name}' must be a non-negative integer")
    return {"start": value["start"], "end": value["end"]}


def within(value, length):
    if value is not None and max(value["start"], value["end"]) > length:
        raise badly_formed(f"presence lies outside the document, which has {length} characters")
    return value


def transform_presence(value, rows):
    """The presence value after the committed ops in `rows`; None once the document was re-created or deleted."""
    if value is None:
        return None
    moved = dict(value)
    for row in rows:
        if row.kind != "edit":
            return None
        try:
            for name in ("start", "end"):
                moved[name] = ot.transform_position(moved[name], row.op)
        except ot.InvalidOp as error:
            raise CollabError(ErrorCode.PRESENCE_TRANSFORM_FAILED, f"presence cannot be transformed: {error}") from None
    return moved


def identity(user):
    """Who a presence belongs to, as the server knows it: clients cannot claim another name."""
    return {"id": str(user.pk) if user.is_authenticated else None, "name": display_name(user)}
