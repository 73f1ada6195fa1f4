# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Credit cannot be split around, nor released by the person it holds back.

Attacks of a salesperson and of credit controllers, made the way an RPC
client calls. Every test checks the refusal and that nothing changed.
Parallel transactions are in ``test_credit_concurrency``.
"""

from datetime import datetime, time, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_credit import CreditCase


class CreditAttackCase(CreditCase):
    """The customer's limit is 1000; each order here is 400 (no taxes)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.controller_b = new_test_user(
            cls.env,
            login="gov_credit_controller_b",
            groups="sale_order_governance.group_credit_controller",
            name="Cyril Credit",
        )
        cls.salesperson_all = new_test_user(
            cls.env,
            login="gov_salesperson_all",
            groups="sales_team.group_sale_salesman_all_leads",
            name="Alma All-Documents",
        )

    def _order_400(self, partner=None, user=None):
        return self._create_order(
            lines=[(self.product, 4, 100.0)],
            user=user,
            partner_id=(partner or self.customer).id,
        )

    def _assert_quotations(self, orders):
        for order in orders:
            self.assertIn(order.state, ("draft", "sent"), order.name)
            self.assertFalse(order.picking_ids, order.name)


@tagged("post_install", "-at_install")
class TestCreditSplitAttacks(CreditAttackCase):
    def test_one_call_confirming_several_orders_is_judged_on_their_sum(self):
        orders = self._order_400() | self._order_400() | self._order_400()
        # Each alone fits under the limit.
        for order in orders:
            self.assertFalse(order.credit_blocked, order.name)
        for user in (self.salesperson, self.salesperson_all):
            with self.assertRaisesRegex(UserError, "above its credit limit"):
                orders.with_user(user).action_confirm()
            self._assert_quotations(orders)
            # The state-write door judges them together too.
            with self.assertRaisesRegex(UserError, "above its credit limit"):
                orders.with_user(user).write({"state": "sale"})
            self._assert_quotations(orders)
        # Two of them fit: confirmed; the third then counts them.
        orders[:2].with_user(self.salesperson).action_confirm()
        self.assertEqual(set(orders[:2].mapped("state")), {"sale"})
        with self.assertRaisesRegex(UserError, "reaches .*1,200"):
            orders[2].with_user(self.salesperson).action_confirm()
        self._assert_quotations(orders[2])

    def test_contacts_of_one_customer_count_together(self):
        orders = self._order_400(partner=self.contact) | self._order_400()
        orders |= self._order_400(partner=self.contact)
        with self.assertRaisesRegex(UserError, "above its credit limit"):
            orders.with_user(self.salesperson).action_confirm()
        self._assert_quotations(orders)
        # Orders of another customer in the same call do not count.
        other = self._order_400(partner=self.other_customer)
        (orders[:2] | other).with_user(self.salesperson).action_confirm()
        self.assertEqual(other.state, "sale")

    def test_an_override_must_cover_the_sum(self):
        orders = self._order_400() | self._order_400() | self._order_400()
        # Covering the last order alone (its own 400) is not enough.
        self._override(orders[2], 1100.0)
        with self.assertRaisesRegex(UserError, "less than the exposure of"):
            orders.with_user(self.salesperson).action_confirm()
        self._assert_quotations(orders)
        self._override(orders[2], 1200.0)
        orders.with_user(self.salesperson).action_confirm()
        self.assertEqual(set(orders.mapped("state")), {"sale"})

    def test_cancelled_orders_written_back_to_sale_are_judged(self):
        """A cancelled order adds nothing to the exposure: written back to
        "sale", it is judged with its amount, alone or with others."""
        big = self._create_order(lines=[(self.product, 12, 100.0)])
        pair = self._order_400() | self._create_order(lines=[(self.product, 7, 100.0)])
        (big | pair).with_user(self.salesperson).action_cancel()
        with self.assertRaisesRegex(UserError, "above its credit limit"):
            big.with_user(self.salesperson).write({"state": "sale"})
        with self.assertRaisesRegex(UserError, "above its credit limit"):
            pair.with_user(self.salesperson).write({"state": "sale"})
        self.assertEqual(set((big | pair).mapped("state")), {"cancel"})
        self.assertFalse((big | pair).picking_ids)

    def test_no_lock_without_a_credit_limit(self):
        """Only decisions that depend on the customer's total take the lock."""
        Lock = self.env["sale.governance.credit.lock"]
        self.company.account_use_credit_limit = False
        self._order_400().with_user(self.salesperson).action_confirm()
        self.assertFalse(Lock.search([("partner_id", "=", self.customer.id)]))
        self.company.account_use_credit_limit = True
        self._order_400().with_user(self.salesperson).action_confirm()
        self.assertEqual(
            Lock.search([("partner_id", "=", self.customer.id)]).company_id,
            self.company,
        )
        # Reading an order (its banners) never takes it.
        Lock.search([]).unlink()
        order = self._order_400()
        self.assertTrue(order.credit_blocked)
        self.assertIn("above its credit limit", order.credit_blocked_reason)
        self.assertFalse(order.governance_blocking_reason)
        self.assertFalse(Lock.search([]))


