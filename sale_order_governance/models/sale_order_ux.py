# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SaleOrder(models.Model):
    """What the salesperson's order form shows: one primary action."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    governance_confirm_blocked = fields.Boolean(
        string="Confirmation Blocked",
        compute="_compute_governance_blocking_reason",
        help="The quotation cannot be confirmed now (review or credit control): "
        "the form offers the next step instead of Confirm.",
    )

    def _governance_demo_approve_until(self, sequence):
        """Demo data: submitted by the salesperson, the reviews of the steps
        before ``sequence`` approved, so that the next step has work."""
        for order in self:
            order.with_user(order.user_id).action_submit_for_review()
            while True:
                pending = order.governance_review_ids.filtered(
                    lambda review: (
                        review.state == "pending"
                        and review.stage_id.sequence < sequence
                    )
                )
                if not pending:
                    break
                for review in pending:
                    review.with_user(review.reviewer_user_ids[:1]).action_approve()

    # ------------------------------------------------------------
    # VIEWS
    # ------------------------------------------------------------

    @api.model
    def _governance_required_field_names(self):
        """Order fields the completeness check of the current company asks for."""
        rules = (
            self.env["sale.governance.required.field"]
            .sudo()
            .search([("company_id", "in", [False, self.env.company.id])])
        )
        return frozenset(rules.mapped("field_id.name"))

    @api.model
    def _get_view_cache_key(self, view_id=None, view_type="form", **options):
        key = super()._get_view_cache_key(view_id, view_type, **options)
        if view_type == "form":
            key += (tuple(sorted(self._governance_required_field_names())),)
        return key

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """No placeholder standing for a value the completeness check reports
        as missing (Odoo's "Immediate" payment terms, for instance)."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "form":
            for name in self._governance_required_field_names():
                path = f"//field[@name='{name}'][@placeholder][not(ancestor::field)]"
                for node in arch.xpath(path):
                    node.attrib.pop("placeholder")
        return arch, view
