# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SaleOrderReviewDecision(models.TransientModel):
    _name = "sale.order.review.decision"
    _description = "Review Decision"

    review_ids = fields.Many2many("sale.order.review", string="Reviews", readonly=True)
    decision = fields.Selection(
        [
            ("approve", "Approve"),
            ("reject", "Reject"),
            ("changes", "Request Changes"),
        ],
        required=True,
        readonly=True,
    )
    comment = fields.Text(help="Required to reject or to request changes.")
    attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Documents",
        help="Documents kept with the decision, e.g. the signed contract.",
    )

    def _action_open(self, reviews, decision):
        wizard = self.create(
            {"review_ids": [fields.Command.set(reviews.ids)], "decision": decision}
        )
        return {
            "type": "ir.actions.act_window",
            "name": dict(self._fields["decision"]._description_selection(self.env))[
                decision
            ],
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "context": {
                "governance_from_list": self.env.context.get("governance_from_list")
            },
        }

    def action_confirm_decision(self):
        self.ensure_one()
        # sudo: every document given, also one the user may not read, is
        # judged by the decision, which refuses what is not the user's own.
        attachments = self.sudo().attachment_ids.ids
        if self.decision == "reject":
            self.review_ids.action_reject(self.comment, attachments)
        elif self.decision == "changes":
            self.review_ids.action_request_changes(self.comment, attachments)
        else:
            self.review_ids.action_approve(self.comment, attachments)
        decided = {"reject": "rejected", "changes": "changes"}
        return self.review_ids._decision_done_action(
            decided.get(self.decision, "approved"),
            self.env.context.get("governance_from_list"),
            in_dialog=True,
        )
