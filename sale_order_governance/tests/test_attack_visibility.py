# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Invariant 7: people see only what their role allows.

Reviews (with their evidence: receivables, overdue amounts, margins), the
review report and credit overrides are read by the reviewers concerned,
the order's salesperson as Odoo's sales rules allow, credit controllers
and managers; not by every salesperson of the company.
"""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .attack_common import AttackCase, AttackHttpCase

REVIEW_FIELDS = ["state", "evidence", "comment", "decided_by_id"]


class VisibilityCase(AttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Sally's quotation is decided by the sales manager; its finance and
        # warehouse reviews wait, with the customer's figures as evidence.
        cls.order = cls._create_order()
        cls.order.with_user(cls.salesperson).action_submit_for_review()
        sales = cls.order.governance_review_ids.filtered(
            lambda review: review.department == "sales"
        )
        sales.with_user(cls.sales_manager).action_approve("Margin is fine")
        cls.reviews = cls.order.governance_review_ids
        cls.override = (
            cls.env["sale.credit.override"]
            .with_user(cls.controller)
            .create(
                {
                    "order_id": cls.order.id,
                    "amount": 5000.0,
                    "expiry_date": fields.Date.today() + timedelta(days=7),
                    "reason": "Strategic customer",
                }
            )
        )

    def _allow_export(self, user):
        """Companies often let users export: it must not open a way around."""
        user.groups_id |= self.env.ref("base.group_allow_export")

    def _assert_hidden(self, user, reviews):
        """``user`` finds none of ``reviews`` and reads nothing of them."""
        self._allow_export(user)
        Review = self.env["sale.order.review"].with_user(user)
        before = self._values(reviews, REVIEW_FIELDS)
        self.assertFalse(Review.search([("id", "in", reviews.ids)]))
        self.assertFalse(Review.search_read([("id", "in", reviews.ids)], ["evidence"]))
        self.assertFalse(
            Review.read_group([("id", "in", reviews.ids)], ["state"], ["state"])
        )
        found = Review.name_search(self.order.name)
        self.assertFalse({review_id for review_id, _name in found} & set(reviews.ids))
        self.assertFalse(Review.search([("order_id", "=", self.order.id)]) & reviews)
        for review in reviews:
            as_user = review.with_user(user)
            for fnames in (["evidence_html"], ["evidence"], ["comment"]):
                with self.assertRaises(AccessError):
                    as_user.read(fnames)
            with self.assertRaises(AccessError):
                as_user.export_data(["evidence_html", "order_id/name"])
        Report = self.env["sale.review.report"].with_user(user)
        self.assertFalse(Report.search([("review_id", "in", reviews.ids)]))
        self.assertEqual(self._values(reviews, REVIEW_FIELDS), before)


@tagged("post_install", "-at_install")
class TestReviewVisibility(VisibilityCase):
    def test_other_salesperson_sees_none_of_the_reviews(self):
        self._assert_hidden(self.other_salesperson, self.reviews)

    def test_reviewer_of_one_department_sees_only_his_review(self):
        warehouse = self.reviews.filtered(lambda r: r.department == "warehouse")
        self.assertTrue(
            warehouse.with_user(self.warehouse_user).read(["evidence_html"])
        )
        self._assert_hidden(self.warehouse_user, self.reviews - warehouse)

    def test_salesperson_reads_the_reviews_of_her_order(self):
        Review = self.env["sale.order.review"].with_user(self.salesperson)
        self.assertEqual(
            Review.search([("order_id", "=", self.order.id)]), self.reviews
        )
        self.env.invalidate_all()
        self.assertEqual(
            self.order.with_user(self.salesperson).governance_review_ids, self.reviews
        )
        finance = self.reviews.filtered(lambda r: r.department == "finance")
        evidence = finance.with_user(self.salesperson).evidence_html
        self.assertIn("Receivable due", evidence)

    def test_substitute_reads_only_while_delegated(self):
        sales_pending = self._submitted()
        review = self._review(sales_pending, "sales")
        self._assert_hidden(self.deputy, review)
        delegation = self._delegate(self.sales_manager, self.deputy)
        self.assertEqual(
            self.env["sale.order.review"]
            .with_user(self.deputy)
            .search([("can_decide", "=", True)]),
            review,
            '"My Reviews" of the substitute',
        )
        self.assertTrue(review.with_user(self.deputy).read(["evidence_html"]))
        delegation.with_user(self.sales_manager).action_archive()
        self._assert_hidden(self.deputy, review)

    def test_credit_controller_reads_finance_reviews_only(self):
        finance = self.reviews.filtered(lambda r: r.department == "finance")
        self.assertTrue(finance.with_user(self.controller).read(["evidence_html"]))
        self._assert_hidden(self.controller, self.reviews - finance)

    def test_all_documents_and_managers_read_every_review(self):
        for user in (self.all_docs_salesperson, self.governance_manager):
            self.assertEqual(
                self.env["sale.order.review"]
                .with_user(user)
                .search([("order_id", "=", self.order.id)]),
                self.reviews,
            )

    def test_review_report_follows_the_reviews(self):
        Report = self.env["sale.review.report"]
        own = Report.with_user(self.salesperson).search(
            [("order_id", "=", self.order.id)]
        )
        self.assertTrue(own)
        self.assertFalse(
            Report.with_user(self.other_salesperson).search(
                [("order_id", "=", self.order.id)]
            )
        )
        self.assertFalse(
            Report.with_user(self.other_salesperson).read_group(
                [("order_id", "=", self.order.id)], ["delay_days"], ["state"]
            )
        )


@tagged("post_install", "-at_install")
class TestCreditOverrideVisibility(VisibilityCase):
    def test_other_salesperson_sees_no_override(self):
        Override = self.env["sale.credit.override"].with_user(self.other_salesperson)
        before = self._values(self.override, ["amount", "reason"])
        self.assertFalse(Override.search([("order_id", "=", self.order.id)]))
        self.assertFalse(Override.search_read([], ["reason", "amount"]))
        self.assertFalse(Override.read_group([], ["amount:sum"], ["partner_id"]))
        self.assertFalse(Override.name_search(self.order.name))
        with self.assertRaises(AccessError):
            self.override.with_user(self.other_salesperson).read(["reason"])
        self._allow_export(self.other_salesperson)
        with self.assertRaises(AccessError):
            self.override.with_user(self.other_salesperson).export_data(["reason"])
        self.env.invalidate_all()
        self.assertFalse(
            self.customer.with_user(self.other_salesperson).credit_override_ids
        )
        self.assertEqual(self._values(self.override, ["amount", "reason"]), before)

    def test_salesperson_controller_and_managers_read_the_override(self):
        for user in (
            self.salesperson,
            self.controller,
            self.all_docs_salesperson,
            self.governance_manager,
        ):
            self.assertEqual(
                self.env["sale.credit.override"]
                .with_user(user)
                .search([("order_id", "=", self.order.id)]),
                self.override,
                user.name,
            )


@tagged("post_install", "-at_install")
class TestOrderFormOfReviewers(VisibilityCase):
    """The order form a reviewer opens reads only what the reviewer may read.

    The credit banner is computed in sudo mode from the order's overrides:
    whoever reads the order must be able to read its overrides too, or the
    form would fail on them.
    """

    def _open_form(self, user):
        self.env.invalidate_all()
        return self.order.with_user(user).web_read(
            {
                "credit_blocked_reason": {},
                "governance_blocking_reason": {},
                "credit_override_ids": {"fields": {"reason": {}}},
                "governance_review_ids": {"fields": {"state": {}, "evidence_html": {}}},
            }
        )[0]

    def test_reviewer_opens_the_order_with_its_overrides_and_own_review(self):
        warehouse = self.reviews.filtered(lambda r: r.department == "warehouse")
        values = self._open_form(self.warehouse_user)
        self.assertEqual(
            [override["id"] for override in values["credit_override_ids"]],
            self.override.ids,
        )
        self.assertEqual(
            [review["id"] for review in values["governance_review_ids"]],
            warehouse.ids,
        )

    def test_salesperson_opens_the_order_with_every_review(self):
        values = self._open_form(self.salesperson)
        self.assertEqual(
            sorted(review["id"] for review in values["governance_review_ids"]),
            sorted(self.reviews.ids),
        )

    def test_other_salesperson_cannot_open_the_order(self):
        with self.assertRaises(AccessError):
            self._open_form(self.other_salesperson)


@tagged("post_install", "-at_install")
class TestVisibilityRpcAttacks(AttackHttpCase, VisibilityCase):
    def test_other_salesperson_reads_nothing_over_json_rpc(self):
        found = self._rpc(
            "gov_other_sales",
            "sale.order.review",
            "search_read",
            [[("order_id", "=", self.order.id)], ["evidence", "comment"]],
        )
        self.assertEqual(found, [])
        self._assert_rpc_refused(
            "odoo.exceptions.AccessError",
            "gov_other_sales",
            "sale.order.review",
            "read",
            [self.reviews.ids, ["evidence_html"]],
        )
        self._assert_rpc_refused(
            "odoo.exceptions.AccessError",
            "gov_other_sales",
            "sale.credit.override",
            "read",
            [self.override.ids, ["reason", "amount"]],
        )
