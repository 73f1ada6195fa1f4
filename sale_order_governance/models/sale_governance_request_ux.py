# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SaleGovernanceRequestMixin(models.AbstractModel):
    """Change and cancel requests: the same words and buttons for the same
    actions, offered only to whoever may use them."""

    _inherit = "sale.governance.request.mixin"

    governance_can_withdraw = fields.Boolean(
        string="Can Withdraw",
        compute="_compute_governance_can_withdraw",
        help="The current user may withdraw this request: it is not over and "
        "they may edit it.",
    )

    @api.depends_context("uid")
    @api.depends("state")
    def _compute_governance_can_withdraw(self):
        for request in self:
            request.governance_can_withdraw = bool(
                request.id
                and request.state not in self._request_closed_states
                and request.has_access("write")
            )

    def action_cancel(self):
        res = super().action_cancel()
        # sudo: the activities belong to the responsible salesperson.
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        return res


class SaleOrderChangeRequest(models.Model):
    _inherit = "sale.order.change.request"  # pylint: disable=consider-merging-classes-inherited

    def action_apply(self):
        res = super().action_apply()
        # The "apply it to the order" activity is done once applied.
        # sudo: the activity may belong to another salesperson of the order.
        self.filtered(
            lambda request: request.state == "applied"
        ).sudo().activity_feedback(["mail.mail_activity_data_todo"])
        return res
