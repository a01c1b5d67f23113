"""Authorship against a model computed without the code under test: characters tagged with their author."""

from hypothesis import given
from hypothesis import strategies as st

from collab import authorship, ot
from tests.collab.ot.generate import random_op


def tagged_apply(tagged, op, author):
    """The text as (character, author) pairs, edited component by component."""
    result, position = list(tagged), 0
    for component in op:
        if type(component) is int:
            position += component
        elif type(component) is str:
            result[position:position] = [(char, author) for char in component]
            position += len(component)
        else:
            count = component["d"] if type(component["d"]) is int else len(component["d"])
            del result[position : position + count]
    return result


@given(seed=st.integers(0, 2**32), steps=st.integers(1, 40))
def test_each_character_keeps_the_author_who_typed_it(seed, steps):
    import random

    rng = random.Random(seed)
    text, authors, tagged = "", [], []
    for _ in range(steps):
        op = random_op(rng, text, tidy=True)
        author = rng.choice([1, 2, 3, None])
        text = ot.apply(text, op)
        authors = authorship.apply(authors, op, author)
        tagged = tagged_apply(tagged, op, author)
    assert "".join(char for char, _ in tagged) == text
    assert authors == [author for _, author in tagged]
    assert authorship.expand(authorship.compress(authors)) == authors


def test_runs_are_compact():
    assert authorship.compress([1, 1, 2, None, None, 1]) == [[2, 1], [1, 2], [2, None], [1, 1]]
    assert authorship.compress([]) == []
