# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import re
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GovernanceCase


class ReviewerCase(GovernanceCase):
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
        cls.deputy = new_test_user(
            cls.env,
            login="gov_deputy",
            groups="sale_order_governance.group_reviewer_sales",
            name="Dora Deputy",
        )

    def _submitted(self, **vals):
        order = self._create_order(**vals)
        order.with_user(self.salesperson).action_submit_for_review()
        return order

    def _pending(self, order):
        return order.governance_review_ids.filtered(
            lambda review: review.state == "pending"
        )


@tagged("post_install", "-at_install")
class TestDelegationAndReassignment(ReviewerCase):
    def _delegate(self, start, end, substitute=None, user=None):
        user = user or self.sales_manager
        return (
            self.env["sale.review.delegation"]
            .with_user(user)
            .create(
                {
                    "user_id": user.id,
                    "substitute_id": (substitute or self.deputy).id,
                    "date_from": start,
                    "date_to": end,
                }
            )
        )

    def test_substitute_decides_on_behalf_in_range(self):
        today = fields.Date.today()
        order = self._submitted()
        self._delegate(today, today + timedelta(days=3))
        review = self._pending(order)
        self.assertIn(
            review,
            self.env["sale.order.review"]
            .with_user(self.deputy)
            .search([("can_decide", "=", True)]),
        )
        self.assertIn(
            self.deputy,
            review.activity_ids.user_id,
            "the substitute is told about the pending review",
        )
        review.with_user(self.deputy).action_approve("Covered for Sam")
        self.assertEqual(review.decided_by_id, self.deputy)
        self.assertEqual(review.decided_on_behalf_of_id, self.sales_manager)
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: "approved by Dora Deputy on behalf of Sam Manager" in m.body
            )
        )

    def test_substitute_out_of_range_is_refused(self):
        today = fields.Date.today()
        order = self._submitted()
        self._delegate(today + timedelta(days=2), today + timedelta(days=5))
        review = self._pending(order)
        self.assertFalse(review.with_user(self.deputy).can_decide)
        with self.assertRaisesRegex(AccessError, "not a reviewer"):
            review.with_user(self.deputy).action_approve()
        self.assertEqual(review.state, "pending")

    def test_substitute_who_is_the_salesperson_is_refused(self):
        today = fields.Date.today()
        order = self._submitted()
        self._delegate(today, today, substitute=self.salesperson)
        with self.assertRaisesRegex(AccessError, "four-eyes"):
            self._pending(order).with_user(self.salesperson).action_approve()

    def _time_off_today(self):
        """The sales manager away today (Time Off), the deputy standing in."""
        if "hr.leave" not in self.env:
            self.skipTest("the Time Off app (hr_holidays) is not installed")
        self.sales_manager.governance_review_substitute_id = self.deputy
        employee = self.env["hr.employee"].create(
            {"name": "Sam Manager", "user_id": self.sales_manager.id}
        )
        leave_type = self.env["hr.leave.type"].create(
            {
                "name": "Paid leave (no approval)",
                "requires_allocation": "no",
                "leave_validation_type": "no_validation",
            }
        )
        today = fields.Date.today()
        leave = self.env["hr.leave"].create(
            {
                "employee_id": employee.id,
                "holiday_status_id": leave_type.id,
                "request_date_from": today,
                "request_date_to": today,
            }
        )
        self.assertEqual(leave.state, "validate")
        return leave

    def test_validated_time_off_delegates_to_the_chosen_substitute(self):
        order = self._submitted()
        review = self._pending(order)
        self.assertFalse(review.with_user(self.deputy).can_decide)
        self._time_off_today()
        review.invalidate_recordset(["can_decide"])
        self.assertTrue(review.with_user(self.deputy).can_decide)
        review.with_user(self.deputy).action_approve()
        self.assertEqual(review.decided_on_behalf_of_id, self.sales_manager)

    def test_time_off_substitute_is_given_the_reviews(self):
        def deputy_activities(order):
            return self._pending(order).activity_ids.filtered(
                lambda activity: activity.user_id == self.deputy
            )

        before = self._submitted()
        self._time_off_today()
        # A review requested during the time off goes to the substitute too.
        during = self._submitted()
        self.assertEqual(len(deputy_activities(during)), 1)
        # Those pending before it are handed over by the daily cron, once.
        self.assertFalse(deputy_activities(before))
        delegations = self.env["sale.review.delegation"]
        delegations._cron_hand_over_reviews()
        delegations._cron_hand_over_reviews()
        self.assertEqual(len(deputy_activities(before)), 1)
        self.assertEqual(len(deputy_activities(during)), 1)

    def test_delegating_for_someone_else_needs_a_manager(self):
        today = fields.Date.today()
        with self.assertRaisesRegex(AccessError, "your own reviews"):
            self.env["sale.review.delegation"].with_user(self.finance_user).create(
                {
                    "user_id": self.sales_manager.id,
                    "substitute_id": self.deputy.id,
                    "date_from": today,
                    "date_to": today,
                }
            )
        delegation = (
            self.env["sale.review.delegation"]
            .with_user(self.governance_manager)
            .create(
                {
                    "user_id": self.sales_manager.id,
                    "substitute_id": self.deputy.id,
                    "date_from": today,
                    "date_to": today,
                }
            )
        )
        self.assertTrue(delegation)

    def test_reassignment_by_manager(self):
        order = self._submitted()
        review = self._pending(order)
        wizard = (
            self.env["sale.order.review.reassign"]
            .with_user(self.governance_manager)
            .create(
                {
                    "review_ids": [Command.set(review.ids)],
                    "user_ids": [Command.set(self.deputy.ids)],
                    "reason": "Sam moved to another team",
                }
            )
        )
        wizard.action_reassign()
        self.assertEqual(review.reviewer_user_ids, self.deputy)
        self.assertEqual(review.activity_ids.user_id, self.deputy)
        self.assertIn("Sam moved to another team", order.message_ids[0].body)
        with self.assertRaises(AccessError):
            review.with_user(self.sales_manager).action_approve()
        review.with_user(self.deputy).action_approve()
        self.assertEqual(review.state, "approved")

    def test_reassignment_refused(self):
        order = self._submitted()
        review = self._pending(order)
        with self.assertRaisesRegex(AccessError, "governance manager"):
            review.with_user(self.sales_manager)._reassign(self.deputy, "tired")
        with self.assertRaisesRegex(UserError, "reason"):
            review.with_user(self.governance_manager)._reassign(self.deputy, "")
        with self.assertRaisesRegex(UserError, "never review their own"):
            review.with_user(self.governance_manager)._reassign(
                self.salesperson, "the seller knows best"
            )
        self.assertEqual(review.reviewer_user_ids, self.sales_manager)


