from odoo import api, fields, models
from odoo.exceptions import UserError


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # An activity that stands for a cause of an Amazon account ("orders whose totals
    # differ", "failed orders"...): one per account and cause, kept up to date by
    # amazon.account._amazon_cause_activity() while the cause lasts.
    amazon_cause = fields.Char(
        help="The Amazon account's problem this activity tells about.",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    amazon_cause_model = fields.Char(readonly=True, copy=False)
    amazon_cause_action = fields.Char(
        help="XML id of the window action that lists the records.",
        readonly=True,
        copy=False,
    )
    amazon_cause_ids = fields.Json(
        string="Amazon Cause Records",
        help="The records that had the cause when the activity was last updated.",
        readonly=True,
        copy=False,
    )

    # === ACTION METHODS === #

    @api.model
    def _amazon_action_open_cause(self, activity_id):
        """The list of the records an Amazon account's activity tells about (the link
        "Open them" of its note).

        :param int activity_id: the activity, as the link's URL gives it.
        :raise UserError: if the activity is done or unknown.
        """
        activity = self.with_context(active_test=False).browse(activity_id).exists()
        if not activity.amazon_cause_model or not activity.amazon_cause_ids:
            raise UserError(
                self.env._(
                    "This list is not kept any more: nothing has this problem now."
                )
            )
        values = {
            "name": activity.summary,
            "domain": [("id", "in", activity.amazon_cause_ids)],
            "context": {"create": False},
        }
        if activity.amazon_cause_action:
            action = self.env["ir.actions.act_window"]._for_xml_id(
                activity.amazon_cause_action
            )
            return {**action, **values}
        return {
            "type": "ir.actions.act_window",
            "res_model": activity.amazon_cause_model,
            "views": [(False, "list"), (False, "form")],
            **values,
        }
