# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GovernanceCase
from .request_common import RequestCase


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


@tagged("post_install", "-at_install")
class TestCreditTours(HttpCase, GovernanceCase):
    """Credit blocks the order, the controller releases it, the salesperson confirms.

    No review stage is active (GovernanceCase archives them): only credit
    control stands between the quotation and its confirmation.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.customer.write({"is_company": True})
        cls.customer.with_company(cls.company).write(
            {"use_partner_credit_limit": True, "credit_limit": 1000.0}
        )
        cls.controller = new_test_user(
            cls.env,
            login="gov_credit_controller",
            groups="sale_order_governance.group_credit_controller",
            name="Carla Credit",
        )

    def test_credit_block_release_confirm(self):
        order = self._create_order(lines=[(self.product, 15, 100.0)])
        order.name = "GOV-CREDIT-1"
        self.assertTrue(order.credit_blocked)
        self.start_tour(
            f"/odoo/sales/{order.id}",
            "sale_order_governance_credit_blocked_tour",
            login="gov_salesperson",
        )
        self.assertIn(order.state, ("draft", "sent"))
        self.assertFalse(order.credit_override_ids)
        decision = self.env.ref(
            "sale_order_governance.mail_activity_type_credit_decision"
        )
        self.assertEqual(
            order.activity_ids.filtered(
                lambda act: act.activity_type_id == decision
            ).user_id,
            self.controller,
        )
        self.start_tour(
            "/odoo",
            "sale_order_governance_credit_release_tour",
            login="gov_credit_controller",
        )
        today = fields.Date.context_today(order)
        self.assertRecordValues(
            order.credit_override_ids,
            [
                {
                    "approved_by_id": self.controller.id,
                    "partner_id": self.customer.id,
                    "amount": 2500.0,
                    "expiry_date": today + timedelta(days=30),
                    "reason": "Strategic customer, pays on time",
                    "is_valid": True,
                }
            ],
        )
        self.assertFalse(order.credit_blocked)
        self.assertIn(order.state, ("draft", "sent"))
        self.assertFalse(
            order.activity_ids.filtered(lambda act: act.activity_type_id == decision)
        )
        self.assertIn(
            "Credit released: confirm the order",
            order.activity_ids.filtered(
                lambda act: act.user_id == self.salesperson
            ).mapped("summary"),
        )
        self.start_tour(
            f"/odoo/sales/{order.id}",
            "sale_order_governance_credit_confirm_tour",
            login="gov_salesperson",
        )
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.picking_ids)


@tagged("post_install", "-at_install")
class TestChangeRequestTours(HttpCase, RequestCase):
    """The salesperson requests a change, two reviewers approve, it is applied."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_stage(
            "Production (changes)",
            cls.production_user,
            10,
            department="production",
            applies_to="change",
            domain="[('touches_quantity', '=', True)]",
        )
        cls._create_stage(
            "Purchasing (changes)",
            cls.purchase_user,
            20,
            department="purchase",
            applies_to="change",
            domain="[('touches_quantity', '=', True)]",
        )

    def test_request_approve_apply(self):
        order = self._confirmed_order(lines=[(self.product, 2, 100.0)])
        line = order.order_line
        self.assertEqual(self._move_qty(order, self.product), 2.0)
        self.start_tour(
            f"/odoo/sales/{order.id}",
            "sale_order_governance_change_request_tour",
            login="gov_salesperson",
        )
        request = order.change_request_ids
        self.assertEqual(len(request), 1)
        self.assertRecordValues(
            request,
            [
                {
                    "state": "in_review",
                    "requested_by_id": self.salesperson.id,
                    "reason": "The customer needs five",
                    "touches_quantity": True,
                }
            ],
        )
        self.assertRecordValues(
            request.line_ids, [{"sale_line_id": line.id, "new_qty": 5.0}]
        )
        # Nothing changes on the order before the request is approved and applied.
        self.assertEqual(line.product_uom_qty, 2.0)
        url = (
            "/odoo/action-sale_order_governance.sale_order_change_request_action/"
            f"{request.id}"
        )
        for reviewer in (self.production_user, self.purchase_user):
            pending = request.governance_review_ids.filtered(
                lambda r: r.state == "pending"
            )
            self.assertEqual(pending.reviewer_user_ids, reviewer)
            self.start_tour(
                url, "sale_order_governance_change_approve_tour", login=reviewer.login
            )
            self.assertRecordValues(
                pending, [{"state": "approved", "decided_by_id": reviewer.id}]
            )
        self.assertEqual(request.state, "approved")
        self.assertEqual(line.product_uom_qty, 2.0)
        self.start_tour(
            url, "sale_order_governance_change_apply_tour", login="gov_salesperson"
        )
        self.assertRecordValues(
            request, [{"state": "applied", "applied_by_id": self.salesperson.id}]
        )
        self.assertEqual(line.product_uom_qty, 5.0)
        self.assertEqual(self._move_qty(order, self.product), 5.0)


@tagged("post_install", "-at_install")
class TestReviewerTours(HttpCase, GovernanceCase):
    """A reviewer works through "My Reviews"; the salesperson resubmits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_stage("Sales Manager", cls.sales_manager, 10)
        cls.stage_finance = cls._create_stage(
            "Finance", cls.finance_user, 10, department="finance"
        )

    def _submitted(self, name):
        order = self._create_order(lines=[(self.product, 2, 100.0)])
        order.name = name
        order.with_user(self.salesperson).action_submit_for_review()
        return order

    def test_decide_move_on_and_resubmit(self):
        self.stage_finance.active = False
        orders = [self._submitted(f"GOV-NEXT-{index}") for index in (1, 2, 3)]
        self.start_tour(
            "/odoo/action-sale_order_governance.sale_order_review_action_mine",
            "sale_order_governance_review_next_tour",
            login="gov_sales_manager",
        )
        self.assertEqual(
            [order.review_state for order in orders],
            ["approved", "approved", "changes"],
        )
        sent_back = orders[2].governance_review_ids
        self.assertRecordValues(
            sent_back,
            [{"state": "changes", "comment": "Deliver in two lots"}],
        )
        self.start_tour(
            f"/odoo/sales/{orders[2].id}",
            "sale_order_governance_changes_resubmit_tour",
            login="gov_salesperson",
        )
        self.assertEqual(orders[2].review_state, "in_review")
        self.assertEqual(orders[2].governance_review_current_ids.round, 2)
        self.assertEqual(orders[2].governance_review_earlier_ids, sent_back)

    def test_reviewer_reads_and_writes_in_the_chatter(self):
        self.env["sale.review.stage"].search(
            [("name", "=", "Sales Manager")]
        ).active = False
        order = self._submitted("GOV-READ-1")
        self.assertEqual(
            order.governance_review_ids.reviewer_user_ids, self.finance_user
        )
        self.start_tour(
            "/odoo/action-sale_order_governance.sale_order_review_action_mine",
            "sale_order_governance_reviewer_readonly_tour",
            login="gov_finance",
        )
        message = order.message_ids.filtered(lambda msg: "two lots" in (msg.body or ""))
        self.assertEqual(message.author_id, self.finance_user.partner_id)
        self.assertEqual(message.message_type, "comment")
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.review_state, "in_review")
