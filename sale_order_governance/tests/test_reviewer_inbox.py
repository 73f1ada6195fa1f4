# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import importlib.util
from datetime import timedelta
from pathlib import Path

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .request_common import RequestCase

CHATTER_TYPES = ("comment", "notification", "email")


@tagged("post_install", "-at_install")
class TestReviewerInbox(RequestCase):
    """What a reviewer sees of the reviews waiting for them, and after deciding."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_sales = cls._create_stage("Sales Manager", cls.sales_manager, 10)
        cls.stage_change = cls._create_stage(
            "Finance (changes)",
            cls.finance_user,
            10,
            department="finance",
            applies_to="change",
        )

    def _submitted(self, **vals):
        order = self._create_order(**vals)
        order.with_user(self.salesperson).action_submit_for_review()
        return order

    def _pending(self, record):
        return record.governance_review_ids.filtered(
            lambda review: review.state == "pending"
        )

    def _chatter(self, record):
        return record.message_ids.filtered(
            lambda msg: msg.message_type in CHATTER_TYPES
        )

    def _request_in_review(self):
        self.stage_sales.active = False
        order = self._confirmed_order()
        self.stage_sales.active = True
        request = self._change_request(
            order,
            {order.order_line: {"new_qty": 3.0}},
            reason="Customer needs three\nCall before delivery",
        )
        request.with_user(self.salesperson).action_submit()
        return request

    # ------------------------------------------------------------
    # My Reviews
    # ------------------------------------------------------------

    def test_my_reviews_say_what_is_reviewed(self):
        order = self._submitted()
        request = self._request_in_review()
        Review = self.env["sale.order.review"].with_user(self.finance_user)
        mine = Review.search([("can_decide", "=", True)])
        self.assertEqual(mine.res_model, "sale.order.change.request")
        self.assertRecordValues(
            mine,
            [
                {
                    "review_type": "change",
                    "res_name": request.display_name,
                    "review_summary": "Customer needs three",
                    "partner_id": self.customer.id,
                    "amount_total": request.order_id.amount_total,
                }
            ],
        )
        self.assertIn("Change Request", mine.display_name)
        self.assertIn(request.display_name, mine.display_name)
        order_review = self._pending(order).with_user(self.sales_manager)
        self.assertRecordValues(
            order_review,
            [{"review_type": "order", "res_name": order.name, "review_summary": False}],
        )
        self.assertEqual(
            Review.search([("review_type", "=", "change"), ("can_decide", "=", True)]),
            mine,
        )
        self.assertFalse(
            Review.search([("review_type", "=", "order"), ("can_decide", "=", True)])
        )

    def test_request_reviews_are_named_as_such(self):
        request = self._request_in_review()
        review = self._pending(request)
        activity = review.activity_ids
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("sale_order_governance.mail_activity_type_request_review"),
        )
        self.assertIn("request", activity.summary)
        self.assertIn(request.display_name, activity.summary)
        review.with_user(self.finance_user).action_approve()
        bodies = " ".join(self._chatter(request).mapped("body"))
        self.assertNotIn("Order Review", bodies)
        self.assertNotIn("done", bodies)

    # ------------------------------------------------------------
    # Counters
    # ------------------------------------------------------------

    def test_activity_menu_counts_every_pending_review(self):
        due_today = self._submitted()
        later = self._submitted()
        # One review late, one due in a week: both counted.
        self._pending(due_today).sudo().write(
            {"deadline": fields.Datetime.now() - timedelta(days=2)}
        )
        self._pending(later).sudo().write(
            {"deadline": fields.Datetime.now() + timedelta(days=7)}
        )
        groups = (
            self.env["res.users"].with_user(self.sales_manager)._get_activity_groups()
        )
        reviews = [group for group in groups if group.get("governance_reviews")]
        self.assertEqual(len(reviews), 1)
        self.assertEqual(reviews[0]["total_count"], 2)
        self.assertEqual(reviews[0]["planned_count"], 1)
        self.assertEqual(reviews[0]["overdue_count"], 1)
        self.assertEqual(reviews[0]["model"], "sale.order.review")
        # The review activities are not counted a second time on the orders.
        self.assertFalse(
            [group for group in groups if group.get("model") == "sale.order"]
        )
        self._pending(due_today).with_user(self.sales_manager).action_approve()
        groups = (
            self.env["res.users"].with_user(self.sales_manager)._get_activity_groups()
        )
        reviews = [group for group in groups if group.get("governance_reviews")]
        self.assertEqual(reviews[0]["total_count"], 1)
        # The salesperson reviews nothing: no review group.
        groups = (
            self.env["res.users"].with_user(self.salesperson)._get_activity_groups()
        )
        self.assertFalse([group for group in groups if group.get("governance_reviews")])

    # ------------------------------------------------------------
    # After a decision
    # ------------------------------------------------------------

    def test_one_chatter_entry_per_decision(self):
        approved, rejected, sent_back = (self._submitted() for _i in range(3))
        for order, decide in (
            (approved, lambda review: review.action_approve("Fine")),
            (rejected, lambda review: review.action_reject("Too cheap")),
            (sent_back, lambda review: review.action_request_changes("Two lots")),
        ):
            before = self._chatter(order)
            decide(self._pending(order).with_user(self.sales_manager))
            new = self._chatter(order) - before
            self.assertEqual(len(new), 1, new.mapped("body"))
            self.assertEqual(new.author_id, self.sales_manager.partner_id)
        self.assertIn("Every review is approved", self._chatter(approved)[0].body)
        self.assertIn("Fine", self._chatter(approved)[0].body)

    def test_client_context_does_not_replace_the_decision_entry(self):
        """The buffer of a decision's chatter entry is the server's own: a
        client sending its key in the context neither breaks the decision
        nor loses its entry."""
        order = self._submitted()
        before = self._chatter(order)
        for forged in ({"bodies": {}}, "buffer", 1):
            with self.subTest(forged=forged):
                self.env.invalidate_all()
                review = self._pending(order).with_user(self.sales_manager)
                with self.env.cr.savepoint() as savepoint:
                    review.with_context(governance_post_buffer=forged).action_approve(
                        "Fine"
                    )
                    new = self._chatter(order) - before
                    self.assertEqual(len(new), 1, new.mapped("body"))
                    self.assertIn("Fine", new.body)
                    savepoint.rollback()

    def test_decision_notifies_and_opens_the_next_review(self):
        first, second = self._submitted(), self._submitted()
        review = self._pending(first).with_user(self.sales_manager)
        action = review.action_decide_approve()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("approved", action["params"]["message"])
        self.assertIn("1 review(s) left", action["params"]["message"])
        self.assertEqual(action["params"]["next"]["res_id"], self._pending(second).id)
        self.assertEqual(first.review_state, "approved")
        # From the list, the list is shown again with what is left.
        action = (
            self._pending(second)
            .with_user(self.sales_manager)
            .with_context(governance_from_list=True)
            .action_decide_approve()
        )
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")
        self.assertIn("Nothing else", action["params"]["message"])
        # A rejection from the dialog closes it.
        third = self._submitted()
        wizard_action = self._pending(third).with_user(self.sales_manager)
        wizard_action = wizard_action.with_context(
            governance_from_list=True
        ).action_open_reject_wizard()
        wizard = (
            self.env["sale.order.review.decision"]
            .with_user(self.sales_manager)
            .with_context(**wizard_action["context"])
            .browse(wizard_action["res_id"])
        )
        wizard.comment = "No"
        action = wizard.action_confirm_decision()
        self.assertEqual(
            action["params"]["next"]["type"], "ir.actions.act_window_close"
        )
        self.assertEqual(third.review_state, "rejected")
        # Nothing left: the reviewer goes back to My Reviews.
        self.assertEqual(
            self._pending(first)
            .with_user(self.sales_manager)
            .action_next_review()["res_model"],
            "sale.order.review",
        )

    # ------------------------------------------------------------
    # Request changes: one state, the comment in the banner
    # ------------------------------------------------------------

    def test_changes_requested_is_one_state_with_the_comment(self):
        order = self._submitted()
        review = self._pending(order)
        review.with_user(self.sales_manager).action_request_changes(
            "Deliver in two lots"
        )
        self.assertEqual(review.state, "changes")
        self.assertEqual(order.review_state, "changes")
        report = self.env["sale.review.report"].search([("review_id", "=", review.id)])
        self.assertEqual(report.state, "changes")
        banner = order.with_user(self.salesperson).governance_blocking_reason
        self.assertIn("Deliver in two lots", banner)
        self.assertIn("Sam Manager", banner)
        with self.assertRaisesRegex(UserError, "Deliver in two lots"):
            order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "draft")
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(order.review_state, "in_review")
        self.assertNotIn(
            "two lots", order.with_user(self.salesperson).governance_blocking_reason
        )

    def test_upgrade_gives_earlier_requests_for_changes_their_state(self):
        """Records sent back for changes before that state existed (a
        quotation with the flag) get it when the database is upgraded, not at
        every later update."""
        path = Path(__file__).parents[1] / "migrations/18.0.2.2.0"
        spec = importlib.util.spec_from_file_location(
            "pre_migration", path / "pre-migration.py"
        )
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        sent_back, plain = self._submitted(), self._submitted()
        self._pending(sent_back).with_user(self.sales_manager).action_request_changes(
            "Deliver in two lots"
        )
        # As the former version stored it.
        sent_back._governance_engine_write({"review_state": "not_submitted"})
        plain._review_reset("edited")
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.2.1.0")
        self.env.invalidate_all()
        self.assertEqual(sent_back.review_state, "changes")
        self.assertEqual(plain.review_state, "not_submitted")

    def test_reviews_tab_folds_earlier_rounds(self):
        stage_finance = self._create_stage(
            "Finance", self.finance_user, 20, department="finance"
        )
        order = self._submitted()
        self._pending(order).with_user(self.sales_manager).action_request_changes(
            "Lower the price"
        )
        round_one = order.governance_review_ids
        order.with_user(self.salesperson).order_line.price_unit = 90.0
        order.with_user(self.salesperson).action_submit_for_review()
        self._approve_pending(order, self.sales_manager)
        current = order.governance_review_current_ids
        self.assertEqual(current.stage_id.ids, [self.stage_sales.id, stage_finance.id])
        self.assertEqual(set(current.mapped("round")), {2})
        self.assertEqual(current.mapped("sequence"), [10, 20])
        self.assertEqual(order.governance_review_earlier_ids, round_one)

    # ------------------------------------------------------------
    # Reviewers read the order and write in its chatter, nothing else
    # ------------------------------------------------------------

    def test_reviewer_reads_posts_but_never_edits(self):
        order = self._submitted()
        reviewer_order = order.with_user(self.sales_manager)
        self.assertFalse(reviewer_order.governance_can_edit)
        self.assertTrue(order.with_user(self.salesperson).governance_can_edit)
        message = reviewer_order.message_post(
            body="Can the customer take two lots?", message_type="comment"
        )
        self.assertEqual(message.author_id, self.sales_manager.partner_id)
        action = self._pending(order).with_user(self.sales_manager).action_open_record()
        self.assertEqual(action["flags"], {"mode": "readonly"})
        with self.assertRaises(AccessError):
            reviewer_order.write({"note": "Changed by the reviewer"})
        with self.assertRaises(AccessError):
            reviewer_order.order_line.write({"product_uom_qty": 9})
        with self.assertRaises(AccessError):
            reviewer_order.action_cancel()
        with self.assertRaises(AccessError):
            reviewer_order.unlink()
        # Once approved, the order could be confirmed, but not by its reviewer.
        self._approve_pending(order, self.sales_manager)
        self.assertEqual(order.review_state, "approved")
        with self.assertRaises(AccessError):
            reviewer_order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.order_line.product_uom_qty, 2.0)
        # A user who may not read the order may not post on it either.
        with self.assertRaises(AccessError):
            order.with_user(self.warehouse_user).message_post(body="Intruder")
