import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test of the installed site shows the server's log: most failures are explained there."""
    outcome = yield
    report = outcome.get_result()
    site = item.funcargs.get("mysite")
    if report.failed and site is not None:
        report.sections.append(("daphne log (the fresh project's server)", site.log_tail()))
