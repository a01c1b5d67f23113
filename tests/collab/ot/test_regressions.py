"""Named cases the fuzzers and property tests found."""

import pytest

from collab import ot


def test_untidy_inserts_diverge_in_the_reference_too(reference):
    """Found by the convergence property: ["a", "b"] against a concurrent ["x"].

    Transforming on the left side takes only the first of two neighbouring
    inserts before the other op's insert, so the pair splits around it and
    the two orders end differently. The reference does exactly the same, so
    we keep its result, and check_normalized refuses such ops at the door.
    """
    untidy, other = ["a", "b"], ["x"]
    left = ot.transform(untidy, other, "left")
    assert left == reference.call("transform", untidy, other, "left")["ok"] == ["a", 1, "b"]
    untidy_first = ot.apply(ot.apply("", untidy), ot.transform(other, untidy, "right"))
    other_first = ot.apply(ot.apply("", other), left)
    assert (untidy_first, other_first) == ("abx", "axb")
    with pytest.raises(ot.InvalidOp, match="component 1: two inserts in a row must be one insert"):
        ot.check_normalized(untidy)
    tidy = ot.normalize(untidy)
    ot.check_normalized(tidy)
    assert ot.apply(ot.apply("", tidy), ot.transform(other, tidy, "right")) == ot.apply("x", ot.transform(tidy, other, "left"))


def test_neighbouring_deletes_are_refused_by_check_normalized():
    ot.check([{"d": 1}, {"d": "a"}])
    with pytest.raises(ot.InvalidOp, match="two deletes in a row must be one delete"):
        ot.check_normalized([{"d": 1}, {"d": "a"}])
