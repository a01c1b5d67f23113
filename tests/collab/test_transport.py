"""autobahn's debug log arguments are formatted only when a line is written, and then exactly as before."""

from autobahn import util
from autobahn.twisted import websocket as twisted_websocket
from autobahn.websocket import protocol

from collab.transport import Formatted, patch_daphne


def test_an_argument_is_formatted_only_when_the_line_is_written():
    calls = []

    def costly(value, suffix=""):
        calls.append(value)
        return f"<{value}{suffix}>"

    argument = Formatted(costly, 7, suffix="!")
    assert calls == []
    assert "{:>6}|{}".format(argument, argument) == "  <7!>|<7!>"
    assert str(argument) == repr(argument) == "<7!>"


def test_autobahns_log_arguments_read_as_before():
    patch_daphne()
    for module in (protocol, twisted_websocket):
        assert isinstance(module.hltype(test_autobahns_log_arguments_read_as_before), Formatted)
        assert format(module.hltype(util.hl)) == util.hltype(util.hl)
        assert format(module.hlval(42, color="blue")) == util.hlval(42, color="blue")
    assert str(protocol.pformat({"b": [1, 2], "a": 1})) == "{'a': 1, 'b': [1, 2]}"
