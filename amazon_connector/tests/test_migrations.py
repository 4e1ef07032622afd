"""Upgrades: what an existing database keeps."""

import importlib.util
from pathlib import Path

from odoo.tests import tagged

from .common import AmazonImportCommon

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def _migration(version, name):
    path = MIGRATIONS / version / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"amazon_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigrations(AmazonImportCommon):
    def test_accounts_from_before_invoicing_keep_invoicing_by_hand(self):
        migrate = _migration("19.0.1.1.0", "pre-migrate").migrate
        cr = self.env.cr
        self.env.flush_all()
        # The database as the version before invoicing left it: accounts, no
        # invoicing policy.
        cr.execute("SELECT count(*) FROM amazon_account")
        self.assertGreater(cr.fetchone()[0], 0)
        cr.execute("ALTER TABLE amazon_account DROP COLUMN invoice_policy")
        migrate(cr, "19.0.1.0.0")
        cr.execute("SELECT DISTINCT invoice_policy FROM amazon_account")
        self.assertEqual(cr.fetchall(), [("manual",)])
        # Run again (the column is there): nothing changes.
        cr.execute("UPDATE amazon_account SET invoice_policy = 'on_shipment'")
        migrate(cr, "19.0.1.0.0")
        cr.execute("SELECT DISTINCT invoice_policy FROM amazon_account")
        self.assertEqual(cr.fetchall(), [("on_shipment",)])

    def test_a_new_installation_is_left_to_the_default(self):
        migrate = _migration("19.0.1.1.0", "pre-migrate").migrate
        cr = self.env.cr
        self.env.flush_all()
        cr.execute("ALTER TABLE amazon_account DROP COLUMN invoice_policy")
        migrate(cr, None)
        cr.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = "
            "'amazon_account' AND column_name = 'invoice_policy'"
        )
        self.assertFalse(cr.fetchone())
