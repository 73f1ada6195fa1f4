# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Quotations the customer accepts online (signature, payment) while the
gate still blocks them: held, submitted for review and handed to their
salesperson instead of confirmed."""

from odoo import models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # ONLINE ACCEPTANCE
    # ------------------------------------------------------------

    def _validate_order(self):
        """Unattended confirmation (portal signature, checkout): never raise.

        A signed or paid quotation that may not be confirmed yet is kept as a
        sent quotation, put through review and handed to its salesperson.
        """
        held = self.filtered(lambda order: order._governance_blocking_reasons())
        held._governance_hold_unattended(
            self.env._("The customer accepted the quotation online")
        )
        return super(SaleOrder, self - held)._validate_order()

    def _governance_hold_unattended(self, event):
        """Keep a blocked order visible and actionable instead of failing."""
        for order in self:
            # sudo: called from the portal, payment and checkout flows.
            order = order.sudo()
            if order.state == "draft":
                order.with_context(tracking_disable=True).action_quotation_sent()
            order._governance_engine_write({"governance_held_online": True})
            if order.review_state in ("not_submitted", "rejected", "changes"):
                missing = order._review_missing_items()
                if not missing:
                    try:
                        with self.env.cr.savepoint():
                            order.with_user(
                                order.user_id or order.create_uid
                            )._review_submit()
                    except UserError as error:
                        missing = [str(error)]
                if missing:
                    order._review_post(
                        self.env._(
                            "Could not submit for review: %(items)s",
                            items=", ".join(missing),
                        )
                    )
            reasons = order._governance_blocking_reasons()
            note = self.env._(
                "%(event)s, but the order cannot be confirmed yet: %(reasons)s "
                "Confirm it once it is cleared.",
                event=event,
                reasons=" ".join(reasons),
            )
            order._review_post(note)
            order._review_todo(
                self.env._("Accepted online: confirm once cleared"), note=note
            )
