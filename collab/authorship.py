"""Who wrote each character: an author per code point, kept through ops.

Pure functions over lists (no Django, no I/O). A list of authors is as
long as the text, so applying an op is a few slice assignments, as fast
as applying it to the text. Stored at milestones as runs: [[length,
author], ...], author being a user's pk or None.
"""

from itertools import groupby


def expand(runs):
    authors = []
    for length, author in runs:
        authors.extend([author] * length)
    return authors


def compress(authors):
    return [[sum(1 for _ in run), author] for author, run in groupby(authors)]


def apply(authors, op, author):
    """The authors after `op` (checked and applied to the text already) made by `author`."""
    position = 0
    for component in op:
        if type(component) is int:
            position += component
        elif type(component) is str:
            inserted = len(component)
            authors[position:position] = [author] * inserted
            position += inserted
        else:
            deleted = component["d"]
            del authors[position : position + (deleted if type(deleted) is int else len(deleted))]
    return authors
