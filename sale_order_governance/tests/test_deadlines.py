# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Deadlines mean what the policy says (审核部门应在接到订单后24小时内完成审核)."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..models.governance_deadline import plan_deadline
from .common import GovernanceCase

# Monday 23 November 2026 .. Friday 27 November 2026.
MON, TUE, WED, THU, FRI, SAT = (f"2026-11-{day}" for day in (23, 24, 25, 26, 27, 28))
NEXT_MON, NEXT_TUE = "2026-11-30", "2026-12-01"


def at(day, time):
    return datetime.fromisoformat(f"{day} {time}")


class DeadlineCase(GovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Monday to Friday, 8-12 and 13-17 UTC.
        cls.calendar = cls._utc_office_calendar()
        cls.company.resource_calendar_id = cls.calendar

    def _holiday(self, day):
        return self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.calendar.id,
                "date_from": f"{day} 00:00:00",
                "date_to": f"{day} 23:59:59",
            }
        )


@tagged("post_install", "-at_install")
class TestDeadlineModes(DeadlineCase):
    def _plan(self, start, hours, mode="next_working_day", calendar=None):
        return plan_deadline(calendar or self.calendar, start, hours, mode)

    def test_24_hours_are_the_same_time_next_working_day(self):
        self.assertEqual(self._plan(at(MON, "10:00"), 24), at(TUE, "10:00"))
        self.assertEqual(self._plan(at(FRI, "16:00"), 24), at(NEXT_MON, "16:00"))
        self.assertEqual(self._plan(at(THU, "15:30"), 48), at(NEXT_MON, "15:30"))

    def test_outside_working_time_counts_from_the_next_working_time(self):
        # Friday evening and Saturday: from Monday 08:00.
        self.assertEqual(self._plan(at(FRI, "17:30"), 24), at(NEXT_TUE, "08:00"))
        self.assertEqual(self._plan(at(SAT, "10:00"), 24), at(NEXT_TUE, "08:00"))
        # During lunch: from 13:00, due the next day at 13:00.
        self.assertEqual(self._plan(at(MON, "12:30"), 24), at(TUE, "13:00"))

    def test_public_holidays_are_skipped(self):
        self._holiday(NEXT_MON)
        self.assertEqual(self._plan(at(FRI, "16:00"), 24), at(NEXT_TUE, "16:00"))

    def test_hours_beyond_whole_days_are_working_hours(self):
        # 4 hours on Friday at 16:00: 1 hour on Friday, 3 on Monday.
        self.assertEqual(self._plan(at(FRI, "16:00"), 4), at(NEXT_MON, "11:00"))
        # 28 hours: Monday at 16:00, then 4 working hours.
        self.assertEqual(self._plan(at(FRI, "16:00"), 28), at(NEXT_TUE, "11:00"))

    def test_calendar_and_working_hours_on_request(self):
        start = at(FRI, "16:00")
        self.assertEqual(self._plan(start, 24, "calendar_hours"), at(SAT, "16:00"))
        # 24 working hours on an 8-hour calendar: three days.
        self.assertEqual(
            self._plan(start, 24, "working_hours"), datetime(2026, 12, 2, 16, 0)
        )

    def test_same_clock_time_in_the_calendar_time_zone(self):
        shanghai = self._utc_office_calendar()
        shanghai.tz = "Asia/Shanghai"
        # Friday 16:00 in Shanghai is 08:00 UTC: due Monday 16:00 in Shanghai.
        self.assertEqual(
            self._plan(at(FRI, "08:00"), 24, calendar=shanghai), at(NEXT_MON, "08:00")
        )

    def test_without_calendar_clock_hours(self):
        self.company.resource_calendar_id = False
        stage = self._create_stage("Sales Manager", self.sales_manager, sla_hours=24)
        self.assertEqual(
            stage._plan_deadline(at(FRI, "16:00"), self.company), at(SAT, "16:00")
        )


