"""Every Python block of docs/python-api.md runs, in order, as a reader would paste them."""

import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "python-api.md"


@pytest.mark.django_db(transaction=True)
def test_the_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.S)
    assert len(blocks) >= 7
    namespace = {}
    for number, block in enumerate(blocks, start=1):
        try:
            exec(compile(block, f"{PAGE.name} block {number}", "exec"), namespace)
        except Exception as error:
            raise AssertionError(f"block {number} of {PAGE.name} fails: {error!r}\n{block}") from error
