# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .request_common import RequestCase


@tagged("post_install", "-at_install")
class TestCancelRequest(RequestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_sales = cls._create_stage(
            "Sales Manager (cancellations)",
            cls.sales_manager,
            10,
            department="sales",
            applies_to="cancel",
        )
        cls.stage_management = cls._create_stage(
            "Management (cancellations)",
            cls.general_manager,
            20,
            department="management",
            applies_to="cancel",
            domain="[('work_started', '=', True)]",
        )

    def test_direct_cancel_refused_on_confirmed_allowed_on_quotation(self):
        order = self._confirmed_order()
        picking = self._open_picking(order)
        with self.assertRaisesRegex(UserError, "Request cancellation"):
            order.with_user(self.salesperson).action_cancel()
        with self.assertRaisesRegex(UserError, "Request cancellation"):
            order.with_user(self.salesperson).write({"state": "cancel"})
        # Odoo's own cancel dialog ends in action_cancel as well.
        wizard = self.env["sale.order.cancel"].create({"order_id": order.id})
        with self.assertRaisesRegex(UserError, "Request cancellation"):
            wizard.with_user(self.salesperson).action_cancel()
        self.assertEqual(order.state, "sale")
        self.assertEqual(picking.state, "assigned")
        quotation = self._create_order()
        quotation.with_user(self.salesperson).action_cancel()
        self.assertEqual(quotation.state, "cancel")

    def test_not_started_sales_manager_approves_order_cancelled(self):
        order = self._confirmed_order()
        picking = self._open_picking(order)
        action = order.with_user(self.salesperson).action_request_cancellation()
        self.assertEqual(action["context"]["default_order_id"], order.id)
        request = self._cancel_request(order, note="Project stopped")
        self.assertTrue(request.name.startswith("CXL/"))
        self.assertRecordValues(
            request,
            [
                {
                    "order_progress": "not_started",
                    "work_started": False,
                    "cost_handling_required": False,
                    "state": "draft",
                }
            ],
        )
        self.assertEqual(request.open_picking_ids, picking)
        request.with_user(self.salesperson).action_submit()
        self.assertEqual(request.state, "in_review")
        self.assertEqual(request.governance_review_ids.stage_id, self.stage_sales)
        self.assertEqual(order.state, "sale")
        self._approve_request(request, self.sales_manager)
        self.assertEqual(request.state, "done")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(picking.state, "cancel")
        self.assertEqual(order.governance_cancel_request_count, 1)
        self.assertTrue(request.governance_review_ids.evidence)

    def test_fully_delivered_refused(self):
        order = self._confirmed_order()
        self._deliver(order, {self.product: 2.0})
        self.assertEqual(order.order_line.qty_delivered, 2.0)
        with self.assertRaisesRegex(UserError, "return .*credit note"):
            order.with_user(self.salesperson).action_request_cancellation()
        with self.assertRaisesRegex(UserError, "fully delivered or fully invoiced"):
            self._cancel_request(order)
        self.assertFalse(order.cancel_request_ids)
        self.assertEqual(order.state, "sale")

    def test_fully_invoiced_refused(self):
        order = self._confirmed_order([(self.service, 3, 50.0)])
        self._invoice(order)
        self.assertEqual(order.order_line.qty_invoiced, 3.0)
        with self.assertRaisesRegex(UserError, "credit note"):
            self._cancel_request(order)
        self.assertEqual(order.state, "sale")

    def test_started_requires_cost_handling_and_management(self):
        order = self._confirmed_order([(self.product, 5, 100.0)])
        done = self._deliver(order, {self.product: 2.0})
        backorder = self._open_picking(order)
        self.assertEqual(backorder.move_ids.product_uom_qty, 3.0)
        request = self._cancel_request(order)
        self.assertRecordValues(
            request,
            [
                {
                    "order_progress": "shipped",
                    "is_delivered": True,
                    "work_started": True,
                    "cost_handling_required": True,
                }
            ],
        )
        self.assertIn("Delivered: yes", request.assessment)
        with self.assertRaisesRegex(UserError, "Cost handling"):
            request.with_user(self.salesperson).action_submit()
        self.assertEqual(request.state, "draft")
        self.assertFalse(request.governance_review_ids)
        request.with_user(self.salesperson).write(
            {"cost_handling": "Customer keeps the 2 shipped units and pays them."}
        )
        request.with_user(self.salesperson).action_submit()
        self.assertEqual(
            request.governance_review_ids.stage_id,
            self.stage_sales | self.stage_management,
        )
        self._approve_request(request, self.sales_manager)
        self.assertEqual(order.state, "sale", "management has not approved yet")
        self._approve_request(request, self.general_manager)
        self.assertEqual(request.state, "done")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(backorder.state, "cancel")
        self.assertEqual(done.state, "done")

    def test_order_shipped_during_review_not_cancelled(self):
        order = self._confirmed_order([(self.product, 5, 100.0)])
        request = self._cancel_request(order)
        request.with_user(self.salesperson).action_submit()
        self.assertEqual(request.governance_review_ids.stage_id, self.stage_sales)
        self._deliver(order, {self.product: 1.0})
        backorder = self._open_picking(order)
        # The savepoint stands for the transaction of the reviewer's click.
        with (
            self.assertRaisesRegex(UserError, "progressed since cancel request"),
            self.env.cr.savepoint(),
        ):
            self._approve_request(request, self.sales_manager)
        self.assertEqual(request.state, "in_review")
        self.assertEqual(order.state, "sale")
        self.assertEqual(backorder.state, "assigned")
        self.assertEqual(request.governance_review_ids.state, "pending")

    def test_four_eyes_on_cancel_reviews(self):
        self.stage_sales.reviewer_user_ids |= self.general_manager
        order = self._confirmed_order(user=self.sales_manager)
        request = self._cancel_request(order, user=self.sales_manager)
        request.with_user(self.sales_manager).action_submit()
        review = request.governance_review_ids
        self.assertEqual(review.reviewer_user_ids, self.general_manager)
        with self.assertRaisesRegex(AccessError, "four-eyes"):
            review.with_user(self.sales_manager).action_approve()
        self.assertEqual(review.state, "pending")
        self.assertEqual(order.state, "sale")

    def test_non_reviewer_cannot_approve(self):
        order = self._confirmed_order()
        request = self._cancel_request(order)
        request.with_user(self.salesperson).action_submit()
        review = request.governance_review_ids
        for user in (self.finance_user, self.general_manager):
            with self.assertRaisesRegex(AccessError, "not a reviewer"):
                review.with_user(user).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.finance_user).action_review_approve()
        self.assertEqual(review.state, "pending")
        self.assertEqual(request.state, "in_review")
        self.assertEqual(order.state, "sale")

    def test_rejected_request_leaves_order_confirmed(self):
        order = self._confirmed_order()
        picking = self._open_picking(order)
        request = self._cancel_request(order)
        request.with_user(self.salesperson).action_submit()
        request.governance_review_ids.with_user(self.sales_manager).action_reject(
            "Customer must pay"
        )
        self.assertEqual(request.state, "rejected")
        self.assertEqual(order.state, "sale")
        self.assertEqual(picking.state, "assigned")
        with self.assertRaisesRegex(UserError, "already has an open cancel request"):
            self._cancel_request(order)
        request.with_user(self.salesperson).action_cancel()
        self.assertEqual(request.state, "cancelled")
        self.assertTrue(self._cancel_request(order))
