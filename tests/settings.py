"""The site's settings with a fixed key, so the suite needs no environment."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret-" + "x" * 40)

from config.settings import *  # noqa: E402,F403
