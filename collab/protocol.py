"""ShareDB wire messages: the action table, strict decoding and field checks.

Everything a client sends passes through here before any other code sees
it; each refusal is a CollabError with ERR_MESSAGE_BADLY_FORMED.
"""

import json

from collab.errors import CollabError, ErrorCode
from documents.keys import is_valid_key

ACTIONS = {
    "init_legacy": "init",
    "handshake": "hs",
    "query_fetch": "qf",
    "query_subscribe": "qs",
    "query_unsubscribe": "qu",
    "bulk_fetch": "bf",
    "bulk_subscribe": "bs",
    "bulk_unsubscribe": "bu",
    "fetch": "f",
    "subscribe": "s",
    "unsubscribe": "u",
    "op": "op",
    "snapshot_fetch": "nf",
    "snapshot_fetch_by_timestamp": "nt",
    "ping_pong": "pp",
    "presence": "p",
    "presence_subscribe": "ps",
    "presence_unsubscribe": "pu",
    "presence_request": "pr",
}

PROTOCOL = {"protocol": 1, "protocolMinor": 2}
# The ShareDB client insists that the server's default type is json0.
DEFAULT_TYPE_URI = "http://sharejs.org/types/JSONv0"
MAX_SAFE_INTEGER = 2**53 - 1
MAX_NESTING = 32
CLIENT_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def badly_formed(message):
    return CollabError(ErrorCode.MESSAGE_BADLY_FORMED, message)


def _refuse_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def _parse_int(text):
    if len(text.lstrip("-")) > 16:
        raise ValueError(f"the number {text[:20]}… is too large")
    return int(text)


def _nesting(value, depth=0):
    if depth > MAX_NESTING:
        return depth
    if isinstance(value, dict):
        return max((_nesting(v, depth + 1) for v in value.values()), default=depth)
    if isinstance(value, list):
        return max((_nesting(v, depth + 1) for v in value), default=depth)
    return depth


def decode(text, max_bytes):
    """The message as a dict, or CollabError saying why it is not one."""
    if text is None:
        raise badly_formed("messages must be JSON text frames")
    if len(text) > max_bytes:
        raise badly_formed(f"message of {len(text)} characters exceeds the limit of {max_bytes}")
    try:
        message = json.loads(text, parse_constant=_refuse_constant, parse_int=_parse_int)
    except RecursionError:
        raise badly_formed("message nests too deeply") from None
    except ValueError as error:
        raise badly_formed(f"message is not valid JSON: {error}") from None
    if not isinstance(message, dict):
        raise badly_formed("a message must be a JSON object")
    if _nesting(message) > MAX_NESTING:
        raise badly_formed(f"message nests deeper than {MAX_NESTING} levels")
    return message


def field(message, name, kind, *, required=True):
    """The named field, checked: kind is 'doc_id', 'collection', 'version', 'seq', 'string' or 'channel'."""
    value = message.get(name)
    if value is None:
        if required:
            raise badly_formed(f"'{name}' is missing")
        return None
    if kind in ("version", "seq", "timestamp"):
        if type(value) is not int or value < 0 or value > MAX_SAFE_INTEGER:
            raise badly_formed(f"'{name}' must be a non-negative integer")
    elif kind == "doc_id":
        if not is_valid_key(value):
            raise badly_formed(f"'{name}' must be 1 to 128 letters, digits, '-', '_' or '.'")
    elif kind in ("collection", "string", "channel"):
        if type(value) is not str or not 0 < len(value) <= 256:
            raise badly_formed(f"'{name}' must be a non-empty string of at most 256 characters")
    return value


def client_id(value):
    """A client id sent in `hs`, adopted as the connection's src, or None if unusable."""
    if type(value) is str and 0 < len(value) <= 64 and CLIENT_ID_CHARS.issuperset(value):
        return value
    return None


def encode(message):
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def op_message(collection, key, row):
    """A committed op as ShareDB sends it: {a, c, d, v, src, seq} and op, create or del."""
    version, kind, op, src, seq = row
    message = {"a": "op", "c": collection, "d": key, "v": version, "src": src, "seq": seq}
    if kind == "edit":
        message["op"] = op
    elif kind == "create":
        message["create"] = op
    else:
        message["del"] = True
    return message
