"""Inverting ops, which needs the deleted text: {"d": "text"} rather than {"d": n}."""

from collab.ot.check import InvalidOp, check, check_text
from collab.ot.text_unicode import append, apply, trim


def is_invertible(op):
    check(op)
    return all(type(component) is not dict or type(component["d"]) is str for component in op)


def make_invertible(op, doc):
    """`op` with each delete carrying the text it removes from `doc`."""
    check_text(doc)
    apply(doc, op)  # validates that op fits doc, and that any deleted text matches
    result = []
    pos = 0
    for component in op:
        kind = type(component)
        if kind is dict:
            deleted = component["d"]
            length = len(deleted) if type(deleted) is str else deleted
            append(result, {"d": doc[pos:pos + length]})
            pos += length
        else:
            append(result, component)
            if kind is int:
                pos += component
    return trim(result)


def strip_invertible(op):
    """`op` with deletes as lengths only."""
    check(op)
    result = []
    for component in op:
        append(result, {"d": len(component["d"])} if type(component) is dict and type(component["d"]) is str else component)
    return trim(result)


def invert(op):
    """The op that undoes `op`; its deletes must carry their text."""
    check(op)
    result = []
    for index, component in enumerate(op):
        kind = type(component)
        if kind is str:
            append(result, {"d": component})
        elif kind is dict:
            if type(component["d"]) is not str:
                raise InvalidOp(f"component {index}: cannot invert a delete without its text; use invert_with_doc")
            append(result, component["d"])
        else:
            append(result, component)
    return trim(result)


def invert_with_doc(op, doc):
    """The op that undoes `op` applied to `doc`."""
    return invert(make_invertible(op, doc))
