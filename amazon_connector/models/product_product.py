from odoo import api, models

from .. import const

MODULE = "amazon_connector"


class ProductProduct(models.Model):
    _inherit = "product.product"

    # === BUSINESS METHODS === #

    @api.model
    def _amazon_default_product(self, kind):
        """Return the default product of a kind, re-creating it if it was deleted.

        :param str kind: ``sale`` or ``shipping`` (see ``const.DEFAULT_PRODUCTS``).
        :return: the product.
        :rtype: product.product
        """
        xmlid = f"{MODULE}.{const.DEFAULT_PRODUCTS[kind]}"
        product = self.env.ref(xmlid, raise_if_not_found=False)
        if product:
            return product
        return self._amazon_restore_default_product(kind)

    @api.model
    def _amazon_restore_default_product(self, kind):
        """Re-create a deleted default product, with its XML id, as in the data file."""
        values = {
            "sale": {
                "name": self.env._("Amazon Sale"),
                "type": "consu",
                "list_price": 0.0,
                "sale_ok": True,
                "purchase_ok": False,
                "invoice_policy": "order",
                "description_sale": self.env._(
                    "Used for Amazon order items whose SKU matches no offer or product."
                ),
            },
            "shipping": {
                "name": self.env._("Amazon Shipping"),
                "type": "service",
                "list_price": 0.0,
                "sale_ok": True,
                "purchase_ok": False,
                "invoice_policy": "order",
                "description_sale": self.env._(
                    "Used for Amazon shipping charges whose service level matches no "
                    "product."
                ),
            },
        }[kind]
        product = self.sudo().create(values)
        name = const.DEFAULT_PRODUCTS[kind]
        data = self.env["ir.model.data"].sudo()
        data.search([("module", "=", MODULE), ("name", "=", name)]).unlink()
        data.create(
            {
                "module": MODULE,
                "name": name,
                "model": "product.product",
                "res_id": product.id,
                "noupdate": True,
            }
        )
        return product.sudo(False)

    @api.model
    def _amazon_ensure_default_products(self):
        """Make sure every default product exists (called at install and update)."""
        return self.browse(
            [self._amazon_default_product(kind).id for kind in const.DEFAULT_PRODUCTS]
        )

    @api.model
    def _amazon_action_open_default_products(self):
        """Return the action that lists the default products, restoring deleted ones."""
        products = self._amazon_ensure_default_products()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Amazon Default Products"),
            "res_model": "product.product",
            "view_mode": "list,form",
            "domain": [("id", "in", products.ids)],
            "context": {"create": False},
        }