@tagged("post_install", "-at_install")
class TestRequestChanges(ReviewerCase):
    def _approve_step_one_and_finance(self, order):
        self._approve_pending(order, self.sales_manager)
        self._approve_pending(order, self.finance_user)

    def test_request_changes_keeps_unchanged_approvals(self):
        order = self._submitted()
        self._approve_step_one_and_finance(order)
        warehouse = self._pending(order)
        with self.assertRaisesRegex(UserError, "should change"):
            warehouse.with_user(self.warehouse_user).action_request_changes("")
        warehouse.with_user(self.warehouse_user).action_request_changes(
            "Not enough stock for this date"
        )
        self.assertEqual(order.review_state, "changes")
        self.assertTrue(order.governance_review_changes_requested)
        self.assertTrue(warehouse.changes_requested)
        self.assertEqual(warehouse.state, "changes")
        todo = order.activity_ids.filtered(lambda act: act.user_id == self.salesperson)
        self.assertIn("Not enough stock", todo.note)

        # The warehouse receives stock: only its evidence changes.
        self.env["stock.quant"]._update_available_quantity(
            self.product,
            self.env.ref("stock.warehouse0").lot_stock_id,
            10,
        )
        order.with_user(self.salesperson).action_submit_for_review()
        new = order.governance_review_ids.filtered(
            lambda r: r.round == order.governance_review_round
        )
        self.assertEqual(new.stage_id, self.stage_warehouse)
        self.assertEqual(new.state, "pending")
        self.assertIn("Approvals kept", order.message_ids[1].body)
        self._approve_pending(order, self.warehouse_user)
        self.assertEqual(order.review_state, "approved")

    def test_request_changes_then_edit_asks_again(self):
        order = self._submitted()
        self._approve_step_one_and_finance(order)
        self._pending(order).with_user(self.warehouse_user).action_request_changes(
            "Split the delivery"
        )
        order.with_user(self.salesperson).order_line.product_uom_qty = 1
        order.with_user(self.salesperson).action_submit_for_review()
        new = order.governance_review_ids.filtered(
            lambda r: r.round == order.governance_review_round
        )
        self.assertEqual(
            new.stage_id,
            self.stage_sales | self.stage_finance | self.stage_warehouse,
            "the amount changed: the first step and every later one are asked again",
        )

    def test_rejection_still_restarts_everything(self):
        order = self._submitted()
        self._approve_step_one_and_finance(order)
        self._pending(order).with_user(self.warehouse_user).action_reject("No")
        order.with_user(self.salesperson).action_submit_for_review()
        new = order.governance_review_ids.filtered(
            lambda r: r.round == order.governance_review_round
        )
        self.assertEqual(len(new), 3)


