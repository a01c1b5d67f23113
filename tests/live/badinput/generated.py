"""Hypothesis-built messages: random JSON in the protocol's shape, the same for the same seed."""

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from tests.live.badinput.messages import TEXT_UNICODE, attack, to_json

ACTIONS = ("hs", "f", "s", "u", "bf", "bs", "bu", "op", "nf", "nt", "pp", "qf", "qs", "qu", "p", "ps", "pu", "pr")


def message_strategy(ctx):
    """Random messages in the protocol's shape: known fields with plausible or arbitrary JSON values."""
    any_text = st.text(st.characters(), max_size=12)  # any code point, lone surrogates included
    values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | any_text,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
        max_leaves=12,
    )
    numbers = st.integers(-2, 8) | st.integers(-(2**64), 2**64)
    keys = st.sampled_from([ctx.secret, "missing"]) | any_text
    plausible = {
        "c": st.just(ctx.collection),
        "d": keys,
        "v": numbers,
        "seq": numbers,
        "src": st.text("abcdef0123456789-_ ", max_size=70),
        "op": st.lists(numbers | any_text | st.fixed_dictionaries({"d": numbers | any_text}), max_size=4),
        "create": st.fixed_dictionaries(
            {"type": st.sampled_from([TEXT_UNICODE, "text-unicode"]) | any_text, "data": any_text | values},
        ),
        "del": st.booleans(),
        "b": st.lists(keys, max_size=4) | st.dictionaries(keys, numbers | st.none(), max_size=4),
        "id": numbers | any_text,
        "ts": st.integers(-(2**62), 2**62),
        "ch": st.just(ctx.channel) | any_text,
        "pv": numbers,
        "p": st.fixed_dictionaries({"start": numbers | values, "end": numbers | values}),
        "t": st.just(TEXT_UNICODE),
    }
    fields = {name: strategy | values for name, strategy in plausible.items()}
    known = st.fixed_dictionaries({"a": st.sampled_from(ACTIONS) | values}, optional=fields)
    extra = st.dictionaries(any_text, values, max_size=2)
    objects = st.builds(lambda message, more: {**more, **message}, known, extra).map(to_json)
    return objects | st.text(max_size=40)  # and now and then text that is rarely JSON


def hypothesis_messages(ctx, seed_value, count):
    """`count` (or a few fewer) messages drawn by Hypothesis, the same for the same seed."""
    drawn = []

    @seed(seed_value)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(message_strategy(ctx))
    def collect(text):
        drawn.append(text)

    collect()
    return drawn


def hypothesis_attacks(rng, ctx, count):
    for index, text in enumerate(hypothesis_messages(ctx, rng.getrandbits(64), count)):
        yield attack(rng.choice(("viewer", "stranger")), f"hypothesis #{index}", text)
