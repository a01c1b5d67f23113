"""The site's settings with a fixed key, so the suite needs no environment."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret-" + "x" * 40)

from config.settings import *  # noqa: E402,F403

# Users are made by the hundred in tests: a deliberately slow hash would be most of the run.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Nothing is collected for in-process tests: WhiteNoise need not look for the folder.
STATIC_ROOT = None
