# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reviewers read the orders they review, post in their chatter, edit nothing."""

from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # Who may read an order may write in its chatter (message or note), as in
    # Odoo's own helpdesk tickets: reviewers ask the salesperson there. Editing
    # the order, or a message, still needs write access on the order.
    _mail_post_access = "read"

    governance_can_edit = fields.Boolean(
        string="Can Edit",
        compute="_compute_governance_can_edit",
        help="The current user may change this order: buttons that change it "
        "are hidden from those who may only read it, such as its reviewers.",
    )

    @api.depends_context("uid")
    def _compute_governance_can_edit(self):
        editable = self._filtered_access("write") if self.ids else self
        for order in self:
            order.governance_can_edit = not order.id or order in editable

    def _governance_changes_review(self):
        """The latest request for changes, while the order waits for them."""
        self.ensure_one()
        if self.review_state != "changes":
            return self.env["sale.order.review"]
        # sudo: the salesperson reads what any reviewer asked of them.
        return (
            self.env["sale.order.review"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("state", "=", "changes"),
                ],
                order="decided_at desc, id desc",
                limit=1,
            )
        )

    def _governance_review_reasons(self):
        if self.state == "sale" or self.review_state != "changes":
            return super()._governance_review_reasons()
        review = self._governance_changes_review()
        return [
            self.env._(
                "Order %(order)s was sent back for changes by %(user)s at "
                "review %(stage)s: “%(comment)s”. Change it and submit it for "
                "review again.",
                order=self.name,
                user=review._decider_label(),
                stage=review.stage_id.name,
                comment=(review.comment or "").strip(),
            )
        ]
