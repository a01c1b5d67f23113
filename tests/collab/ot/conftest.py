import pytest

from tests.support.node import JsonLineProcess


@pytest.fixture(scope="module")
def reference():
    """ot-text-unicode 4.0.0, the JS reference, answering in a Node process."""
    process = JsonLineProcess("ot_reference.js")
    yield process
    process.close()
