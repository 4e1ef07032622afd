"""Accounts that existed before automatic invoicing keep invoicing by hand.

New accounts post an invoice when Amazon ships (``invoice_policy`` defaults to
``on_shipment``); an account upgraded from a version without invoicing was invoiced by
hand until now, and must not start posting invoices for every order it ever shipped.
The column is created here, before Odoo creates it with the default for every row.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        SELECT 1 FROM information_schema.columns
         WHERE table_name = 'amazon_account' AND column_name = 'invoice_policy'
        """
    )
    if cr.fetchone():
        return
    cr.execute("ALTER TABLE amazon_account ADD COLUMN invoice_policy varchar")
    cr.execute("UPDATE amazon_account SET invoice_policy = 'manual'")
