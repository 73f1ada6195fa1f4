# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.account_payment.tests.common import AccountPaymentCommon

from .common import GovernanceCase


class DoorsCommon(GovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage = cls._create_stage("Sales Manager", cls.sales_manager, 10)

    def _approved_order(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        self._approve_pending(order, self.sales_manager)
        self.assertEqual(order.review_state, "approved")
        return order

    def _assert_held(self, order):
        self.assertIn(order.state, ("draft", "sent"))
        self.assertTrue(order.governance_held_online)
        todo = order.activity_ids.filtered(lambda act: act.user_id == self.salesperson)
        self.assertTrue(todo, "the salesperson is told")
        self.assertIn("cannot be confirmed yet", todo[-1].note)


@tagged("post_install", "-at_install")
class TestConfirmDoors(DoorsCommon):
    def test_button_and_rpc(self):
        order = self._create_order()
        with self.assertRaisesRegex(UserError, "must be reviewed"):
            order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "draft")
        approved = self._approved_order()
        approved.with_user(self.salesperson).action_confirm()
        self.assertEqual(approved.state, "sale")

    def test_mass_confirmation_is_all_or_nothing(self):
        approved = self._approved_order()
        blocked = self._create_order()
        with self.assertRaisesRegex(UserError, blocked.name):
            (approved | blocked).with_user(self.salesperson).action_confirm()
        self.assertEqual(approved.state, "draft")
        self.assertEqual(blocked.state, "draft")

    def test_write_state_backstop(self):
        order = self._create_order()
        with self.assertRaisesRegex(UserError, "cannot be confirmed yet"):
            order.write({"state": "sale"})
        with self.assertRaises(UserError):
            order.sudo().write({"state": "sale"})
        self.assertEqual(order.state, "draft")
        approved = self._approved_order()
        approved.write({"state": "sale"})
        self.assertEqual(approved.state, "sale")

    def test_sent_quotation_is_gated_too(self):
        order = self._create_order()
        order.action_quotation_sent()
        self.assertEqual(order.state, "sent")
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).action_confirm()

    def test_portal_signature_holds_the_order(self):
        order = self._create_order()
        order.sudo()._validate_order()
        self._assert_held(order)
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.review_state, "in_review", "submitted on its own")
        self.assertEqual(order.governance_review_ids.submitted_by_id, self.salesperson)
        # Once approved, the salesperson confirms it as usual.
        self._approve_pending(order, self.sales_manager)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_portal_signature_of_incomplete_order(self):
        order = self._create_order(commitment_date=False)
        order.sudo()._validate_order()
        self._assert_held(order)
        self.assertEqual(order.review_state, "not_submitted")
        self.assertIn(
            "Could not submit for review", order.message_ids.mapped("body")[1]
        )

    def test_portal_signature_of_approved_order_confirms(self):
        order = self._approved_order()
        order.sudo()._validate_order()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.governance_held_online)

    def test_copy_starts_not_submitted(self):
        order = self._approved_order()
        copy = order.copy()
        self.assertEqual(copy.review_state, "not_submitted")
        with self.assertRaises(UserError):
            copy.action_confirm()


@tagged("post_install", "-at_install")
class TestPaymentDoor(AccountPaymentCommon, DoorsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The accounting fixtures switch to an accountant of another company;
        # the orders of these tests belong to the main company.
        cls.env = cls.env(su=True)

    def _pay(self, order):
        self.amount = order.amount_total
        self.currency = order.currency_id
        self.partner = order.partner_invoice_id
        self.reference = f"{order.name}-tx"
        tx = self._create_transaction(
            flow="redirect", sale_order_ids=[order.id], state="done"
        )
        tx._post_process()
        return tx

    def test_paid_quotation_is_held_and_payment_kept(self):
        order = self._create_order()
        tx = self._pay(order)
        self.assertEqual(tx.state, "done")
        self.assertTrue(tx.payment_id, "the payment is recorded")
        self._assert_held(order)
        self.assertIn(tx.reference, order.activity_ids[-1].note)
        self.assertEqual(order.review_state, "in_review")

    def test_paid_approved_quotation_confirms(self):
        order = self._approved_order()
        self._pay(order)
        self.assertEqual(order.state, "sale")
