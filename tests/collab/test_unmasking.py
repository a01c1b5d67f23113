"""Small frames unmask exactly as autobahn's own masker does, whole or arriving in pieces."""

from autobahn.websocket.xormasker import create_xor_masker as autobahns
from hypothesis import given, settings
from hypothesis import strategies as st

from collab.unmasking import SMALL_FRAME, SmallFrameMasker, create_xor_masker


@settings(max_examples=500)
@given(st.binary(min_size=4, max_size=4), st.binary(max_size=SMALL_FRAME - 1), st.lists(st.integers(0, SMALL_FRAME), max_size=4))
def test_a_small_frame_unmasks_as_autobahn_does_in_any_pieces(mask, payload, cuts):
    ours, theirs = create_xor_masker(mask, len(payload)), autobahns(mask, len(payload))
    assert isinstance(ours, SmallFrameMasker)
    edges = [0, *sorted(cut for cut in cuts if cut <= len(payload)), len(payload)]
    for start, end in zip(edges, edges[1:]):
        assert ours.process(payload[start:end]) == theirs.process(payload[start:end])
        assert ours.pointer() == theirs.pointer()
    ours.reset()
    assert ours.pointer() == 0 and ours.process(payload) == autobahns(mask, len(payload)).process(payload)


def test_large_frames_keep_autobahns_masker():
    assert not isinstance(create_xor_masker(b"abcd", SMALL_FRAME), SmallFrameMasker)
