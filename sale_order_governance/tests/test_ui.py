# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from .common import GovernanceCase


@tagged("post_install", "-at_install")
class TestReviewTours(HttpCase, GovernanceCase):
    """Salesperson submits, the reviewer approves, the salesperson confirms."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_stage("Sales Manager", cls.sales_manager, 10)

    def test_submit_review_confirm(self):
        order = self._create_order(client_order_ref="GOV-TOUR")
        order.name = "GOV-TOUR-1"
        self.start_tour(
            f"/odoo/sales/{order.id}",
            "sale_order_governance_submit_tour",
            login="gov_salesperson",
        )
        self.assertEqual(order.review_state, "in_review")
        self.start_tour(
            "/odoo/action-sale_order_governance.sale_order_review_action_mine",
            "sale_order_governance_approve_tour",
            login="gov_sales_manager",
        )
        self.assertEqual(order.review_state, "approved")
        self.start_tour(
            f"/odoo/sales/{order.id}",
            "sale_order_governance_confirm_tour",
            login="gov_salesperson",
        )
        self.assertEqual(order.state, "sale")