@tagged("post_install", "-at_install")
class TestCreditFourEyesAttacks(CreditAttackCase):
    def setUp(self):
        super().setUp()
        self._invoice(900.0)

    def test_controller_cannot_release_an_order_they_sell(self):
        order = self._create_order(user=self.controller)
        Override = self.env["sale.credit.override"]
        with self.assertRaisesRegex(AccessError, "four-eyes"):
            self._override(order, 2000.0)
        # Nor through the release wizard.
        wizard = (
            self.env["sale.credit.release"]
            .with_user(self.controller)
            .create({"order_id": order.id, "reason": "My own customer"})
        )
        with self.assertRaisesRegex(AccessError, "four-eyes"):
            wizard.action_release()
        self.assertFalse(Override.search([("order_id", "=", order.id)]))
        self.assertTrue(order.credit_blocked)
        # Another controller may.
        self._override(order, 1100.0, user=self.controller_b)
        order.with_user(self.controller).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_controller_cannot_release_an_order_they_created(self):
        order = self._create_order(user=self.controller)
        order.user_id = self.salesperson  # handed over by a sales manager
        with self.assertRaisesRegex(AccessError, "four-eyes"):
            self._override(order, 2000.0)
        self.assertFalse(order.credit_override_ids)
        self.assertTrue(order.credit_blocked)

    def test_override_stops_counting_when_its_author_becomes_the_salesperson(self):
        order = self._create_order()
        self._override(order, 1100.0)
        self.assertFalse(order.credit_blocked)
        order.user_id = self.controller
        order._credit_refresh()
        self.assertTrue(order.credit_blocked)
        self.assertIn("no longer counts", order.credit_blocked_reason)
        with self.assertRaisesRegex(UserError, "no longer counts"):
            order.with_user(self.controller).action_confirm()
        self._assert_quotations(order)
        # Back to the former salesperson: the override counts again.
        order.user_id = self.salesperson
        order._credit_refresh()
        self.assertFalse(order.credit_blocked)

    def test_server_set_fields_cannot_be_chosen(self):
        order = self._create_order()
        Override = self.env["sale.credit.override"].with_user(self.controller)
        values = {
            "order_id": order.id,
            "amount": 5000.0,
            "reason": "Forged",
            "expiry_date": self.today + timedelta(days=3),
        }
        for forged in (
            {"approved_by_id": self.controller_b.id},
            {"partner_id": self.other_customer.id},
            {"company_id": self.env["res.company"].create({"name": "Elsewhere"}).id},
            {"exposure_at_approval": 10.0},
        ):
            with self.assertRaisesRegex(UserError, "cannot be given"):
                Override.create({**values, **forged})
        # Nor by import.
        result = Override.load(
            ["order_id/.id", "amount", "reason", "approved_by_id/.id"],
            [[str(order.id), "5000", "Imported", str(self.controller_b.id)]],
        )
        self.assertFalse(result["ids"])
        self.assertIn("cannot be given", result["messages"][0]["message"])
        self.assertFalse(order.credit_override_ids)
        # Defaults of the context are overwritten by the server's values.
        override = Override.with_context(
            default_approved_by_id=self.controller_b.id,
            default_partner_id=self.other_customer.id,
        ).create(values)
        self.assertEqual(override.approved_by_id, self.controller)
        self.assertEqual(override.partner_id, self.customer)
        self.assertEqual(override.exposure_at_approval, 1100.0)
        # A copy is a new decision of whoever copies, checked as such.
        with self.assertRaisesRegex(AccessError, "Only credit controllers"):
            override.with_user(self.salesperson).copy()
        copy = override.with_user(self.controller_b).copy()
        self.assertEqual(copy.approved_by_id, self.controller_b)

    def test_override_must_cover_the_exposure_at_confirmation(self):
        order = self._create_order()
        self._override(order, 1100.0)
        self.assertFalse(order.credit_blocked)
        # The quotation grows after the release: the override no longer covers it.
        order.order_line.product_uom_qty = 4
        with self.assertRaisesRegex(UserError, "less than the exposure of"):
            order.with_user(self.salesperson).action_confirm()
        self._assert_quotations(order)

    def test_expired_override_whatever_time_zone_the_client_sends(self):
        self.company.resource_calendar_id.tz = "UTC"
        order = self._create_order()
        override = self._override(order, 1100.0, expiry_days=1)
        self.assertFalse(order.credit_blocked)
        # Two days later at 06:00 UTC, it is still the last valid day twelve
        # hours behind UTC: the client's time zone does not revive it.
        later = datetime.combine(self.today + timedelta(days=2), time(6, 0))
        with freeze_time(later):
            order._credit_refresh()
            self.assertFalse(override.with_context(tz="Etc/GMT+12").is_valid)
            for tz in ("Etc/GMT+12", "Pacific/Pago_Pago", "UTC"):
                with self.assertRaisesRegex(UserError, "expired on"):
                    order.with_user(self.salesperson).with_context(
                        tz=tz
                    ).action_confirm()
            self._assert_quotations(order)


@tagged("post_install", "-at_install")
class TestCreditFiguresReaders(CreditAttackCase):
    """A customer's credit figures are for those who sell or decide credit."""

    FIGURES = [
        "credit_exposure",
        "credit_exposure_receivable",
        "credit_exposure_orders",
        "credit_overdue_amount",
        "credit_limit_active",
    ]

    def test_employee_without_sales_rights_reads_no_figures(self):
        employee = new_test_user(
            self.env, login="gov_plain_employee", groups="base.group_user"
        )
        customer = self.customer.with_user(employee)
        for name in self.FIGURES:
            with self.subTest(field=name), self.assertRaises(AccessError):
                customer.read([name])
        with self.assertRaises(AccessError):
            customer.search_read([("id", "=", self.customer.id)], self.FIGURES)
        # The customer itself stays readable.
        self.assertEqual(customer.read(["name"])[0]["name"], self.customer.name)

    def test_salesperson_reads_the_figures(self):
        values = self.customer.with_user(self.salesperson).read(self.FIGURES)[0]
        self.assertIn("credit_exposure", values)