@tagged("post_install", "-at_install")
class TestReviewDeadlines(DeadlineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Step 10: sales (24 h); step 20: finance (24 h) and warehouse (48 h).
        cls.stage_sales, _finance, _warehouse = (
            cls._create_stage(name, user, sequence, department, sla_hours=hours)
            for name, user, sequence, department, hours in (
                ("Sales Manager", cls.sales_manager, 10, "sales", 24),
                ("Finance", cls.finance_user, 20, "finance", 24),
                ("Warehouse", cls.warehouse_user, 20, "warehouse", 48),
            )
        )

    def _submit_at(self, when):
        order = self._create_order()
        with freeze_time(when):
            order.with_user(self.salesperson).action_submit_for_review()
        return order

    def test_stage_answer_is_due_the_next_working_day(self):
        order = self._submit_at(at(FRI, "16:00"))
        review = order.governance_review_ids.filtered(lambda r: r.state == "pending")
        self.assertEqual(review.stage_id, self.stage_sales)
        self.assertEqual(review.deadline, at(NEXT_MON, "16:00"))
        # Reminded at 75 % of the working time, 6 of 8 hours: Friday 16-17,
        # Monday 8-12 and 13-14.
        self.assertEqual(review.remind_at, at(NEXT_MON, "14:00"))

    def test_whole_review_deadline_sums_the_steps(self):
        self.company.governance_review_max_hours = 0
        order = self._submit_at(at(MON, "10:00"))
        # Sales: Tuesday 10:00; then the longest of Finance (24 h) and
        # Warehouse (48 h): Thursday 10:00.
        self.assertEqual(order.governance_review_deadline, at(THU, "10:00"))
        self.company.governance_review_max_hours = 48
        order = self._submit_at(at(MON, "10:00"))
        self.assertEqual(order.governance_review_deadline, at(WED, "10:00"))

    def test_whole_review_overdue_flag(self):
        self.company.governance_review_max_hours = 48
        order = self._submit_at(at(MON, "10:00"))
        Order = self.env["sale.order"]
        late = [("id", "=", order.id), ("governance_review_late", "=", True)]
        on_time = [("id", "=", order.id), ("governance_review_late", "=", False)]
        with freeze_time(at(WED, "09:00")):
            order.invalidate_recordset(["governance_review_late"])
            self.assertFalse(order.governance_review_late)
            self.assertEqual(Order.search(on_time), order)
        with freeze_time(at(WED, "11:00")):
            order.invalidate_recordset(["governance_review_late"])
            self.assertTrue(order.governance_review_late)
            self.assertEqual(Order.search(late), order)
            self.assertFalse(Order.search(on_time))
            self._approve_pending(order, self.sales_manager)
            self._approve_pending(order, self.finance_user)
            self._approve_pending(order, self.warehouse_user)
            order.invalidate_recordset(["governance_review_late"])
            self.assertFalse(order.governance_review_late)
            self.assertFalse(Order.search(late))

    def test_review_deadline_is_the_engine_s(self):
        order = self._submit_at(at(MON, "10:00"))
        deadline = order.governance_review_deadline
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).write(
                {"governance_review_deadline": "2099-01-01 00:00:00"}
            )
        order.invalidate_recordset()
        self.assertEqual(order.governance_review_deadline, deadline)