@tagged("post_install", "-at_install")
class TestNoticesAndBulk(ReviewerCase):
    def _notified_partners(self, order):
        return (
            self.env["mail.notification"]
            .search(
                [
                    ("mail_message_id.model", "=", "sale.order"),
                    ("mail_message_id.res_id", "=", order.id),
                ]
            )
            .res_partner_id
        )

    def test_only_the_current_step_is_notified(self):
        self.customer.email = "customer@example.com"
        order = self._create_order()
        order.message_subscribe(partner_ids=self.customer.ids)
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(self._notified_partners(order), self.sales_manager.partner_id)
        self._approve_pending(order, self.sales_manager)
        self.assertEqual(
            self._notified_partners(order),
            (self.sales_manager | self.finance_user | self.warehouse_user).partner_id,
        )
        notice = self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("partner_ids", "in", self.finance_user.partner_id.ids),
            ]
        )
        self.assertIn("/sale_governance/review/", notice.body)

    def test_reminder_once_at_three_quarters(self):
        self.company.resource_calendar_id = self._utc_office_calendar()
        self.stage_sales.sla_mode = "working_hours"
        with freeze_time("2026-11-23 08:00:00"):
            order = self._submitted()
            decided = self._submitted()
            for user in (self.sales_manager, self.finance_user, self.warehouse_user):
                self._approve_pending(decided, user)
        review = self._pending(order)
        # 75 % of 24 working hours = 18 h: Monday 8 h, Tuesday 8 h, Wednesday 2 h.
        self.assertEqual(review.remind_at, datetime(2026, 11, 25, 10, 0))
        reviews = self.env["sale.order.review"]
        with freeze_time("2026-11-25 09:59:00"):
            self.assertFalse(reviews._cron_send_reminders())
        with freeze_time("2026-11-25 10:30:00"):
            self.assertEqual(reviews._cron_send_reminders(), review)
            self.assertFalse(reviews._cron_send_reminders(), "only once")
        reminder = order.message_ids.filtered(lambda m: "Reminder" in m.body)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.partner_ids, self.sales_manager.partner_id)
        self.assertFalse(
            decided.message_ids.filtered(lambda m: "Reminder" in m.body),
            "no reminder for a decided review",
        )

    def test_bulk_approval_reports_the_refused_one(self):
        self.stage_sales.reviewer_user_ids |= self.general_manager
        orders = [self._submitted() for _index in range(5)]
        reviews = self.env["sale.order.review"].union(
            *(self._pending(order) for order in orders)
        )
        # Someone else decided the third one meanwhile.
        self._approve_pending(orders[2], self.general_manager)
        result = reviews.with_user(self.sales_manager).action_bulk_approve()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("4 review(s) approved", result["params"]["message"])
        self.assertIn(orders[2].name, result["params"]["message"])
        approved_by_sam = reviews.filtered(
            lambda r: r.decided_by_id == self.sales_manager
        )
        self.assertEqual(len(approved_by_sam), 4)
        self.assertEqual(reviews[2].decided_by_id, self.general_manager)

    def test_decision_documents_are_kept(self):
        order = self._submitted()
        action = order.with_user(self.sales_manager).action_review_approve()
        self.assertTrue(action)
        finance = self._pending(order).filtered(lambda r: r.department == "finance")
        wizard = self.env["sale.order.review.decision"].browse(
            finance.with_user(self.finance_user).action_open_approve_wizard()["res_id"]
        )
        # Uploaded in the wizard, as the many2many_binary widget does.
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.finance_user)
            .create(
                {
                    "name": "guarantee.pdf",
                    "datas": base64.b64encode(b"%PDF-1.4 guarantee"),
                    "res_model": wizard._name,
                    "res_id": wizard.id,
                }
            )
        )
        wizard.write({"attachment_ids": [Command.set(attachment.ids)]})
        wizard.with_user(self.finance_user).action_confirm_decision()
        self.assertEqual(finance.attachment_ids, attachment)
        self.assertEqual(attachment.res_model, "sale.order.review")
        self.assertEqual(attachment.res_id, finance.id)


