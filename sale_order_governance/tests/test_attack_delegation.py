# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Invariant 5: delegation cannot be used to take over someone's reviews."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .attack_common import AttackCase, AttackHttpCase

DELEGATION_FIELDS = ["user_id", "substitute_id", "date_from", "date_to", "active"]


@tagged("post_install", "-at_install")
class TestDelegationAttacks(AttackCase):
    def test_substitute_cannot_change_the_delegation(self):
        delegation = self._delegate(self.sales_manager, self.deputy)
        before = self._values(delegation, DELEGATION_FIELDS)
        as_deputy = delegation.with_user(self.deputy)
        self.assertEqual(as_deputy.read(["user_id"])[0]["id"], delegation.id)
        for vals in (
            {"date_to": fields.Date.today() + timedelta(days=365)},
            {"date_from": fields.Date.today() - timedelta(days=30)},
            {"substitute_id": self.other_salesperson.id},
            {"user_id": self.finance_user.id},
            {"active": True},
        ):
            with self.assertRaises(AccessError):
                as_deputy.write(vals)
        with self.assertRaises(AccessError):
            as_deputy.unlink()
        with self.assertRaises(AccessError):
            as_deputy.sudo().write({"date_to": fields.Date.today() + timedelta(1)})
        self.assertEqual(self._values(delegation, DELEGATION_FIELDS), before)

    def test_delegator_cannot_hand_someone_elses_reviews_over(self):
        order = self._submitted()
        delegation = self._delegate(self.deputy, self.other_salesperson)
        before = self._values(delegation, DELEGATION_FIELDS)
        with self.assertRaisesRegex(AccessError, "your own reviews"):
            delegation.with_user(self.deputy).write({"user_id": self.sales_manager.id})
        self.assertEqual(self._values(delegation, DELEGATION_FIELDS), before)
        review = self._review(order, "sales")
        with self.assertRaises(AccessError):
            review.with_user(self.other_salesperson).action_approve()
        self.assertEqual(review.state, "pending")
        self.assertFalse(review.decided_by_id)

    def test_nobody_delegates_for_someone_else(self):
        Delegation = self.env["sale.review.delegation"]
        today = fields.Date.today()
        vals = {
            "user_id": self.sales_manager.id,
            "substitute_id": self.salesperson.id,
            "date_from": today,
            "date_to": today,
        }
        for user in (self.salesperson, self.deputy, self.finance_user):
            with self.assertRaisesRegex(AccessError, "your own reviews"):
                Delegation.with_user(user).create(vals)
            with self.assertRaisesRegex(AccessError, "your own reviews"):
                Delegation.with_user(user).sudo().create(vals)
        # A copy of a delegation the substitute reads is a delegation of
        # someone else as well.
        delegation = self._delegate(self.sales_manager, self.deputy)
        with self.assertRaises(AccessError):
            delegation.with_user(self.deputy).copy()
        with self.assertRaises(AccessError):
            delegation.with_user(self.deputy).copy(
                {"substitute_id": self.salesperson.id}
            )
        # An import goes through the same door.
        result = Delegation.with_user(self.salesperson).load(
            ["user_id/.id", "substitute_id/.id", "date_from", "date_to"],
            [
                [
                    str(self.sales_manager.id),
                    str(self.salesperson.id),
                    str(today),
                    str(today),
                ]
            ],
        )
        self.assertFalse(result["ids"])
        self.assertEqual(
            Delegation.sudo().search_count(
                [("user_id", "=", self.sales_manager.id)], limit=2
            ),
            1,
            "only the reviewer's own delegation exists",
        )

    def test_other_users_neither_read_nor_touch_a_delegation(self):
        delegation = self._delegate(self.sales_manager, self.deputy)
        before = self._values(delegation, DELEGATION_FIELDS)
        for user in (self.finance_user, self.salesperson, self.all_docs_salesperson):
            Delegation = self.env["sale.review.delegation"].with_user(user)
            self.assertFalse(Delegation.search([]))
            with self.assertRaises(AccessError):
                delegation.with_user(user).read(["substitute_id"])
            with self.assertRaises(AccessError):
                delegation.with_user(user).write({"substitute_id": user.id})
            with self.assertRaises(AccessError):
                delegation.with_user(user).unlink()
        self.assertEqual(self._values(delegation, DELEGATION_FIELDS), before)

    def test_delegator_and_governance_manager_change_the_delegation(self):
        delegation = self._delegate(self.sales_manager, self.deputy)
        later = fields.Date.today() + timedelta(days=10)
        delegation.with_user(self.sales_manager).write({"date_to": later})
        self.assertEqual(delegation.date_to, later)
        delegation.with_user(self.governance_manager).write(
            {"substitute_id": self.general_manager.id}
        )
        self.assertEqual(delegation.substitute_id, self.general_manager)
        managed = (
            self.env["sale.review.delegation"]
            .with_user(self.governance_manager)
            .create(
                {
                    "user_id": self.finance_user.id,
                    "substitute_id": self.deputy.id,
                    "date_from": fields.Date.today(),
                    "date_to": later,
                }
            )
        )
        self.assertEqual(managed.user_id, self.finance_user)

    def test_substitute_cannot_decide_for_a_reviewer_who_owns_the_order(self):
        order = self._submitted()
        review = self._review(order, "sales")
        # A snapshot taken before the salesperson was one of the stage's
        # reviewers: she may not decide, nor may her substitute for her.
        review.sudo().write({"reviewer_user_ids": [Command.link(self.salesperson.id)]})
        self._delegate(self.salesperson, self.deputy)
        with self.assertRaisesRegex(AccessError, "on behalf of Sally Sales"):
            review.with_user(self.deputy).action_approve()
        with self.assertRaisesRegex(AccessError, "four-eyes"):
            review.with_user(self.salesperson).action_approve()
        self.assertEqual(review.state, "pending")
        self.assertFalse(review.decided_by_id)
        # The substitute of the other reviewer still decides for him.
        self._delegate(self.sales_manager, self.deputy)
        review.with_user(self.deputy).action_approve()
        self.assertEqual(review.decided_on_behalf_of_id, self.sales_manager)

    def test_substitute_who_submitted_the_order_cannot_decide(self):
        reviewer_and_colleague = self._create_reviewer(
            "gov_colleague",
            "sales",
            "Colin Colleague",
            groups=("sales_team.group_sale_salesman_all_leads",),
        )
        order = self._create_order()
        order.with_user(reviewer_and_colleague).action_submit_for_review()
        review = self._review(order, "sales")
        self.assertEqual(review.reviewer_user_ids, self.sales_manager)
        self._delegate(self.sales_manager, reviewer_and_colleague)
        with self.assertRaisesRegex(AccessError, "four-eyes"):
            review.with_user(reviewer_and_colleague).action_approve()
        self.assertEqual(review.state, "pending")
        self.assertFalse(review.decided_by_id)

    def test_time_off_substitute_is_set_on_ones_own_user_only(self):
        with self.assertRaises(AccessError):
            self.sales_manager.with_user(self.salesperson).write(
                {"governance_review_substitute_id": self.salesperson.id}
            )
        self.assertFalse(self.sales_manager.governance_review_substitute_id)
        as_self = self.salesperson.with_user(self.salesperson)
        with self.assertRaises(ValidationError):
            as_self.write({"governance_review_substitute_id": self.salesperson.id})
        with self.assertRaises(ValidationError):
            as_self.write({"governance_review_substitute_id": self.portal_user.id})
        self.assertFalse(self.salesperson.governance_review_substitute_id)
        as_self.write({"governance_review_substitute_id": self.deputy.id})
        self.assertEqual(self.salesperson.governance_review_substitute_id, self.deputy)

    def test_ending_a_delegation_keeps_its_decisions(self):
        decided = self._submitted()
        pending = self._submitted()
        delegation = self._delegate(self.sales_manager, self.deputy)
        review = self._review(decided, "sales")
        review.with_user(self.deputy).action_approve("Covered for Sam")
        delegation.with_user(self.sales_manager).action_archive()
        other = self._review(pending, "sales")
        with self.assertRaises(AccessError):
            other.with_user(self.deputy).action_approve()
        self.assertEqual(other.state, "pending")
        delegation.with_user(self.sales_manager).unlink()
        self.assertFalse(delegation.exists())
        self.assertEqual(
            self._values(
                review, ["state", "decided_by_id", "decided_on_behalf_of_id", "comment"]
            )[0],
            {
                "id": review.id,
                "state": "approved",
                "decided_by_id": (self.deputy.id, self.deputy.display_name),
                "decided_on_behalf_of_id": (
                    self.sales_manager.id,
                    self.sales_manager.display_name,
                ),
                "comment": "Covered for Sam",
            },
        )


@tagged("post_install", "-at_install")
class TestDelegationRpcAttacks(AttackHttpCase):
    def test_substitute_cannot_extend_a_delegation_over_json_rpc(self):
        delegation = self._delegate(self.sales_manager, self.deputy)
        before = self._values(delegation, DELEGATION_FIELDS)
        next_year = str(fields.Date.today() + timedelta(days=365))
        self._assert_rpc_refused(
            "odoo.exceptions.AccessError",
            "gov_deputy",
            "sale.review.delegation",
            "write",
            [delegation.ids, {"date_to": next_year}],
        )
        self._assert_rpc_refused(
            "odoo.exceptions.AccessError",
            "gov_salesperson",
            "sale.review.delegation",
            "create",
            [
                {
                    "user_id": self.sales_manager.id,
                    "substitute_id": self.salesperson.id,
                    "date_from": str(fields.Date.today()),
                    "date_to": next_year,
                }
            ],
        )
        self.assertEqual(self._values(delegation, DELEGATION_FIELDS), before)
        self.assertEqual(
            self.env["sale.review.delegation"].search_count([]),
            1,
            "no delegation was created",
        )
