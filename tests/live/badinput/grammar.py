"""Every action the server knows (and unknown ones) x every field it reads x hostile values, pairwise."""

from tests.live.badinput.messages import ESCAPED_PAIR, HIGH, LOW, MISSING, TEXT_UNICODE, Raw, attack, nested

def bases(ctx):
    """A well-formed message per action; the grammar sets one field of it to a hostile value."""
    c, d, ch = ctx.collection, ctx.secret, ctx.channel
    return {
        "hs": {"a": "hs", "protocol": 1, "protocolMinor": 2, "id": None},
        "f": {"a": "f", "c": c, "d": d},
        "s": {"a": "s", "c": c, "d": d, "v": 1},
        "u": {"a": "u", "c": c, "d": d},
        "bf": {"a": "bf", "c": c, "b": [d, "missing"]},
        "bs": {"a": "bs", "c": c, "b": {d: 1}},
        "bu": {"a": "bu", "c": c, "b": [d]},
        "op edit": {"a": "op", "c": c, "d": d, "v": 1, "seq": 1, "op": [6, " and more"]},
        "op create": {"a": "op", "c": c, "d": d, "v": None, "seq": 1, "create": {"type": TEXT_UNICODE, "data": "x"}},
        "op del": {"a": "op", "c": c, "d": d, "v": 1, "seq": 1, "del": True},
        "nf": {"a": "nf", "c": c, "d": d, "id": 1, "v": 1},
        "nt": {"a": "nt", "c": c, "d": d, "id": 1, "ts": 1_700_000_000_000},
        "pp": {"a": "pp"},
        "qf": {"a": "qf", "c": c, "id": 1, "q": {}},
        "qs": {"a": "qs", "c": c, "id": 1, "q": {}},
        "qu": {"a": "qu", "id": 1},
        "p": {"a": "p", "ch": ch, "id": "caret", "pv": 1, "p": {"start": 0, "end": 6}, "c": c, "d": d, "v": 1, "t": TEXT_UNICODE},
        "ps": {"a": "ps", "ch": ch, "seq": 1},
        "pu": {"a": "pu", "ch": ch, "seq": 1},
        "pr": {"a": "pr", "ch": ch},
        "unknown action": {"a": "zz", "c": c, "d": d},
        "legacy init": {"a": "init", "protocol": 1, "id": "x"},
        "empty action": {"a": "", "c": c, "d": d},
        "upper-case action": {"a": "OP", "c": c, "d": d, "v": 1, "seq": 1, "op": ["x"]},
        "no action": {"c": c, "d": d, "v": 1},
    }


FIELDS = ("a", "c", "d", "v", "seq", "src", "op", "create", "del", "b", "id", "ts", "ch", "pv", "p", "t", "start", "end")
PRESENCE_FIELDS = ("start", "end")  # inside the presence value `p`


HOSTILE = {
    "missing": MISSING,
    "null": None,
    "true": True,
    "false": False,
    "0": 0,
    "-1": -1,
    "1.5": 1.5,
    "-0": Raw("-0"),
    "-0.0": -0.0,
    "1e400": Raw("1e400"),
    "-1e400": Raw("-1e400"),
    "NaN": Raw("NaN"),
    "-Infinity": Raw("-Infinity"),
    "2**53 - 1": 2**53 - 1,
    "2**53": 2**53,
    "2**64": 2**64,
    "30 digits": 10**29 + 7,
    "-30 digits": -(10**29 + 7),
    "empty string": "",
    "string": "other-doc",
    "number as string": "1",
    "100 KB string": "a" * 100_000,
    "100 KB of 3-byte characters": "€" * 34_000,
    "empty array": [],
    "array": [1, "x", None],
    "empty object": {},
    "object": {"x": 1},
    "arrays 40 deep": nested(40, [], lambda inner: [inner]),
    "objects 40 deep": nested(40, {}, lambda inner: {"x": inner}),
    "lone high surrogate": HIGH,
    "lone low surrogate": LOW,
    "surrogate inside text": f"ab{HIGH}cd",
    "reversed pair": LOW + HIGH,
    "surrogate in a key": {HIGH: 1},
    "surrogate deep inside": [[{"x": [LOW]}]],
    "escaped surrogate pair": ESCAPED_PAIR,
    "astral character": "😀",
    "control characters": "\x01\x1b\x1f\x7f",
    "NUL": "\x00",
    "line separators": "\u2028\u2029",
    "byte order mark": "\ufeff",
}


def put(obj, key, value):
    obj = dict(obj)
    if value is MISSING:
        obj.pop(key, None)
    else:
        obj[key] = value
    return obj


def mutate(base, field, value):
    if field in PRESENCE_FIELDS:
        presence = base.get("p") if isinstance(base.get("p"), dict) else {"start": 0, "end": 0}
        return {**base, "p": put(presence, field, value)}
    return put(base, field, value)


def grammar(rng, ctx):
    """Pairwise: row i with value j sets field (i + j + offset) mod 18 of a seeded field order.

    With at least 18 rows and 18 values, every row meets every field and every
    value meets every field; every row meets every value once.
    """
    fields = rng.sample(FIELDS, len(FIELDS))
    offset = rng.randrange(len(fields))
    for row, (name, base) in enumerate(bases(ctx).items()):
        for column, (value_name, value) in enumerate(HOSTILE.items()):
            field = fields[(row + column + offset) % len(fields)]
            sender = rng.choice(("viewer", "viewer", "stranger"))
            yield attack(sender, f"grammar {name}: {field} = {value_name}", mutate(base, field, value))
