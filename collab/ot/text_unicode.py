"""The text-unicode OT type: create, normalize, apply, transform, compose.

A port of ot-text-unicode 4.0.0 (lib/type.ts) that gives the same result
for every op the reference accepts, and refuses what it would let through:
see check.py for the grammar. Every entry point validates its input first.
"""

from collab.ot.check import (
    InvalidOp,
    check,
    check_component,
    check_list,
    check_text,
    component_length,
    delete_length,
    is_empty,
)

NAME = "text-unicode"
URI = "http://sharejs.org/types/text-unicode"


def create(initial=""):
    check_text(initial, "the initial document")
    return initial


def append(op, component):
    """Append to an op under construction, merging with the last component."""
    kind = type(component)
    if kind is dict:
        d = component["d"]
        if d == 0 or d == "":
            return
        if op and type(op[-1]) is dict:
            last = op[-1]["d"]
            merged = last + d if type(last) is str and type(d) is str else (
                (len(last) if type(last) is str else last) + (len(d) if type(d) is str else d))
            op[-1] = {"d": merged}
        else:
            op.append({"d": d})
    elif component:
        if op and type(op[-1]) is kind:
            op[-1] += component
        else:
            op.append(component)


def trim(op):
    if op and type(op[-1]) is int:
        op.pop()
    return op


def normalize(op):
    """The canonical form: neighbours merged, no-op components and the trailing skip dropped.

    Accepts what check refuses only for being untidy: empty components and
    skips in a row or at the end.
    """
    check_list(op)
    result = []
    for index, component in enumerate(op):
        if not is_empty(component):
            check_component(component, index)
            append(result, component)
    return trim(result)


def apply(doc, op):
    """The document `doc` after `op`. Skips and deletes must stay inside it."""
    if type(doc) is not str:
        check_text(doc)
    check_list(op)
    parts = []
    pos = 0
    size = len(doc)
    previous_skip = False
    # One pass that validates as it goes: cheap checks inline, the full
    # check of a component only when it looks unusual.
    for index, component in enumerate(op):
        kind = type(component)
        if kind is int:
            if component <= 0:
                check_component(component, index)
            if previous_skip:
                raise InvalidOp(f"component {index}: two skips in a row must be one skip")
            stop = pos + component
            if stop > size:
                raise InvalidOp(f"component {index}: skip of {component} passes the end of the document ({size - pos} code points left)")
            parts.append(doc[pos:stop])
            pos = stop
            previous_skip = True
            continue
        if kind is str:
            if not component or not component.isascii():
                check_component(component, index)
            parts.append(component)
        elif kind is dict and len(component) == 1 and type(component.get("d")) in (int, str):
            deleted = component["d"]
            if type(deleted) is int:
                if deleted <= 0:
                    check_component(component, index)
                stop = pos + deleted
            else:
                if not deleted or not deleted.isascii():
                    check_component(component, index)
                stop = pos + len(deleted)
            if stop > size:
                raise InvalidOp(f"component {index}: delete of {stop - pos} passes the end of the document ({size - pos} code points left)")
            if type(deleted) is str and doc[pos:stop] != deleted:
                raise InvalidOp(f"component {index}: deleted text {deleted!r} does not match the document ({doc[pos:stop]!r})")
            pos = stop
        else:
            check_component(component, index)
        previous_skip = False
    if previous_skip:
        raise InvalidOp("an op must not end with a skip")
    if not parts:
        return doc[pos:]
    parts.append(doc[pos:])
    return "".join(parts)


def _slice_delete(d, start, end=None):
    if type(d) is int:
        return (d if end is None else min(d, end)) - start
    return d[start:end]


class _Take:
    """Reads an op in pieces: take(n) gives at most n code points of it.

    Past the end an op is endless skips. `whole` is the kind ("str" or
    "dict") never split.
    """

    __slots__ = ("op", "index", "offset")

    def __init__(self, op):
        self.op, self.index, self.offset = op, 0, 0

    def peek(self):
        return self.op[self.index] if self.index < len(self.op) else None

    def take(self, n=None, whole=None):
        if self.index == len(self.op):
            return n
        component, offset = self.op[self.index], self.offset
        kind = type(component)
        if kind is int:
            remaining = component - offset
        elif kind is str:
            remaining = len(component) - offset
        else:
            remaining = delete_length(component) - offset
        if n is None or remaining <= n or kind is whole:
            self.index += 1
            self.offset = 0
            if kind is int:
                return remaining
            if kind is str:
                return component[offset:] if offset else component
            return {"d": _slice_delete(component["d"], offset)}
        self.offset = offset + n
        if kind is int:
            return n
        if kind is str:
            return component[offset:offset + n]
        return {"d": _slice_delete(component["d"], offset, offset + n)}


def transform(op, other, side):
    """`op` rewritten to apply after `other`; `side` says whose insert goes first at a tie."""
    if side != "left" and side != "right":
        raise InvalidOp(f"side must be 'left' or 'right', got {side!r}")
    check(op)
    check(other)
    result = []
    reader = _Take(op)
    for theirs in other:
        kind = type(theirs)
        if kind is int:
            length = theirs
            while length > 0:
                ours = reader.take(length, str)
                append(result, ours)
                if type(ours) is not str:
                    length -= component_length(ours)
        elif kind is str:
            if side == "left" and type(reader.peek()) is str:
                append(result, reader.take())
            append(result, len(theirs))
        else:
            length = delete_length(theirs)
            while length > 0:
                ours = reader.take(length, str)
                ours_kind = type(ours)
                if ours_kind is int:
                    length -= ours
                elif ours_kind is str:
                    append(result, ours)
                else:
                    length -= delete_length(ours)
    while (rest := reader.take()) is not None:
        append(result, rest)
    return trim(result)


def compose(first, second):
    """One op with the effect of `first` then `second`."""
    check(first)
    check(second)
    result = []
    reader = _Take(first)
    for component in second:
        kind = type(component)
        if kind is int:
            length = component
            while length > 0:
                chunk = reader.take(length, dict)
                append(result, chunk)
                if type(chunk) is not dict:
                    length -= component_length(chunk)
        elif kind is str:
            append(result, component)
        else:
            deleted = component["d"]
            length = delete_length(component)
            offset = 0
            while offset < length:
                chunk = reader.take(length - offset, dict)
                chunk_kind = type(chunk)
                if chunk_kind is int:
                    append(result, {"d": _slice_delete(deleted, offset, offset + chunk)})
                    offset += chunk
                elif chunk_kind is str:
                    offset += len(chunk)
                else:
                    append(result, chunk)
    while (rest := reader.take()) is not None:
        append(result, rest)
    return trim(result)
