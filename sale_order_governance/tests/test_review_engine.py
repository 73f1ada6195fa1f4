# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import GovernanceCase


@tagged("post_install", "-at_install")
class TestReviewEngine(GovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_sales = cls._create_stage("Sales Manager", cls.sales_manager, 10)
        cls.stage_finance = cls._create_stage(
            "Finance", cls.finance_user, 20, department="finance"
        )
        cls.stage_warehouse = cls._create_stage(
            "Warehouse", cls.warehouse_user, 20, department="warehouse"
        )

    def test_sequence_then_parallel_then_confirm(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(order.review_state, "in_review")
        self.assertEqual(
            order.review_ids.filtered(lambda r: r.state == "pending").stage_id,
            self.stage_sales,
        )
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).action_confirm()
        self._approve_pending(order, self.sales_manager)
        pending = order.review_ids.filtered(lambda r: r.state == "pending")
        self.assertEqual(pending.stage_id, self.stage_finance | self.stage_warehouse)
        self._approve_pending(order, self.finance_user)
        self.assertEqual(order.review_state, "in_review")
        self._approve_pending(order, self.warehouse_user)
        self.assertEqual(order.review_state, "approved")
        self.assertTrue(all(r.evidence for r in order.review_ids))
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_four_eyes(self):
        order = self._create_order(user=self.sales_manager)
        other = self._create_stage("Sales 2", self.salesperson | self.sales_manager, 5)
        order.with_user(self.sales_manager).action_submit_for_review()
        review = order.review_ids.filtered(lambda r: r.stage_id == other)
        self.assertEqual(review.reviewer_user_ids, self.salesperson)
        with self.assertRaises(AccessError):
            review.with_user(self.finance_user).action_approve()
