"""Root pytest configuration: which tier runs; a loud notice when tier 2 does not."""

import os

ADDON_DIR = "amazon_connector"


def _tier2_active(config):
    return config.pluginmanager.has_plugin("odoo") and bool(
        config.getoption("--odoo-database", default=None)
    )


def pytest_ignore_collect(collection_path, config):
    # The addon's tests import odoo: collect them only when pytest-odoo runs them.
    if ADDON_DIR in collection_path.parts and not _tier2_active(config):
        return True
    return None


def pytest_report_header(config):
    if _tier2_active(config):
        database = config.getoption("--odoo-database")
        return f"tiers: 1 (amazon_sp, sandbox) and 2 (Odoo addon, database {database})"
    return "tiers: 1 only (amazon_sp, sandbox); tier 2 (the Odoo addon) is NOT run"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _tier2_active(config):
        return
    reason = os.environ.get("AMAZON_TIER2_SKIPPED") or "pytest-odoo was not enabled"
    terminalreporter.section("TIER 2 SKIPPED", sep="!", red=True, bold=True)
    terminalreporter.write_line(
        f"The Odoo addon tests (amazon_connector/tests) did NOT run: {reason}.",
        red=True,
        bold=True,
    )
    terminalreporter.write_line(
        "Run ./run-tests where Odoo 19 and PostgreSQL are installed to run both tiers.",
        red=True,
        bold=True,
    )
