# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import GovernanceCase


@tagged("post_install", "-at_install")
class TestReviewSla(GovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Monday to Friday, 8-12 and 13-17 UTC: 8 working hours a day.
        cls.calendar = cls._utc_office_calendar()
        cls.company.resource_calendar_id = cls.calendar
        cls.stage = cls._create_stage(
            "Sales Manager",
            cls.sales_manager,
            10,
            sla_hours=24,
            sla_mode="working_hours",
            escalation_user_ids=[Command.set(cls.general_manager.ids)],
        )

    def _submit_at(self, when, order=None):
        order = order or self._create_order()
        with freeze_time(when):
            order.with_user(self.salesperson).action_submit_for_review()
        return order, order.governance_review_ids.filtered(
            lambda r: r.state == "pending"
        )

    def test_deadline_across_the_weekend(self):
        # Friday 16:00: 1 h on Friday, 8 h Monday, 8 h Tuesday, 7 h Wednesday.
        _order, review = self._submit_at("2026-11-20 16:00:00")
        self.assertEqual(review.requested_at, datetime(2026, 11, 20, 16, 0))
        self.assertEqual(review.deadline, datetime(2026, 11, 25, 16, 0))

    def test_deadline_submitted_outside_working_hours(self):
        _order, review = self._submit_at("2026-11-21 10:00:00")  # Saturday
        self.assertEqual(review.deadline, datetime(2026, 11, 25, 17, 0))
        _order, review = self._submit_at("2026-11-23 20:00:00")  # Monday night
        self.assertEqual(review.deadline, datetime(2026, 11, 26, 17, 0))

    def test_deadline_skips_lunch_and_public_holiday(self):
        self.stage.sla_hours = 4
        _order, review = self._submit_at("2026-11-23 11:00:00")
        self.assertEqual(review.deadline, datetime(2026, 11, 23, 16, 0))
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.calendar.id,
                "date_from": "2026-11-24 00:00:00",
                "date_to": "2026-11-24 23:59:59",
            }
        )
        self.stage.sla_hours = 24
        _order, review = self._submit_at("2026-11-20 16:00:00")
        self.assertEqual(review.deadline, datetime(2026, 11, 26, 16, 0))

    def test_company_default_sla(self):
        self.company.governance_review_sla_hours = 8
        stage = self.env["sale.review.stage"].create(
            {
                "name": "Legal",
                "reviewer_user_ids": [Command.set(self.sales_manager.ids)],
            }
        )
        self.assertEqual(stage.sla_hours, 8)

    def _escalation_messages(self, order):
        return order.message_ids.filtered(lambda m: "missed their deadline" in m.body)

    def test_escalation_once(self):
        order, review = self._submit_at("2026-11-20 16:00:00")
        with freeze_time("2026-11-25 15:00:00"):
            self.env["sale.order.review"]._cron_escalate_overdue()
        self.assertFalse(review.is_overdue, "not yet due")
        self.assertFalse(self._escalation_messages(order))

        with freeze_time("2026-11-25 16:30:00"):
            escalated = self.env["sale.order.review"]._cron_escalate_overdue()
        self.assertEqual(escalated, review)
        self.assertTrue(review.is_overdue)
        self.assertEqual(review.escalated_at, datetime(2026, 11, 25, 16, 30))
        message = self._escalation_messages(order)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.general_manager.partner_id)
        self.assertIn(
            order,
            self.env["sale.order"].search([("governance_review_overdue", "=", True)]),
        )
        self.assertTrue(order.governance_review_overdue)

        with freeze_time("2026-11-26 09:00:00"):
            again = self.env["sale.order.review"]._cron_escalate_overdue()
        self.assertFalse(again)
        self.assertEqual(len(self._escalation_messages(order)), 1, "notified once")
        self.assertEqual(review.escalated_at, datetime(2026, 11, 25, 16, 30))

        # A late answer is still possible and recorded as such.
        self._approve_pending(order, self.sales_manager)
        self.assertEqual(review.state, "approved")
        self.assertTrue(review.is_overdue)
        self.assertFalse(order.governance_review_overdue)

    def test_no_escalation_for_decided_or_cancelled_reviews(self):
        order, review = self._submit_at("2026-11-20 16:00:00")
        self._approve_pending(order, self.sales_manager)
        other, other_review = self._submit_at("2026-11-20 16:00:00")
        other.with_user(self.salesperson).order_line.product_uom_qty = 9
        self.assertEqual(other_review.state, "cancelled")
        with freeze_time("2026-12-01 09:00:00"):
            escalated = self.env["sale.order.review"]._cron_escalate_overdue()
        self.assertFalse(escalated & (review | other_review))

    def test_escalation_falls_back_to_governance_managers(self):
        self.stage.escalation_user_ids = False
        order, _review = self._submit_at("2026-11-20 16:00:00")
        with freeze_time("2026-12-01 09:00:00"):
            self.env["sale.order.review"]._cron_escalate_overdue()
        message = self._escalation_messages(order)
        self.assertIn(self.governance_manager.partner_id, message.partner_ids)
        self.assertNotIn(self.general_manager.partner_id, message.partner_ids)

    def test_cron_batches(self):
        orders = self.env["sale.order"]
        for _index in range(3):
            order, _review = self._submit_at("2026-11-20 16:00:00")
            orders |= order
        with freeze_time("2026-12-01 09:00:00"):
            first = self.env["sale.order.review"]._cron_escalate_overdue(batch_size=2)
            second = self.env["sale.order.review"]._cron_escalate_overdue(batch_size=2)
        self.assertEqual(len(first), 2)
        self.assertEqual(len(second), 1)
        self.assertEqual(first | second, orders.governance_review_ids)
