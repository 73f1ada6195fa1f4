# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SaleOrderReviewReassign(models.TransientModel):
    _name = "sale.order.review.reassign"
    _description = "Reassign Reviews"

    review_ids = fields.Many2many("sale.order.review", string="Reviews", readonly=True)
    user_ids = fields.Many2many(
        "res.users",
        string="New Reviewers",
        required=True,
        domain=[("share", "=", False)],
    )
    reason = fields.Text(required=True)

    def action_reassign(self):
        self.ensure_one()
        self.review_ids._reassign(self.user_ids, self.reason)
        return {"type": "ir.actions.act_window_close"}
