"""The site's settings with a fixed key, so the suite needs no environment."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret-" + "x" * 40)

from config.settings import *  # noqa: E402,F403

# Users are made by the hundred in tests: a deliberately slow hash would be most of the run.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Nothing is collected for in-process tests: WhiteNoise need not look for the folder.
STATIC_ROOT = None

# The test database is a file in WAL mode, as the site runs, not Django's shared-cache
# in-memory default: there a reader meets a writer's open transaction with "database
# table is locked" at once instead of reading the last commit. Django removes the file at the
# end; tests/conftest.py removes its -wal and -shm companions.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(
        "/dev/shm" if os.access("/dev/shm", os.W_OK) else tempfile.gettempdir(), f"collab-tests-{os.getpid()}.sqlite3")}
