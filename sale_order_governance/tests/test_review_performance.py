# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The structures behind the benchmarks (benchmarks/README.md) keep their
meaning: the table of pending reviewers, the escalation digest, the indexes."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools.sql import index_exists

from .common import GovernanceCase


@tagged("post_install", "-at_install")
class TestReviewPerformanceStructures(GovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_sales = cls._create_stage("Sales Manager", cls.sales_manager, 10)
        cls.stage_finance = cls._create_stage(
            "Finance",
            cls.finance_user,
            20,
            department="finance",
            escalation_user_ids=[Command.set(cls.general_manager.ids)],
        )

    def _to_decide(self, user):
        return (
            self.env["sale.order.review"]
            .with_user(user)
            .search([("can_decide", "=", True)])
        )

    def _pending_rows(self, order):
        return set(
            self.env.execute_query(
                SQL(
                    "SELECT rel.review_id, rel.user_id"
                    "  FROM sale_order_review_pending_reviewer_rel rel"
                    "  JOIN sale_order_review r ON r.id = rel.review_id"
                    " WHERE r.order_id = %s",
                    order.id,
                )
            )
        )

    def test_pending_reviewers_follow_the_review_state(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        sales = order.governance_review_ids.filtered(
            lambda r: r.stage_id == self.stage_sales
        )
        finance = order.governance_review_ids - sales
        self.assertEqual(finance.state, "waiting")
        self.assertEqual(self._to_decide(self.sales_manager), sales)
        self.assertFalse(self._to_decide(self.finance_user), "finance still waits")
        self.assertEqual(self._pending_rows(order), {(sales.id, self.sales_manager.id)})

        self._approve_pending(order, self.sales_manager)
        self.assertFalse(self._to_decide(self.sales_manager), "decided: not mine")
        self.assertEqual(self._to_decide(self.finance_user), finance)
        self.assertEqual(
            self._pending_rows(order), {(finance.id, self.finance_user.id)}
        )
        self.assertEqual(sales.reviewer_user_ids, self.sales_manager, "snapshot kept")

        order.with_user(self.salesperson).order_line.product_uom_qty = 7
        self.assertEqual(finance.state, "cancelled")
        self.assertFalse(self._to_decide(self.finance_user))
        self.assertFalse(self._pending_rows(order))
        self.assertEqual(finance.reviewer_user_ids, self.finance_user, "snapshot kept")

    def test_escalation_notes_each_order_and_sends_one_digest(self):
        orders = self.env["sale.order"]
        with freeze_time("2026-11-20 09:00:00"):
            for _index in range(3):
                order = self._create_order()
                order.with_user(self.salesperson).action_submit_for_review()
                self._approve_pending(order, self.sales_manager)
                orders |= order
        manager = self.general_manager.partner_id
        Notification = self.env["mail.notification"]
        before = Notification.search([("res_partner_id", "=", manager.id)])
        with freeze_time("2026-12-21 09:00:00"):
            escalated = self.env["sale.order.review"]._cron_escalate_overdue()
        self.assertEqual(escalated.order_id, orders)
        for order in orders:
            notes = order.message_ids.filtered(
                lambda m: "missed their deadline" in m.body
            )
            self.assertEqual(len(notes), 1, "one note on each order")
            self.assertEqual(notes.partner_ids, manager)
            self.assertFalse(notes.notification_ids, "the note itself notifies nobody")
        digest = Notification.search([("res_partner_id", "=", manager.id)]) - before
        self.assertEqual(len(digest), 1, "one digest for the three orders")
        for order in orders:
            self.assertIn(order.name, digest.mail_message_id.body)
            self.assertIn(f"/odoo/sale.order/{order.id}", digest.mail_message_id.body)
        self.assertNotIn(
            self.sales_manager.partner_id,
            digest.mail_message_id.notification_ids.res_partner_id,
        )

    def test_partial_indexes_exist(self):
        for name in (
            "sale_order_review_pending_order_index",
            "sale_order_review_escalation_index",
        ):
            self.assertTrue(index_exists(self.env.cr, name), name)
