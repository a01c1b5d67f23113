"""Run pytest on a throwaway PostgreSQL: `python -m tests.support.pytest_on_postgres [pytest arguments]`.

The suite runs on SQLite; `make test` runs the database code's tests again
here, where the engine sends its batches differently (collab.store.write_rows).
"""

import os
import subprocess
import sys

from tests.support.services import postgres_server

if __name__ == "__main__":
    with postgres_server() as database_url:
        completed = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *sys.argv[1:]],
                                   env={**os.environ, "DATABASE_URL": database_url})
    sys.exit(completed.returncode)