@tagged("post_install", "-at_install")
class TestDecisionLinks(HttpCase, ReviewerCase):
    def _link(self, review, user, action):
        return review._decision_url(user, action).split(review.get_base_url())[1]

    def test_approve_link(self):
        order = self._submitted()
        review = self._pending(order)
        link = self._link(review, self.sales_manager, "approve")
        self.authenticate("gov_sales_manager", "gov_sales_manager")
        form = self.url_open(link)
        self.assertEqual(form.status_code, 200)
        self.assertIn("Confirm the approval", form.text)
        self.assertEqual(review.state, "pending", "opening the link decides nothing")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        response = self.url_open(
            link.split("?")[0],
            data={"token": link.split("token=")[1], "csrf_token": csrf},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(review.state, "approved")
        self.assertEqual(review.decided_by_id, self.sales_manager)
        again = self.url_open(self._link(review, self.sales_manager, "approve"))
        self.assertIn("already decided", again.text)

    def test_link_of_another_user_is_refused(self):
        order = self._submitted()
        review = self._pending(order)
        self.authenticate("gov_finance", "gov_finance")
        response = self.url_open(self._link(review, self.sales_manager, "approve"))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(review.state, "pending")

    def test_expired_link(self):
        order = self._submitted()
        review = self._pending(order)
        link = self._link(review, self.sales_manager, "approve")
        self.authenticate("gov_sales_manager", "gov_sales_manager")
        with freeze_time(review.deadline + timedelta(minutes=1)):
            response = self.url_open(link)
        self.assertIn("expired", response.text)
        self.assertEqual(review.state, "pending")

    def test_reject_link_asks_for_the_reason(self):
        order = self._submitted()
        review = self._pending(order)
        link = self._link(review, self.sales_manager, "reject")
        self.authenticate("gov_sales_manager", "gov_sales_manager")
        form = self.url_open(link)
        self.assertIn("textarea", form.text)
        self.assertEqual(review.state, "pending")
        token = link.split("token=")[1]
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        response = self.url_open(
            link.split("?")[0],
            data={"token": token, "comment": "Price below cost", "csrf_token": csrf},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(review.state, "rejected")
        self.assertEqual(review.comment, "Price below cost")

    def test_link_needs_a_session(self):
        order = self._submitted()
        review = self._pending(order)
        response = self.url_open(
            self._link(review, self.sales_manager, "approve"), allow_redirects=False
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        self.assertEqual(review.state, "pending")
