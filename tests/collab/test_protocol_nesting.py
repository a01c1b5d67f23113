"""The nesting check on every message agrees with its definition, at and around the limit."""

from hypothesis import given, settings
from hypothesis import strategies as st

from collab.protocol import MAX_NESTING, nests_too_deeply


def depth(value):
    """The definition: how many objects or arrays deep the deepest value sits (an empty one counts as none)."""
    if isinstance(value, dict):
        return max((1 + depth(child) for child in value.values()), default=0)
    if isinstance(value, list):
        return max((1 + depth(child) for child in value), default=0)
    return 0


def nested(levels, leaf, wrap_in_objects):
    value = leaf
    for level in range(levels):
        value = {"k": value} if wrap_in_objects[level % len(wrap_in_objects)] else [value]
    return value


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3))
values = st.recursive(scalars, lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.text(max_size=2), children, max_size=3)),
                      max_leaves=40)


@settings(max_examples=500)
@given(st.integers(0, MAX_NESTING + 8), st.one_of(scalars, st.just([]), st.just({})), st.lists(st.booleans(), min_size=1, max_size=4), values)
def test_a_message_nests_too_deeply_exactly_when_its_depth_passes_the_limit(levels, leaf, wrap_in_objects, sibling):
    message = {"a": "pp", "deep": nested(levels, leaf, wrap_in_objects), "other": sibling}
    assert nests_too_deeply(message) == (depth(message) > MAX_NESTING)


def test_the_limit_itself_is_allowed_and_one_more_is_not():
    assert not nests_too_deeply({"a": "pp", "x": nested(MAX_NESTING - 1, 1, [False])})
    assert nests_too_deeply({"a": "pp", "x": nested(MAX_NESTING, 1, [False])})
    # An empty array adds no depth; one holding a value does.
    assert not nests_too_deeply({"a": "pp", "x": nested(MAX_NESTING - 1, [], [False])})
    assert nests_too_deeply({"a": "pp", "x": nested(MAX_NESTING - 1, [1], [False])})
