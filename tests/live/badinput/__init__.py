"""Hostile ShareDB messages for test_bad_input.py: pure functions, seeded, no I/O.

A corpus is a list of Attacks: who sends which WebSocket frame, and what its
answer must be. The messages come from three sources:

- a grammar: every action the server knows (and unknown ones) x every field it
  reads x hostile values. The full product is some 18,000 messages, too many
  for one run, so each run covers it pairwise (every action with every value,
  every action with every field, every field with every value) and the seed
  decides which triples;
- hand-made attacks the grammar cannot express: text that is not JSON or not
  UTF-8, binary frames, sizes around the limit, bulk requests naming 20,000
  ids, lone surrogates at each place the server reads or echoes, timestamps
  past year 9999, versions above 2**53, malformed ops from the document's owner;
- Hypothesis-built messages: random JSON in the protocol's shape.

No message may change the database: the viewer and the stranger cannot edit
the document, creates of other documents are filtered out (anyone signed in
may create one), and the owner sends only ops, creates and deletes that are
malformed by construction.
"""

import random

from tests.live.badinput.generated import hypothesis_attacks
from tests.live.badinput.grammar import grammar
from tests.live.badinput.handmade import (
    bulk_attacks, duplicate_key_attacks, number_attacks, owner_attacks, size_attacks, surrogate_attacks, text_attacks,
    trespass_attacks,
)
from tests.live.badinput.messages import TEXT_UNICODE, Context, harmless

__all__ = ["TEXT_UNICODE", "Context", "corpus"]


def corpus(seed_value, ctx, hypothesis_count=300):
    """The whole corpus for a seed, shuffled."""
    rng = random.Random(seed_value)
    attacks = [
        *harmless(grammar(rng, ctx), ctx), *text_attacks(rng), *size_attacks(ctx), *number_attacks(ctx),
        *bulk_attacks(ctx), *surrogate_attacks(ctx), *duplicate_key_attacks(ctx), *owner_attacks(ctx),
        *trespass_attacks(ctx), *harmless(hypothesis_attacks(rng, ctx, hypothesis_count), ctx),
    ]
    rng.shuffle(attacks)
    return attacks
