"""Figures the reliability tests report (runs, faults injected, orders lost...).

Each test records a table; under pytest the repository's conftest prints them all at
the end of the session (``AMAZON_CONNECTOR_FIGURES`` names the file they go through),
and under Odoo's own test runner they are logged.
"""

import json
import logging
import os

_logger = logging.getLogger(__name__)

ENVIRONMENT = "AMAZON_CONNECTOR_FIGURES"


def record(section, rows):
    """Report a table of figures.

    :param str section: what was measured, e.g. "Faults".
    :param list rows: one dict per line, the same keys in each.
    """
    line = json.dumps({"section": section, "rows": rows}, default=str)
    _logger.info("Reliability figures: %s", line)
    path = os.environ.get(ENVIRONMENT)
    if path:
        with open(path, "a", encoding="utf-8") as report:
            report.write(line + "\n")
