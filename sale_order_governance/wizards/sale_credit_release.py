# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models


class SaleCreditRelease(models.TransientModel):
    """A credit controller releases one order: reason, amount, expiry."""

    _name = "sale.credit.release"
    _description = "Release an Order Blocked by Credit Control"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    partner_id = fields.Many2one(
        related="order_id.partner_id.commercial_partner_id", string="Customer"
    )
    currency_id = fields.Many2one(related="order_id.company_id.currency_id")
    credit_exposure = fields.Monetary(related="order_id.credit_exposure")
    credit_limit_active = fields.Monetary(related="order_id.credit_limit_active")
    credit_blocked_reason = fields.Text(related="order_id.credit_blocked_reason")
    amount = fields.Monetary(
        string="Allowed Exposure",
        compute="_compute_amount",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="Credit exposure up to which the order may proceed; a later increase "
        "beyond it blocks the order again.",
    )
    expiry_date = fields.Date(
        string="Valid Until",
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=7),
    )
    reason = fields.Text(required=True)

    @api.depends("order_id")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = wizard.order_id.credit_exposure

    def action_release(self):
        self.ensure_one()
        self.env["sale.credit.override"].create(
            {
                "order_id": self.order_id.id,
                "amount": self.amount,
                "expiry_date": self.expiry_date,
                "reason": self.reason,
            }
        )
        return {"type": "ir.actions.act_window_close"}
