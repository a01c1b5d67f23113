import subprocess
import sys

from tests.support.daphne import ROOT, site_env


def run_check(**overrides):
    env = site_env("sqlite:////tmp/unused.sqlite3")
    env.update(overrides)
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)


def test_a_bad_variable_stops_startup_with_one_line():
    result = run_check(DEBUG="0", SECRET_KEY="")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration error: SECRET_KEY is not set: set it to a long random string, or set DEBUG=1 for development."
    ]


def test_a_bad_database_url_names_the_variable():
    result = run_check(DATABASE_URL="mysql://u@h/db")
    assert result.returncode == 1
    assert result.stderr.startswith("Configuration error: DATABASE_URL=")


def test_good_variables_start():
    assert run_check(DEBUG="0", SECRET_KEY="s" * 50, ALLOWED_HOSTS="docs.example.com").returncode == 0
