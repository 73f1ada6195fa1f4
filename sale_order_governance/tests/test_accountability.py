# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import GovernanceCase

# Submitted on Monday 2 March 2026 at 09:00, due 24 clock hours later.
MON_9 = "2026-03-02 09:00:00"
DEADLINE = datetime(2026, 3, 3, 9, 0)


@tagged("post_install", "-at_install")
class TestReviewAccountability(GovernanceCase):
    """Review delay points go to whoever held the review when it went late."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage = cls._create_stage(
            "Sales Manager", cls.sales_manager, sla_hours=24, sla_mode="calendar_hours"
        )
        cls.deputy = cls._create_reviewer(
            "gov_deputy",
            "sales",
            "Dora Deputy",
            groups=("sales_team.group_sale_salesman",),
        )
        cls.company.governance_review_delay_points = 1.5

    def _submitted(self):
        order = self._create_order()
        with freeze_time(MON_9):
            order.with_user(self.salesperson).action_submit_for_review()
        review = order.governance_review_ids
        self.assertEqual(review.deadline, DEADLINE)
        return order, review

    def _delays(self, review, user=None):
        self.env.flush_all()
        report = self.env["sale.review.delay.report"]
        if user:
            report = report.with_user(user)
        return report.search([("review_id", "=", review.id)])

    def _reassign(self, review, users, when):
        with freeze_time(when):
            self.env["sale.order.review.reassign"].with_user(
                self.governance_manager
            ).create(
                {
                    "review_ids": [Command.set(review.ids)],
                    "user_ids": [Command.set(users.ids)],
                    "reason": "Sam is on another project",
                }
            ).action_reassign()

    def test_on_time_review_scores_nobody(self):
        _order, review = self._submitted()
        with freeze_time("2026-03-03 08:00:00"):
            review.with_user(self.sales_manager).action_approve()
        self.assertFalse(review.late_reviewer_ids)
        self.assertFalse(self._delays(review))

    def test_late_decision_scored_per_day_to_the_reviewer(self):
        _order, review = self._submitted()
        with freeze_time("2026-03-05 21:00:00"):  # 2.5 days late
            review.with_user(self.sales_manager).action_approve()
        self.assertEqual(review.late_reviewer_ids, self.sales_manager)
        delay = self._delays(review)
        self.assertRecordValues(
            delay,
            [
                {
                    "reviewer_id": self.sales_manager.id,
                    "outcome": "decided",
                    "delay_days": 2.5,
                    "delay_score": 3.75,
                    "closed_at": datetime(2026, 3, 5, 21, 0),
                }
            ],
        )

    def test_pending_review_held_at_the_deadline_is_charged(self):
        _order, review = self._submitted()
        # Before the escalation runs, the reviewers holding it are charged.
        [delay] = self._delays(review).read(["reviewer_id", "outcome", "delay_days"])
        self.assertEqual(delay["reviewer_id"][0], self.sales_manager.id)
        self.assertEqual(delay["outcome"], "pending")
        self.assertGreater(delay["delay_days"], 0)
        with freeze_time("2026-03-04 09:00:00"):
            self.env["sale.order.review"]._cron_escalate_overdue()
        self.assertEqual(review.late_reviewer_ids, self.sales_manager)
        # Reassigned after the deadline: the points stay with Sam.
        self._reassign(review, self.deputy, "2026-03-04 10:00:00")
        self.assertEqual(review.reviewer_user_ids, self.deputy)
        delays = self._delays(review)
        self.assertEqual(delays.reviewer_id, self.sales_manager)

    def test_reassigned_after_deadline_charges_the_first_holder(self):
        _order, review = self._submitted()
        # No escalation ran yet: the reassignment writes the holder down.
        self._reassign(review, self.deputy, "2026-03-04 09:00:00")
        self.assertEqual(review.late_reviewer_ids, self.sales_manager)
        with freeze_time("2026-03-05 09:00:00"):
            review.with_user(self.deputy).action_approve()
        self.assertRecordValues(
            self._delays(review),
            [
                {
                    "reviewer_id": self.sales_manager.id,
                    "decided_by_id": self.deputy.id,
                    "outcome": "substitute",
                    "delay_days": 2.0,
                    "delay_score": 3.0,
                }
            ],
        )

    def test_reassigned_before_deadline_charges_the_new_holder(self):
        _order, review = self._submitted()
        self._reassign(review, self.deputy, "2026-03-02 12:00:00")
        with freeze_time("2026-03-04 09:00:00"):
            review.with_user(self.deputy).action_approve()
        self.assertEqual(review.late_reviewer_ids, self.deputy)
        self.assertRecordValues(
            self._delays(review),
            [{"reviewer_id": self.deputy.id, "outcome": "decided", "delay_days": 1.0}],
        )

    def test_substitute_decision_charges_the_reviewer(self):
        _order, review = self._submitted()
        with freeze_time("2026-03-02 10:00:00"):
            self.env["sale.review.delegation"].with_user(self.sales_manager).create(
                {
                    "user_id": self.sales_manager.id,
                    "substitute_id": self.deputy.id,
                    "date_from": "2026-03-02",
                    "date_to": "2026-03-06",
                }
            )
        with freeze_time("2026-03-04 09:00:00"):
            review.with_user(self.deputy).action_approve()
        self.assertEqual(review.decided_on_behalf_of_id, self.sales_manager)
        self.assertRecordValues(
            self._delays(review),
            [
                {
                    "reviewer_id": self.sales_manager.id,
                    "decided_by_id": self.deputy.id,
                    "outcome": "substitute",
                    "delay_days": 1.0,
                }
            ],
        )

    def test_review_superseded_by_an_edit_is_still_charged(self):
        order, review = self._submitted()
        with freeze_time("2026-03-03 21:00:00"):  # half a day late
            order.with_user(self.salesperson).order_line.product_uom_qty = 5
        self.assertEqual(review.state, "cancelled")
        self.assertFalse(review.decided_by_id)
        self.assertEqual(review.cancelled_at, datetime(2026, 3, 3, 21, 0))
        self.assertEqual(review.late_reviewer_ids, self.sales_manager)
        self.assertRecordValues(
            self._delays(review),
            [
                {
                    "reviewer_id": self.sales_manager.id,
                    "outcome": "superseded",
                    "delay_days": 0.5,
                    "delay_score": 0.75,
                }
            ],
        )
        # Cancelled before its deadline: nobody answers for it.
        order.invalidate_recordset()
        with freeze_time("2026-03-04 09:00:00"):
            order.with_user(self.salesperson).action_submit_for_review()
        second = order.governance_review_ids - review
        with freeze_time("2026-03-04 10:00:00"):
            order.with_user(self.salesperson).order_line.product_uom_qty = 6
        self.assertEqual(second.state, "cancelled")
        self.assertFalse(second.late_reviewer_ids)
        self.assertFalse(self._delays(second))

    def test_points_per_reviewer_in_the_pivot(self):
        order, review = self._submitted()
        self._reassign(review, self.deputy, "2026-03-04 09:00:00")
        with freeze_time("2026-03-05 09:00:00"):
            review.with_user(self.deputy).action_approve()
        other, second = self._submitted()
        self._reassign(second, self.deputy, "2026-03-02 10:00:00")
        with freeze_time("2026-03-03 21:00:00"):
            second.with_user(self.deputy).action_approve()
        self.env.flush_all()
        rows = self.env["sale.review.delay.report"].read_group(
            [("order_id", "in", (order | other).ids)],
            ["delay_score:sum", "delay_days:sum"],
            ["reviewer_id"],
        )
        points = {row["reviewer_id"][0]: row["delay_score"] for row in rows}
        self.assertEqual(points, {self.sales_manager.id: 3.0, self.deputy.id: 0.75})

    def test_holders_are_kept_by_the_engine_only(self):
        _order, review = self._submitted()
        for user in (self.salesperson, self.sales_manager, self.governance_manager):
            with self.assertRaises(AccessError):
                review.with_user(user).write(
                    {"late_reviewer_ids": [Command.set(self.deputy.ids)]}
                )
        with freeze_time("2026-03-04 09:00:00"):
            review.with_user(self.sales_manager).action_approve()
        # Decided: the record is history, even for the superuser.
        with self.assertRaises(UserError):
            review.sudo().write({"late_reviewer_ids": [Command.clear()]})
        self.assertEqual(review.late_reviewer_ids, self.sales_manager)

    def test_reviewer_sees_own_delays_salesperson_own_orders(self):
        _order, review = self._submitted()
        self._reassign(review, self.deputy, "2026-03-04 09:00:00")
        with freeze_time("2026-03-05 09:00:00"):
            review.with_user(self.deputy).action_approve()
        self.assertTrue(self._delays(review, user=self.sales_manager))
        self.assertFalse(self._delays(review, user=self.deputy))
        self.assertTrue(self._delays(review, user=self.salesperson))
        self.assertFalse(self._delays(review, user=self.finance_user))
