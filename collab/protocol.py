"""ShareDB wire messages: the action table, strict decoding and field checks.

Everything a client sends passes through here before any other code sees
it; each refusal is a CollabError with ERR_MESSAGE_BADLY_FORMED.
"""

import orjson

from collab.errors import CollabError, ErrorCode
from collab.limits import LimitExceeded, message_too_large, utf8_length_exceeds
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
MAX_STRING_FIELD = 256


def badly_formed(message):
    return CollabError(ErrorCode.MESSAGE_BADLY_FORMED, message)


def nests_too_deeply(message):
    """Whether some value sits more than MAX_NESTING objects or arrays deep (the message's own fields: 1).

    Walks the containers only, not each number and string in them: it runs on every message.
    """
    containers = [(message, 0)]
    while containers:
        container, depth = containers.pop()
        for child in container.values() if type(container) is dict else container:
            if depth >= MAX_NESTING:
                return True
            if type(child) is dict or type(child) is list:
                containers.append((child, depth + 1))
    return False


# What orjson says, and what the client is told.
JSON_REFUSALS = {
    "surrogate": "message holds a lone surrogate (\\ud800-\\udfff): send valid Unicode text",
    "infinity": "message holds a number too large for JSON",
    "depth limit": "message nests too deeply",
}


def parse(text, max_bytes):
    """The JSON value of a text frame, or CollabError saying why there is none.

    orjson is strict where we must be: no NaN or Infinity, no number beyond
    a double, no lone surrogate (anywhere, keys included), bounded nesting.
    """
    if text is None:
        raise badly_formed("messages must be JSON text frames, not binary")
    if utf8_length_exceeds(text, max_bytes):
        error = message_too_large(max_bytes)
        # Parsed all the same (the server already holds it) so the refusal reaches
        # the request it answers: an op refused this way is rolled back, not resent.
        try:
            error.request = orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
        raise error
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        reason = str(error)
        told = next((told for word, told in JSON_REFUSALS.items() if word in reason), None)
        raise badly_formed(told or f"message is not valid JSON: {reason}") from None


def decode_text(text):
    """A message this server encoded itself."""
    return orjson.loads(text)


def check(message):
    """Refuse what parses as JSON but is no message: not an object, or nested too deep."""
    if not isinstance(message, dict):
        raise badly_formed("a message must be a JSON object")
    if nests_too_deeply(message):
        raise badly_formed(f"message nests deeper than {MAX_NESTING} levels")
    if type(message.get("a")) is not str:
        raise badly_formed("'a' must be the action, a string")


def _string(value, name):
    if type(value) is not str or not 0 < len(value) <= MAX_STRING_FIELD:
        raise badly_formed(f"'{name}' must be a non-empty string of at most {MAX_STRING_FIELD} characters")


def field(message, name, kind, *, required=True):
    """The named field, checked: kind is 'doc_id', 'collection', 'version', 'seq', 'timestamp', 'string',
    'channel' or 'request_id' (a string or a non-negative integer)."""
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
    elif kind == "request_id":
        if type(value) is int:
            return field(message, name, "seq")
        _string(value, name)
    else:
        _string(value, name)
    return value


def bulk_ids(message, max_documents):
    """{id: version or None} from a bulk request's 'b': a list of ids, or an object of id: version."""
    wanted = message.get("b")
    if isinstance(wanted, list) and all(type(key) is str for key in wanted):
        versions = dict.fromkeys(wanted)
    elif isinstance(wanted, dict):
        versions = wanted
    else:
        raise badly_formed("'b' must be a list of ids or an object of id: version")
    if len(versions) > max_documents:
        raise LimitExceeded(ErrorCode.LIMIT_EXCEEDED, f"a bulk request may name at most {max_documents} documents")
    for key, version in versions.items():
        field({"d": key}, "d", "doc_id")
        field({"v": version}, "v", "version", required=False)
    return versions


# The fields of a request an error reply carries back, so the client can route
# it; each only when it is well formed (a client can get nothing else wrong back).
ECHOED = {"a": "string", "c": "collection", "d": "doc_id", "id": "request_id", "seq": "seq", "src": "string",
          "ch": "channel", "pv": "seq"}


def echo(message, max_bulk_documents):
    """The routing fields of a request, for its error reply."""
    if not isinstance(message, dict):
        return {}
    reply = {}
    for name, kind in ECHOED.items():
        try:
            value = field(message, name, kind, required=False)
        except CollabError:
            continue
        if value is not None:
            reply[name] = value
    if reply.get("a") not in ACTIONS.values():
        reply.pop("a", None)
    if "b" in message:
        try:
            bulk_ids(message, max_bulk_documents)
            reply["b"] = message["b"]
        except CollabError:
            pass
    return reply


def encode(message):
    return orjson.dumps(message).decode()


def op_message(collection, key, row, src):
    """A committed op as ShareDB sends it: {a, c, d, v, src, seq} and op, create or del."""
    message = {"a": "op", "c": collection, "d": key, "v": row.version, "src": src, "seq": row.seq}
    if row.kind == "edit":
        message["op"] = row.op
    elif row.kind == "create":
        message["create"] = row.op
    else:
        message["del"] = True
    return message
