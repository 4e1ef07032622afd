"""Root pytest configuration: which tier runs; a loud notice when tier 2 does not; the
reliability figures at the end."""

import json
import os
import tempfile

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


FIGURES = "AMAZON_CONNECTOR_FIGURES"  # see amazon_connector/tests/figures.py


def pytest_configure(config):
    if _tier2_active(config) and not os.environ.get(FIGURES):
        handle, path = tempfile.mkstemp(prefix="amazon-figures-", suffix=".jsonl")
        os.close(handle)
        os.environ[FIGURES] = path
        config._amazon_figures = path


def pytest_unconfigure(config):
    path = getattr(config, "_amazon_figures", None)
    if path and os.path.exists(path):
        os.unlink(path)


def _print_figures(terminalreporter):
    path = os.environ.get(FIGURES)
    if not path or not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as report:
        tables = [json.loads(line) for line in report if line.strip()]
    if not tables:
        return
    terminalreporter.section("Reliability figures", sep="=", bold=True)
    for table in tables:
        rows = table["rows"]
        if not rows:
            continue
        terminalreporter.write_line(f"\n{table['section']}", bold=True)
        keys = list(rows[0])
        widths = {
            k: max(len(k), *(len(str(row.get(k, ""))) for row in rows)) for k in keys
        }
        terminalreporter.write_line("  ".join(k.ljust(widths[k]) for k in keys))
        for row in rows:
            terminalreporter.write_line(
                "  ".join(str(row.get(k, "")).ljust(widths[k]) for k in keys)
            )


def pytest_report_header(config):
    if _tier2_active(config):
        database = config.getoption("--odoo-database")
        return f"tiers: 1 (amazon_sp, sandbox) and 2 (Odoo addon, database {database})"
    return "tiers: 1 only (amazon_sp, sandbox); tier 2 (the Odoo addon) is NOT run"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _tier2_active(config):
        _print_figures(terminalreporter)
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
