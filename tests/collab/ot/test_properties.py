"""Properties every OT type must have, over Hypothesis-chosen documents and ops."""

from hypothesis import given, settings
from hypothesis import strategies as st

from collab import ot
from tests.collab.ot.generate import ALPHABET, model_apply, random_op


def tidy_op(rng, doc):
    # The ShareDB client normalizes every op it submits, and the server refuses untidy ones.
    return random_op(rng, doc, tidy=True)


documents = st.text(alphabet=ALPHABET, max_size=40)
randoms = st.randoms(use_true_random=False)

settings.register_profile("ot", max_examples=300, deadline=None)
settings.load_profile("ot")


@given(documents, randoms)
def test_apply_matches_the_plain_model(doc, rng):
    op = tidy_op(rng, doc)
    assert ot.apply(doc, op) == model_apply(doc, op)


@given(documents, randoms, st.sampled_from(["left", "right"]))
def test_concurrent_ops_converge(doc, rng, side):
    """TP1: a then b' equals b then a', whichever op wins ties."""
    a, b = tidy_op(rng, doc), tidy_op(rng, doc)
    other_side = "right" if side == "left" else "left"
    a_then_b = ot.apply(ot.apply(doc, a), ot.transform(b, a, other_side))
    b_then_a = ot.apply(ot.apply(doc, b), ot.transform(a, b, side))
    assert a_then_b == b_then_a


@given(documents, randoms)
def test_compose_equals_applying_in_sequence(doc, rng):
    a = tidy_op(rng, doc)
    after_a = ot.apply(doc, a)
    b = tidy_op(rng, after_a)
    assert ot.apply(doc, ot.compose(a, b)) == ot.apply(after_a, b)


@given(documents, randoms)
def test_invert_undoes_apply(doc, rng):
    op = tidy_op(rng, doc)
    assert ot.apply(ot.apply(doc, op), ot.invert_with_doc(op, doc)) == doc
    invertible = ot.make_invertible(op, doc)
    assert ot.is_invertible(invertible)
    assert ot.apply(ot.apply(doc, invertible), ot.invert(invertible)) == doc
    assert ot.strip_invertible(invertible) == ot.strip_invertible(op)


@given(st.lists(st.one_of(
    st.integers(0, 5), st.text(alphabet=ALPHABET, max_size=3),
    st.builds(lambda d: {"d": d}, st.integers(0, 5)),
    st.builds(lambda d: {"d": d}, st.text(alphabet=ALPHABET, max_size=3)),
), max_size=12))
def test_normalize_is_idempotent_and_valid(untidy):
    once = ot.normalize(untidy)
    assert ot.normalize(once) == once
    ot.check(once)


@given(st.integers(1, 40).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))), randoms)
def test_transform_position_agrees_with_apply(size_and_cursor, rng):
    """The character before the cursor stays right before it, if the op keeps it."""
    size, cursor = size_and_cursor
    doc = "".join(chr(0x20000 + i) for i in range(size))  # distinct astral characters, none in ALPHABET
    op = tidy_op(rng, doc)
    moved = ot.transform_position(cursor, op)
    after = ot.apply(doc, op)
    if cursor == 0:
        assert moved == 0
    elif doc[cursor - 1] in after:
        assert moved == after.index(doc[cursor - 1]) + 1
    assert 0 <= moved <= len(after)
