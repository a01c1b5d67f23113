"""The committed editor bundle is exactly what `npm run build` makes from frontend/src."""

import subprocess

from tests.support.node import ROOT, node_env, require_node

BUNDLE = ROOT / "frontend" / "static" / "frontend" / "editor.js"


def test_npm_run_build_reproduces_the_committed_bundle():
    require_node()
    committed = BUNDLE.read_bytes()
    subprocess.run(["npm", "run", "--silent", "build"], cwd=ROOT / "frontend", env=node_env(), check=True, capture_output=True)
    assert BUNDLE.read_bytes() == committed, "frontend/static/frontend/editor.js is stale: commit the rebuilt bundle"


def test_the_node_unit_tests_pass():
    require_node()
    result = subprocess.run(["node", "--test", "tests/"], cwd=ROOT / "frontend", env=node_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
