"""Moving cursors and selections through an op, as ot-text-unicode does."""

from collab.ot.check import MAX_LENGTH, InvalidOp, check, delete_length, type_name


def _check_position(position):
    if type(position) is not int or not 0 <= position <= MAX_LENGTH:
        shown = position if type(position) is int else type_name(position)
        raise InvalidOp(f"a cursor must be a code-point position (an integer, 0 or more), got {shown}")


def transform_position(position, op):
    """Where `position` ends up after `op`. An insert exactly at it goes after it."""
    _check_position(position)
    check(op)
    pos = 0
    for component in op:
        if position <= pos:
            break
        kind = type(component)
        if kind is int:
            pos += component
        elif kind is str:
            pos += len(component)
            position += len(component)
        else:
            position -= min(delete_length(component), position - pos)
    return position


def transform_selection(selection, op):
    """A position, or an [anchor, focus] pair, after `op`."""
    if type(selection) is int:
        return transform_position(selection, op)
    if type(selection) not in (list, tuple) or len(selection) != 2:
        raise InvalidOp(f"a selection must be a position or an [anchor, focus] pair, got {selection!r:.80}")
    return [transform_position(position, op) for position in selection]
