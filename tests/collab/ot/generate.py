"""Random documents and valid ops, built without the code under test.

`rng` is anything with random(), randint() and choice(): a seeded
random.Random for the fuzzers, or a Hypothesis-driven one for properties.
"""

# ASCII, Latin, CJK, astral emoji and a combining sequence: positions count code points.
ALPHABET = "ab xyz\n" + "é中" + "😀👍🏽𝒳🌍"


def random_text(rng, max_length=6):
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, max_length)))


def random_doc(rng, max_length=30):
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, max_length)))


def random_op(rng, doc, keep_text=0.5, tidy=False):
    """A valid op for `doc`: skips merged, no trailing skip; deletes carry text with probability keep_text.

    Neighbouring inserts or deletes stay apart unless `tidy`: the grammar
    allows them, but only the tidy (normalized) form converges.
    """
    op, pos, size = [], 0, len(doc)
    for _ in range(rng.randint(0, 8)):
        roll = rng.random()
        if roll < 0.4 and pos < size:
            length = rng.randint(1, size - pos)
            if op and type(op[-1]) is int:
                op[-1] += length
            else:
                op.append(length)
            pos += length
        elif roll < 0.7 or pos == size:
            text = random_text(rng)
            if tidy and op and type(op[-1]) is str:
                op[-1] += text
            else:
                op.append(text)
        else:
            length = rng.randint(1, min(6, size - pos))
            if tidy and op and type(op[-1]) is dict:
                op[-1] = {"d": doc[pos - len_of(op[-1]):pos + length]} if rng.random() < keep_text else {"d": len_of(op[-1]) + length}
            else:
                op.append({"d": doc[pos:pos + length]} if rng.random() < keep_text else {"d": length})
            pos += length
    if op and type(op[-1]) is int:
        op.pop()
    return op


def len_of(delete):
    return delete["d"] if type(delete["d"]) is int else len(delete["d"])


def model_apply(doc, op):
    """The plain meaning of an op, component by component: the expected result."""
    result, rest = [], list(doc)
    for component in op:
        if type(component) is int:
            result.extend(rest[:component])
            del rest[:component]
        elif type(component) is str:
            result.extend(component)
        else:
            del rest[:len_of(component)]
    return "".join(result + rest)


def length_after(doc_length, op):
    for component in op:
        if type(component) is str:
            doc_length += len(component)
        elif type(component) is dict:
            doc_length -= len_of(component)
    return doc_length
