from odoo import fields, models


class AmazonFirstImportWizard(models.TransientModel):
    _name = "amazon.first.import.wizard"
    _description = "Before the First Import of an Amazon Account"

    account_id = fields.Many2one(comodel_name="amazon.account", required=True)
    message = fields.Text(
        help="What the setup check of the account found, and what it would do to the "
        "orders imported now.",
        readonly=True,
    )

    # === ACTION METHODS === #

    def action_import(self):
        """Import now, as the user decided, despite what the check found."""
        self.ensure_one()
        return self.account_id.with_context(amazon_setup_seen=True).action_sync_orders()
