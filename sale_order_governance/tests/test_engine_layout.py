# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .request_common import RequestCase


@tagged("post_install", "-at_install")
class TestEngineLayout(RequestCase):
    """The engine is declarative: governed models are found by what they
    declare, a request's state follows its review, evidence has the labels
    of the record it belongs to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_change_stages(
            ("Change: Sales", cls.sales_manager, "sales", False, 10),
        )

    def test_governed_models_found_by_what_they_declare(self):
        Stage = self.env["sale.review.stage"]
        self.assertEqual(
            Stage._governed_models(),
            {
                "order": "sale.order",
                "change": "sale.order.change.request",
                "cancel": "sale.order.cancel.request",
            },
        )
        labels = dict(Stage.with_context(lang="en_US")._selection_applies_to())
        self.assertEqual(labels["change"], "Change Request")
        stage = self._create_stage("Cancel: GM", self.general_manager)
        stage.applies_to = "cancel"
        self.assertEqual(stage.model_name, "sale.order.cancel.request")
        # The review report offers the same kinds.
        report_kinds = dict(
            self.env["sale.review.report"]
            ._fields["request_type"]
            ._description_selection(self.env)
        )
        self.assertEqual(set(report_kinds), {"order", "change", "cancel"})

    def test_request_state_follows_review_then_outcome(self):
        order = self._confirmed_order()
        request = self._change_request(order, {order.order_line: {"new_qty": 3.0}})
        self.assertEqual(
            (request.state, request.review_state), ("draft", "not_submitted")
        )
        request.with_user(self.salesperson).action_submit()
        self.assertEqual(
            (request.state, request.review_state), ("in_review", "in_review")
        )
        review = request.governance_review_ids
        review.with_user(self.sales_manager).action_request_changes("Say why")
        self.assertEqual(
            (request.state, request.review_state, request.outcome),
            ("draft", "changes", False),
        )
        request.with_user(self.salesperson).action_submit()
        self._approve_request(request, self.sales_manager)
        self.assertEqual((request.state, request.outcome), ("approved", False))
        request.with_user(self.salesperson).action_apply()
        self.assertEqual((request.state, request.outcome), ("applied", "applied"))
        self.assertEqual(request.review_state, "approved")

    def test_withdrawn_request_reopens_as_draft(self):
        order = self._confirmed_order()
        request = self._change_request(order, {order.order_line: {"new_qty": 4.0}})
        request.with_user(self.salesperson).action_submit()
        request.with_user(self.salesperson).action_cancel()
        self.assertEqual((request.state, request.outcome), ("cancelled", "cancelled"))
        self.assertEqual(request.governance_review_ids.state, "cancelled")
        request.with_user(self.salesperson).action_draft()
        self.assertEqual((request.state, request.outcome), ("draft", False))

    def test_outcome_and_state_not_writable_by_the_requester(self):
        order = self._confirmed_order()
        request = self._change_request(order, {order.order_line: {"new_qty": 5.0}})
        for vals in ({"outcome": "applied"}, {"state": "applied"}):
            with self.assertRaisesRegex(UserError, "cannot be written"):
                request.with_user(self.salesperson).write(vals)
            with self.assertRaisesRegex(UserError, "cannot be given"):
                self._change_request(
                    order, {order.order_line: {"new_qty": 6.0}}, **vals
                )
        self.assertEqual((request.state, request.outcome), ("draft", False))
        self.assertFalse(order.change_request_ids.filtered("outcome"))

    def test_request_evidence_rendered_with_request_labels(self):
        order = self._confirmed_order()
        request = self._change_request(order, {order.order_line: {"new_qty": 7.0}})
        request.with_user(self.salesperson).action_submit()
        review = request.governance_review_ids
        html = str(review.with_context(lang="en_US").evidence_html)
        self.assertIn("Amount change", html)
        self.assertIn("Quantity after", html)
        self.assertNotIn("amount_delta", html)
        # The order's evidence has no request labels to look up.
        self.assertNotIn(
            "amount_delta", self.env["sale.order"]._review_evidence_labels()
        )
