# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Invariant 9: history is never lost.

Odoo lets a salesperson delete her own draft or cancelled quotation; an
order with reviews, credit overrides or requests stays. Reviews and
overrides are never deleted, and no database cascade removes them behind
the ORM's back.
"""

from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .attack_common import AttackCase, AttackHttpCase
from .request_common import RequestCase

REVIEW_FIELDS = ["state", "order_id", "decided_by_id", "comment", "reviewer_user_ids"]
# Tables of the governance history and the foreign keys allowed to cascade:
# a relation row of a review (its activities, the wizards showing it) goes
# with the review, which is itself never deleted.
HISTORY_TABLES = (
    "sale_order_review",
    "sale_credit_override",
    "sale_order_change_request",
    "sale_order_change_request_line",
    "sale_order_cancel_request",
    "sale_order_review_reviewer_rel",
    "sale_order_review_attachment_rel",
)
CASCADE_ALLOWED = {
    ("sale_order_review_reviewer_rel", "review_id"),
    ("sale_order_review_attachment_rel", "review_id"),
}


class HistoryCase(AttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # In Odoo 18 only a sales administrator deletes quotations (draft or
        # cancelled): the lowest role that can delete an order.
        cls.sales_admin = cls._user(
            "gov_sales_admin", "sales_team.group_sale_manager", "Sofia Admin"
        )

    def _decided_and_cancelled(self):
        """Sally's quotation, approved by sales, rejected by finance, cancelled."""
        order = self._submitted()
        self._approve_pending(order, self.sales_manager)
        self._review(order, "finance").with_user(self.finance_user).action_reject(
            "The customer pays late"
        )
        order.with_user(self.salesperson).action_cancel()
        self.assertEqual(order.state, "cancel")
        return order

    def _override(self, order):
        return (
            self.env["sale.credit.override"]
            .with_user(self.controller)
            .create(
                {
                    "order_id": order.id,
                    "amount": 5000.0,
                    "expiry_date": fields.Date.today() + timedelta(days=7),
                    "reason": "Strategic customer",
                }
            )
            .with_env(self.env)
        )


@tagged("post_install", "-at_install")
class TestHistoryAttacks(HistoryCase):
    def test_cancelled_quotation_with_reviews_is_deleted_by_nobody(self):
        order = self._decided_and_cancelled()
        reviews = order.governance_review_ids
        before = self._values(reviews, REVIEW_FIELDS)
        for user in (self.salesperson, self.all_docs_salesperson):
            with self.assertRaises(AccessError):
                order.with_user(user).unlink()
        for user in (self.sales_admin, self.governance_manager):
            with self.assertRaisesRegex(UserError, "part of the sales history"):
                order.with_user(user).unlink()
        with self.assertRaisesRegex(UserError, "part of the sales history"):
            order.sudo().unlink()
        self.assertTrue(order.exists())
        self.assertEqual(self._values(reviews, REVIEW_FIELDS), before)

    def test_quotation_without_history_is_still_deleted(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_cancel()
        order.with_user(self.sales_admin).unlink()
        self.assertFalse(order.exists())

    def test_manager_cannot_delete_an_order_with_a_credit_override(self):
        order = self._create_order()
        override = self._override(order)
        order.with_user(self.salesperson).action_cancel()
        before = self._values(override, ["order_id", "amount", "reason"])
        with self.assertRaisesRegex(UserError, "part of the sales history"):
            order.with_user(self.governance_manager).unlink()
        self.assertTrue(order.exists())
        self.assertEqual(
            self._values(override, ["order_id", "amount", "reason"]), before
        )

    def test_reviews_and_overrides_are_deleted_by_nobody(self):
        order = self._submitted()
        waiting = self._review(order, "finance")
        self.assertEqual(waiting.state, "waiting")
        pending = self._review(order, "sales")
        override = self._override(order)
        records = (pending, waiting, override)
        before = [self._values(record, ["id"]) for record in records]
        for record in records:
            for user in (self.salesperson, self.governance_manager, self.controller):
                with self.assertRaises(AccessError):
                    record.with_user(user).unlink()
            with self.assertRaisesRegex(UserError, "cannot be deleted"):
                record.sudo().unlink()
        self.assertEqual([self._values(record, ["id"]) for record in records], before)

    def test_database_never_cascades_over_history(self):
        rows = self.env.execute_query(
            SQL(
                """
                SELECT c.conrelid::regclass::text, a.attname
                  FROM pg_constraint c
                  JOIN pg_attribute a
                    ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
                 WHERE c.contype = 'f' AND c.confdeltype = 'c'
                   AND c.conrelid::regclass::text IN %s
                """,
                HISTORY_TABLES,
            )
        )
        self.assertEqual(set(rows) - CASCADE_ALLOWED, set())
        order = self._decided_and_cancelled()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(SQL("DELETE FROM sale_order WHERE id = %s", order.id))
        self.assertEqual(len(order.governance_review_ids), 3)

    def test_archived_reviewer_stays_in_the_record(self):
        order = self._submitted()
        review = self._approve_pending(order, self.sales_manager)
        self.sales_manager.action_archive()
        self.env.invalidate_all()
        self.assertEqual(review.reviewer_user_ids, self.sales_manager)
        self.assertEqual(review.decided_by_id, self.sales_manager)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.sales_manager.unlink()
        self.assertTrue(self.sales_manager.exists())


@tagged("post_install", "-at_install")
class TestRequestHistory(RequestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_stage(
            "Finance (changes)",
            cls.finance_user,
            10,
            department="finance",
            applies_to="change",
        )

    def test_submitted_request_and_its_lines_stay(self):
        order = self._confirmed_order()
        request = self._change_request(order, {order.order_line: {"new_qty": 3.0}})
        request.with_user(self.salesperson).action_submit()
        lines = request.line_ids
        with self.assertRaisesRegex(UserError, "stays as a record"):
            request.with_user(self.salesperson).unlink()
        self._approve_pending(request, self.finance_user)
        with self.assertRaisesRegex(UserError, "stays as a record"):
            request.with_user(self.salesperson).unlink()
        self.assertTrue(request.exists())
        self.assertEqual(request.line_ids, lines)

    def test_draft_request_goes_with_its_lines(self):
        order = self._confirmed_order()
        request = self._change_request(order, {order.order_line: {"new_qty": 3.0}})
        lines = request.line_ids
        request.with_user(self.salesperson).unlink()
        self.assertFalse(request.exists())
        self.assertFalse(lines.exists())


@tagged("post_install", "-at_install")
class TestHistoryRpcAttacks(AttackHttpCase, HistoryCase):
    def test_cancelled_quotation_with_reviews_stays_over_json_rpc(self):
        order = self._decided_and_cancelled()
        reviews = order.governance_review_ids
        before = self._values(reviews, REVIEW_FIELDS)
        for login, error in (
            ("gov_salesperson", "odoo.exceptions.AccessError"),
            ("gov_sales_admin", "odoo.exceptions.UserError"),
        ):
            self._assert_rpc_refused(error, login, "sale.order", "unlink", [order.ids])
        self._assert_rpc_refused(
            "odoo.exceptions.AccessError",
            "gov_manager",
            "sale.order.review",
            "unlink",
            [reviews.ids],
        )
        self.assertTrue(order.exists())
        self.assertEqual(self._values(reviews, REVIEW_FIELDS), before)