@tagged("post_install", "-at_install")
class TestOrderReceived(DeadlineCase):
    def test_received_on_creation_by_default_and_editable_as_quotation(self):
        with freeze_time(at(MON, "09:30")):
            order = self._create_order()
        self.assertEqual(order.governance_received_date, at(MON, "09:30"))
        order.with_user(self.salesperson).governance_received_date = at(MON, "08:15")
        self.assertEqual(order.governance_received_date, at(MON, "08:15"))
        with self.assertRaises(ValidationError):
            order.with_user(self.salesperson).governance_received_date = (
                fields.Datetime.now() + timedelta(days=1)
            )

    def test_received_date_is_kept_once_confirmed(self):
        order = self._create_order(governance_received_date=at(MON, "08:15"))
        order.with_user(self.salesperson).action_confirm()
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).write(
                {"governance_received_date": at(TUE, "08:15")}
            )
        order.invalidate_recordset()
        self.assertEqual(order.governance_received_date, at(MON, "08:15"))

    def test_timers_count_from_the_receipt(self):
        self._create_stage("Sales Manager", self.sales_manager, 10)
        self.company.governance_forward_hours = 24
        # Received Monday 09:00, entered on Tuesday, submitted Tuesday 10:00.
        with freeze_time(at(TUE, "09:45")):
            order = self._create_order(governance_received_date=at(MON, "09:00"))
        with freeze_time(at(TUE, "10:00")):
            order.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(order.governance_entry_hours, 9.0)
        self.assertTrue(order.governance_forward_late, "due Tuesday 09:00")
        with freeze_time(at(TUE, "09:45")):
            other = self._create_order(governance_received_date=at(MON, "09:00"))
        with freeze_time(at(TUE, "08:30")):
            other.with_user(self.salesperson).action_submit_for_review()
        self.assertFalse(other.governance_forward_late)

    def test_quotation_not_forwarded_in_time_is_flagged_by_the_daily_check(self):
        with freeze_time(at(MON, "09:00")):
            order = self._create_order()
            self.assertFalse(order.governance_forward_late)
            self.env.flush_all()
        with freeze_time(at(TUE, "10:00")):
            self.env["sale.order"]._cron_governance_refresh_flags()
        self.assertTrue(order.governance_forward_late)
        self.assertIn(
            order,
            self.env["sale.order"].search([("governance_forward_late", "=", True)]),
        )


@tagged("post_install", "-at_install")
class TestMessagesInTheReadersTime(DeadlineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar.tz = "Asia/Shanghai"
        cls.stage = cls._create_stage(
            "Sales Manager",
            cls.sales_manager,
            10,
            sla_mode="calendar_hours",
            escalation_user_ids=[Command.set(cls.general_manager.ids)],
        )

    def test_reminder_and_escalation_say_the_company_time(self):
        order = self._create_order()
        with freeze_time(at(MON, "02:00")):  # 10:00 in Shanghai
            order.with_user(self.salesperson).action_submit_for_review()
        review = order.governance_review_ids
        self.assertEqual(review.deadline, at(TUE, "02:00"))
        Review = self.env["sale.order.review"]
        with freeze_time(at(MON, "22:00")):
            Review._cron_send_reminders()
        with freeze_time(at(TUE, "03:00")):
            Review._cron_escalate_overdue()
        for word in ("Reminder", "missed their deadline"):
            message = order.message_ids.filtered(lambda m, w=word: w in m.body)
            self.assertEqual(len(message), 1, word)
            # Tuesday 02:00 UTC is 10:00 in Shanghai, and the note says so.
            self.assertIn("Asia/Shanghai", message.body)
            self.assertIn("10:00", message.body)
            self.assertNotIn("02:00", message.body)

    def test_reviewer_notice_and_activity_in_the_reviewer_time(self):
        self.sales_manager.tz = "America/New_York"
        order = self._create_order()
        with freeze_time(at(MON, "02:00")):
            order.with_user(self.salesperson).action_submit_for_review()
        review = order.governance_review_ids
        # Tuesday 02:00 UTC is Monday 21:00 in New York.
        text = " ".join(review._notice_text(self.sales_manager))
        self.assertIn("9:00", text)
        activity = review.activity_ids.filtered(
            lambda a: a.user_id == self.sales_manager
        )
        self.assertEqual(activity.date_deadline, fields.Date.to_date(MON))

    def test_late_risk_activity_in_the_salesperson_time(self):
        self.salesperson.tz = "America/New_York"
        self.stage.action_archive()
        # Due Tuesday 02:00 UTC: Monday evening in New York.
        order = self._create_order(commitment_date=at(TUE, "02:00"))
        with freeze_time(at(MON, "10:00")):
            order.with_user(self.salesperson).action_confirm()
            self.env["sale.order"]._cron_governance_late_risk()
        activity = order.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("sale_order_governance.mail_activity_type_late_risk")
            )
        )
        self.assertEqual(len(activity), 1)
        self.assertIn("11/23/2026", activity.summary)
