"""EU invoice upload of an Amazon account: for the marketplaces where the seller is
enrolled in Amazon's VAT Calculation Service with their own invoices, each posted
invoice and credit note is uploaded as Odoo's own PDF of it through the
``UPLOAD_VAT_INVOICE`` feed, and Amazon's processing report is read.

The state of each document is on the invoice (``amazon_upload_state``, see
``account_move.py``); this file runs the uploads (with the scheduled action "Amazon:
post invoices") and tells the accountant about refusals with one activity.
"""

import logging
import time

from odoo import fields, models

import amazon_sp
from amazon_sp import vat_invoices

_logger = logging.getLogger(__name__)

# Invoices looked at per round.
UPLOAD_BATCH = 50


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    invoice_upload_marketplace_ids = fields.Many2many(
        comodel_name="amazon.marketplace",
        relation="amazon_account_invoice_upload_rel",
        column1="account_id",
        column2="marketplace_id",
        string="Upload Invoices to Amazon",
        help="For sellers enrolled in Amazon's VAT Calculation Service (VCS) who issue "
        "their own invoices: each posted invoice and credit note of orders of these "
        "marketplaces is uploaded to Amazon as its PDF, with its number, totals and "
        "VAT.",
    )

    # === BUSINESS METHODS === #

    def _amazon_upload_invoices(self, seconds=None):
        """Upload the account's invoices waiting for it, and read what Amazon made of
        those sent; each document is committed by itself (nothing is uploaded twice:
        the feed id is recorded as soon as Amazon gives it), one refusal never
        blocks the others.

        :return: True when every document was looked at, False when time or
            Amazon's rate limits stopped it.
        """
        self.ensure_one()
        deadline = time.monotonic() + (seconds if seconds is not None else 1e9)
        Move = self.env["account.move"].sudo()
        last_id = 0
        done = True
        while done:
            moves = Move.search(
                [
                    ("amazon_account_id", "=", self.id),
                    ("amazon_upload_state", "=", "to_upload"),
                    ("state", "=", "posted"),
                    ("id", ">", last_id),
                ],
                order="id",
                limit=UPLOAD_BATCH,
            )
            if not moves:
                break
            last_id = moves[-1].id
            for move in moves.try_lock_for_update():
                if time.monotonic() > deadline:
                    done = False
                    break
                if not self._amazon_upload_one(move):
                    done = False
                    break
                self._amazon_commit()
        self._amazon_check_upload_refusals()
        return done

    def _amazon_upload_one(self, move):
        """Upload one document, or read its processing report.

        :return: False when the run must stop (throttled, Amazon unavailable or
            refusing the account), True otherwise.
        """
        try:
            if not move.amazon_upload_feed_ref:
                pdf = move._amazon_invoice_pdf()
                metadata = move._amazon_upload_metadata()
                marketplace = move.amazon_sale_order_id.amazon_marketplace_id.api_ref
                feed_id = self._amazon_call(
                    lambda c: vat_invoices.upload_invoice(
                        c, marketplace, pdf, metadata
                    ),
                    user_error=False,
                )
                move.write(
                    {
                        "amazon_upload_feed_ref": feed_id,
                        "amazon_upload_date": fields.Datetime.now(),
                    }
                )
                # Recorded before anything else can fail: never sent twice.
                self._amazon_commit()
            result = self._amazon_call(
                lambda c: vat_invoices.upload_result(c, move.amazon_upload_feed_ref),
                user_error=False,
            )
        except amazon_sp.InvalidInput as error:
            move._amazon_upload_refused(str(error))
            return True
        except (amazon_sp.Throttled, amazon_sp.Unavailable) as error:
            _logger.info("Invoice upload of account %s waits: %s", self.id, error)
            return False
        except (amazon_sp.AccessDenied, amazon_sp.InvalidCredentials) as error:
            self._amazon_notify_problem(self._amazon_error_message(error))
            return False
        except amazon_sp.AmazonError as error:
            move._amazon_upload_refused(str(error))
            return True
        if not result.finished:
            return True
        if result.accepted:
            move.write(
                {"amazon_upload_state": "uploaded", "amazon_upload_message": False}
            )
        else:
            move._amazon_upload_refused(result.message or result.text)
        return True

    def _amazon_check_upload_refusals(self):
        """One activity tells the accountant which invoices Amazon refused."""
        self.ensure_one()
        moves = self.env["account.move"].search(
            [
                ("amazon_account_id", "=", self.id),
                ("amazon_upload_state", "=", "refused"),
            ],
            order="id desc",
        )
        return self._amazon_cause_activity(
            "invoices_upload_refused",
            moves,
            self.env._("Amazon refused %(count)s uploaded invoices", count=len(moves)),
            self.env._(
                "Amazon refused these invoices or credit notes: each says why, in red. "
                "Fix what it says, then click Retry on the invoice."
            ),
            user=self.accountant_user_id or None,
            describe=lambda move: self.env._(
                "%(name)s: %(reason)s",
                name=move.name,
                reason=(move.amazon_upload_message or "")[:120],
            ),
        )
