"""The text-unicode OT type as pure functions: no Django, no asyncio, no I/O."""

from collab.ot.check import MAX_LENGTH, check, check_normalized
from collab.ot.cursor import transform_position, transform_selection
from collab.ot.errors import InvalidOp
from collab.ot.invert import (
    invert,
    invert_with_doc,
    is_invertible,
    make_invertible,
    strip_invertible,
)
from collab.ot.text_unicode import (
    NAME,
    URI,
    apply,
    compose,
    create,
    normalize,
    transform,
)

__all__ = [
    "MAX_LENGTH", "NAME", "URI", "InvalidOp", "apply", "check", "check_normalized", "compose", "create", "invert", "invert_with_doc",
    "is_invertible", "make_invertible", "normalize", "strip_invertible", "transform", "transform_position",
    "transform_selection",
]
