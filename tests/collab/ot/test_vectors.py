"""The reference's own transform vectors (see tests/data/vectors/README.md)."""

import json
from pathlib import Path

import pytest

from collab import ot

VECTORS = Path(__file__).resolve().parents[2] / "data" / "vectors" / "text-unicode-transform-tests.json"


def convert(old_op):
    """The older text type's notation to text-unicode, as the reference's test does."""
    converted = []
    for component in old_op:
        if isinstance(component, dict) and "i" in component:
            converted.append(component["i"])
        elif isinstance(component, dict):
            converted.append({"d": len(component["d"])})
        else:
            converted.append(component)
    return ot.normalize(converted)


def load_vectors():
    lines = VECTORS.read_text(encoding="utf-8").splitlines()
    for start in range(0, len(lines), 4):
        op, other, side, expected = lines[start:start + 4]
        yield pytest.param(convert(json.loads(op)), convert(json.loads(other)), side, convert(json.loads(expected)), id=f"vector{start // 4}")


VECTOR_CASES = list(load_vectors())


def test_all_46_vectors_are_loaded():
    assert len(VECTOR_CASES) == 46


@pytest.mark.parametrize(("op", "other", "side", "expected"), VECTOR_CASES)
def test_reference_vector(op, other, side, expected):
    assert ot.transform(op, other, side) == expected
