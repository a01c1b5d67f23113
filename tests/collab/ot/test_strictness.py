"""Where we refuse what the reference lets through, each with a clear message."""

import ast
import time
from pathlib import Path

import pytest

from collab import ot

REFUSED_OPS = [
    ("not a list", "an op must be a list of components, got a str"),
    ({"d": 1}, "an op must be a list of components, got a dict"),
    ([True], "component 0: a component must be a skip (int), an insert (str) or a delete"),
    ([1.0, "x"], "component 0: a component must be a skip (int), an insert (str) or a delete ({'d': ...}), got a float"),
    ([None], "got null"),
    ([["x"]], "got a list"),
    ([0, "x"], "component 0: a skip must be positive, got 0"),
    ([-2, "x"], "component 0: a skip must be positive, got -2"),
    ([""], "component 0: an insert must not be empty"),
    ([{"d": 0}], "component 0: a delete length must be positive, got 0"),
    ([{"d": -1}], "a delete length must be positive, got -1"),
    ([{"d": ""}], "deleted text must not be empty"),
    ([{"d": True}], "a delete length must be an integer, got a bool"),
    ([{"d": 1.5}], "a delete length must be an integer, got a float"),
    ([{"d": None}], "a delete length must be an integer, got null"),
    ([{"i": "x"}], "a delete must be exactly {'d': length or text}, got keys ['i']"),
    ([{"d": 1, "x": 2}], "got keys ['d', 'x']"),
    ([{}], "got keys []"),
    (["a\ud800b"], "component 0: an insert contains a lone surrogate at code point 1"),
    ([{"d": "\udfff"}], "deleted text contains a lone surrogate at code point 0"),
    ([2**53, "x"], "component 0: a skip is larger than 9007199254740991"),
    ([1, 2, "x"], "component 1: two skips in a row must be one skip"),
    ([1], "an op must not end with a skip"),
    (["x", 3], "an op must not end with a skip"),
]


@pytest.mark.parametrize(("op", "message"), REFUSED_OPS)
def test_check_refuses(op, message):
    with pytest.raises(ot.InvalidOp) as raised:
        ot.check(op)
    assert message in str(raised.value)


@pytest.mark.parametrize(("op", "message"), REFUSED_OPS)
def test_every_entry_point_refuses_the_same(op, message):
    for call in (
        lambda: ot.apply("x" * 10, op),
        lambda: ot.transform(op, [], "left"),
        lambda: ot.transform([], op, "right"),
        lambda: ot.compose(op, []),
        lambda: ot.compose([], op),
        lambda: ot.transform_position(0, op),
        lambda: ot.invert(op),
    ):
        with pytest.raises(ot.InvalidOp, match="."):
            call()


@pytest.mark.parametrize(("doc", "op", "message"), [
    ("abc", [4, "x"], "component 0: skip of 4 passes the end of the document (3 code points left)"),
    ("abc", [2, {"d": 2}], "component 1: delete of 2 passes the end of the document (1 code points left)"),
    ("a😀c", [1, {"d": "b"}], "component 1: deleted text 'b' does not match the document ('😀')"),
    ("abc", [{"d": "abcd"}], "passes the end of the document"),
    ("", [1], "skip of 1 passes the end of the document (0 code points left)"),
])
def test_apply_refuses_ops_that_do_not_fit_the_document(doc, op, message):
    with pytest.raises(ot.InvalidOp) as raised:
        ot.apply(doc, op)
    assert message in str(raised.value)


def test_apply_refuses_a_document_that_is_not_text():
    # A str document is trusted: it was made by create and valid ops, and
    # scanning it on every apply would cost its length each time.
    with pytest.raises(ot.InvalidOp, match="the document must be a str, got a bytes"):
        ot.apply(b"abc", [])


def test_huge_numbers_cost_nothing():
    start = time.perf_counter()
    for call in (
        lambda: ot.apply("abc", [10**12, "x"]),
        lambda: ot.apply("abc", [{"d": 10**15}]),
        lambda: ot.invert_with_doc([10**12, "x"], "abc"),
    ):
        with pytest.raises(ot.InvalidOp):
            call()
    # Without a document, huge skips are arithmetic, never loops over characters.
    assert ot.transform([10**15, "x"], [10**14, {"d": 10**14}], "left") == [10**15 - 10**14, "x"]
    assert ot.compose([10**15, "x"], [10**15 + 1, "y"]) == [10**15, "xy"]
    assert ot.transform_position(10**15, [{"d": 10**14}]) == 10**15 - 10**14
    assert time.perf_counter() - start < 1  # a loop per character would take hours


@pytest.mark.parametrize("side", ["", "LEFT", None, 0, "l"])
def test_transform_refuses_unknown_sides(side):
    with pytest.raises(ot.InvalidOp, match="side must be 'left' or 'right'"):
        ot.transform(["a"], ["b"], side)


@pytest.mark.parametrize("cursor", [-1, 1.5, True, None, "3", 2**53])
def test_transform_position_refuses_bad_cursors(cursor):
    with pytest.raises(ot.InvalidOp, match="a cursor must be a code-point position"):
        ot.transform_position(cursor, ["x"])


def test_selections():
    assert ot.transform_selection(2, ["ab"]) == 4
    assert ot.transform_selection([3, 1], [1, {"d": 1}]) == [2, 1]
    with pytest.raises(ot.InvalidOp, match="an \\[anchor, focus\\] pair"):
        ot.transform_selection([1, 2, 3], [])


def test_create():
    assert ot.create() == ""
    assert ot.create("héllo 🌍") == "héllo 🌍"
    with pytest.raises(ot.InvalidOp, match="the initial document must be a str, got a list"):
        ot.create([])


def test_invert_needs_the_deleted_text():
    with pytest.raises(ot.InvalidOp, match="cannot invert a delete without its text; use invert_with_doc"):
        ot.invert([1, {"d": 2}])
    assert ot.invert([1, {"d": "ab"}, "c"]) == [1, "ab", {"d": "c"}]
    assert ot.invert_with_doc([1, {"d": 2}], "xyz") == [1, "yz"]


def test_normalize_tidies_but_still_refuses_garbage():
    assert ot.normalize([0, 1, 2, "", "a", "b", {"d": 0}, {"d": 1}, {"d": "x"}, 3]) == [3, "ab", {"d": 2}]
    assert ot.normalize([{"d": "a"}, {"d": "b"}]) == [{"d": "ab"}]
    for garbage in ([True], [-1], [1.5], [{"d": False}], "x"):
        with pytest.raises(ot.InvalidOp):
            ot.normalize(garbage)


def test_inputs_are_never_modified():
    op, other = [{"d": "ab"}, {"d": "c"}], [{"d": 1}, "x"]
    ot.normalize(op)
    ot.transform(op, other, "left")
    ot.compose(op, ["y"])
    assert op == [{"d": "ab"}, {"d": "c"}] and other == [{"d": 1}, "x"]


def test_imports_nothing_but_itself():
    modules = set()
    for path in Path(ot.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                modules.add(node.module)
    assert modules and all(module.startswith("collab.ot") for module in modules), modules
