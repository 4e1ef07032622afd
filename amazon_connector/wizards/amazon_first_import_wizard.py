from odoo import fields, models
from odoo.tools import clean_context


class AmazonFirstImportWizard(models.TransientModel):
    _name = "amazon.first.import.wizard"
    _description = "Before the First Import of an Amazon Account"

    amazon_account_id = fields.Many2one(comodel_name="amazon.account", required=True)
    setup_message = fields.Text(
        help="What the setup check of the account found, and what it would do to the "
        "orders imported now.",
        readonly=True,
    )

    # === ACTION METHODS === #

    def action_import(self):
        """Import now, as the user decided, despite what the check found."""
        self.ensure_one()
        # The dialog's defaults are not the import's.
        account = self.amazon_account_id.with_context(
            clean_context(self.env.context), amazon_setup_seen=True
        )
        return account.action_sync_orders()
