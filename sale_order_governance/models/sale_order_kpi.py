# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the KPIs count from: the first confirmation and the promised date.

A cancelled order keeps the date it was first confirmed, so that the cancel
rate counts confirmed orders later cancelled, not abandoned quotations. The
promised date is the delivery date as the order was approved and confirmed
(or as an approved change request moved it): fulfilment lateness counts
from it (政策 002 §12).
"""

from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    governance_confirmed_date = fields.Datetime(
        string="First Confirmed On",
        readonly=True,
        copy=False,
        help="When the order was first confirmed; kept if it is cancelled later. "
        "The cancel and change rates count the orders that have it.",
    )
    governance_promised_date = fields.Datetime(
        string="Promised Delivery Date",
        readonly=True,
        copy=False,
        help="The delivery date as the order was approved and confirmed, or as "
        "an approved change request moved it. Deliveries and manufacturing "
        "orders finished after it are late.",
    )

    def _action_confirm(self):
        res = super()._action_confirm()
        now = fields.Datetime.now()
        for order in self:
            vals = {"governance_promised_date": order.commitment_date}
            if not order.governance_confirmed_date:
                vals["governance_confirmed_date"] = now
            # The engine's bookkeeping; the salesperson confirms.
            order._governance_engine_write(vals)
        return res


class SaleOrderChangeRequest(models.Model):
    _inherit = "sale.order.change.request"  # pylint: disable=consider-merging-classes-inherited

    def _apply_finish(self, order):
        res = super()._apply_finish(order)
        if self.touches_date:
            # The new date was approved with the change: it is the promise now.
            order._governance_engine_write(
                {"governance_promised_date": self.new_commitment_date}
            )
        return res
