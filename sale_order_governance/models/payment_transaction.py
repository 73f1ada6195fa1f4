# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"  # pylint: disable=consider-merging-classes-inherited

    def _check_amount_and_confirm_order(self):
        """Online payment door: a paid quotation that is not cleared stays.

        The payment is recorded as usual; the order is held for its reviews
        instead of being confirmed, and its salesperson is told.
        """
        # The hold check of the paid quotation and its confirmation share one
        # credit decision.
        with self.env["sale.order"]._credit_decision_scope():
            passing = self.browse()
            for tx in self:
                quotation = tx.sale_order_ids.filtered(
                    lambda so: so.state in ("draft", "sent")
                )
                if (
                    len(tx.sale_order_ids) == 1
                    and quotation
                    and quotation._is_confirmation_amount_reached()
                    and quotation._governance_blocking_reasons()
                ):
                    quotation._governance_hold_unattended(
                        self.env._(
                            "The customer paid %(amount)s online (%(reference)s)",
                            amount=tx.amount,
                            reference=tx.reference,
                        )
                    )
                else:
                    passing |= tx
            return super(PaymentTransaction, passing)._check_amount_and_confirm_order()
