"""The op grammar, checked strictly because ops arrive from the network.

    op        = [component, ...]        no two skips in a row, no trailing skip
    component = skip | insert | delete
    skip      = int, 1 .. MAX_LENGTH    keep that many code points
    insert    = str, non-empty          insert it here
    delete    = {"d": int | str}        remove that many code points; the str
                                        form carries the removed text, for invert

Lengths count Unicode code points, as Python's str does. Booleans, floats,
empty or negative components, other keys and lone surrogates are refused.
"""

from collab.ot.errors import InvalidOp

# The largest integer a JavaScript client represents exactly.
MAX_LENGTH = 2**53 - 1


def type_name(value):
    return "a bool" if type(value) is bool else f"a {type(value).__name__}" if value is not None else "null"


def text_problem(text, what):
    """Why `text` cannot be an insert or delete's text, or None."""
    if not text:
        return f"{what} must not be empty"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            return f"{what} contains a lone surrogate at code point {error.start}"
    return None


def length_problem(value, what):
    if type(value) is not int:
        return f"{what} must be an integer, got {type_name(value)}"
    if value <= 0:
        return f"{what} must be positive, got {value}"
    if value > MAX_LENGTH:
        return f"{what} is larger than {MAX_LENGTH}"
    return None


def delete_problem(component):
    if len(component) != 1 or "d" not in component:
        return f"a delete must be exactly {{'d': length or text}}, got keys {sorted(map(str, component))}"
    d = component["d"]
    if type(d) is str:
        return text_problem(d, "deleted text")
    return length_problem(d, "a delete length")


def component_problem(component):
    kind = type(component)
    if kind is int:
        return length_problem(component, "a skip")
    if kind is str:
        return text_problem(component, "an insert")
    if kind is dict:
        return delete_problem(component)
    return f"a component must be a skip (int), an insert (str) or a delete ({{'d': ...}}), got {type_name(component)}"


def check_component(component, index):
    problem = component_problem(component)
    if problem:
        raise InvalidOp(f"component {index}: {problem}")


def check_list(op):
    if type(op) is not list:
        raise InvalidOp(f"an op must be a list of components, got {type_name(op)}")


def check(op):
    """Raise InvalidOp, saying what is wrong, unless `op` is a valid op."""
    check_list(op)
    previous_skip = False
    for index, component in enumerate(op):
        check_component(component, index)
        is_skip = type(component) is int
        if is_skip and previous_skip:
            raise InvalidOp(f"component {index}: two skips in a row must be one skip")
        previous_skip = is_skip
    if previous_skip:
        raise InvalidOp("an op must not end with a skip")


def check_normalized(op):
    """check(op), and no two inserts or deletes in a row either.

    The grammar allows neighbours of one kind, but they do not converge: an
    insert tie splits them (see the regression tests). The ShareDB client
    normalizes every op before sending it, so the server can ask for this.
    """
    check(op)
    for index in range(1, len(op)):
        if type(op[index]) is type(op[index - 1]):
            kind = "insert" if type(op[index]) is str else "delete"
            raise InvalidOp(f"component {index}: two {kind}s in a row must be one {kind} (normalize the op)")


def check_text(text, what="the document"):
    if type(text) is not str:
        raise InvalidOp(f"{what} must be a str, got {type_name(text)}")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise InvalidOp(f"{what} contains a lone surrogate at code point {error.start}") from None


def delete_length(component):
    d = component["d"]
    return len(d) if type(d) is str else d


def is_empty(component):
    """A zero skip, an empty insert or an empty delete: untidy, but harmless."""
    kind = type(component)
    if kind is dict:
        return len(component) == 1 and type(component.get("d")) in (int, str) and not component["d"]
    return (kind is int or kind is str) and not component


def component_length(component):
    kind = type(component)
    if kind is int:
        return component
    if kind is str:
        return len(component)
    return delete_length(component)
