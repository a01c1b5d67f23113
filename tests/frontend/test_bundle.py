"""The committed editor bundle and its licences file are exactly what `npm run build` makes from frontend/src."""

import subprocess

from tests.support.node import ROOT, node_env, require_node

BUNDLE = ROOT / "frontend" / "static" / "frontend" / "editor.js"
LICENCES = BUNDLE.with_name("editor.js.LICENSES.txt")


def test_npm_run_build_reproduces_the_committed_bundle_and_its_licences():
    require_node()
    committed = {path: path.read_bytes() for path in (BUNDLE, LICENCES)}
    subprocess.run(["npm", "run", "--silent", "build"], cwd=ROOT / "frontend", env=node_env(), check=True, capture_output=True)
    for path, content in committed.items():
        assert path.read_bytes() == content, f"{path.relative_to(ROOT)} is stale: commit what `npm run build` made"


def test_every_bundled_package_has_its_licence_in_the_file():
    text = LICENCES.read_text()
    for package in ("sharedb", "ot-text-unicode", "@codemirror/view", "@codemirror/state", "reconnecting-websocket"):
        assert f"\n{package} " in text, package
    assert text.count("Permission") >= 10


def test_the_node_unit_tests_pass():
    require_node()
    result = subprocess.run(["node", "--test", "tests/"], cwd=ROOT / "frontend", env=node_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
