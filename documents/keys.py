"""Document keys: the ShareDB document id, stable and URL-safe."""

import re
import secrets
import string

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

KEY_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,128}")
MAX_KEY_LENGTH = 128
GENERATED_KEY_ALPHABET = string.ascii_letters + string.digits
GENERATED_KEY_LENGTH = 10

validate_key = RegexValidator(
    regex=r"\A[A-Za-z0-9_.-]{1,128}\Z",
    message=_("Use 1 to 128 letters, digits, '-', '_' or '.'."),
    code="invalid_key",
)


def is_valid_key(value):
    return isinstance(value, str) and KEY_PATTERN.fullmatch(value) is not None


def generate_key():
    # 62**10 keys: guessing one that exists is hopeless, and the URL stays short.
    return "".join(secrets.choice(GENERATED_KEY_ALPHABET) for _ in range(GENERATED_KEY_LENGTH))
