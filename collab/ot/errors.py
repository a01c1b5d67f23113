class InvalidOp(ValueError):
    """An operation, document, cursor or argument the text-unicode type refuses."""
