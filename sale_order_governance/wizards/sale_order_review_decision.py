# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SaleOrderReviewDecision(models.TransientModel):
    _name = "sale.order.review.decision"
    _description = "Review Decision"

    review_ids = fields.Many2many("sale.order.review", string="Reviews", readonly=True)
    decision = fields.Selection(
        [("approve", "Approve"), ("reject", "Reject")], required=True, readonly=True
    )
    comment = fields.Text(help="Required to reject: the salesperson reads it.")

    def _action_open(self, reviews, decision):
        wizard = self.create(
            {"review_ids": [fields.Command.set(reviews.ids)], "decision": decision}
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject")
            if decision == "reject"
            else self.env._("Approve"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_confirm_decision(self):
        self.ensure_one()
        if self.decision == "reject":
            self.review_ids.action_reject(self.comment)
        else:
            self.review_ids.action_approve(self.comment)
        return {"type": "ir.actions.act_window_close"}
