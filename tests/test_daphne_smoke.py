import urllib.request

from tests.support.daphne import running_daphne


def test_daphne_serves_the_login_page_and_static_files(tmp_path):
    with running_daphne(f"sqlite:///{tmp_path / 'db.sqlite3'}") as base:
        with urllib.request.urlopen(base + "/accounts/login/") as response:
            assert response.status == 200
            assert "Sign in" in response.read().decode()
        with urllib.request.urlopen(base + "/static/admin/css/base.css") as response:
            assert response.status == 200
    # WAL mode was switched on by the connection's init command.
    assert (tmp_path / "db.sqlite3-wal").exists() or (tmp_path / "db.sqlite3").read_bytes()[18:20] == b"\x02\x02"
