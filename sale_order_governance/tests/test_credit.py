# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.payment.tests.common import PaymentCommon

from ..models.sale_order_change import governance_apply
from .common import GovernanceCase


class CreditCase(GovernanceCase):
    """A customer with a credit limit of 1000 (company currency), no taxes.

    No review stage is active (GovernanceCase archives them): only credit
    control can block an order here.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["sale.order"])
        cls.company.write(
            {
                "account_use_credit_limit": True,
                "governance_credit_overdue_tolerance_days": 30,
                "governance_credit_block_delivery": False,
                "governance_credit_prepayment_mode": "confirmation",
            }
        )
        (cls.product | cls.service).write({"taxes_id": [Command.clear()]})
        cls.customer.write({"is_company": True})
        cls.customer.with_company(cls.company).credit_limit = 1000.0
        cls.contact = cls.env["res.partner"].create(
            {"name": "Governance Contact", "parent_id": cls.customer.id}
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Other Customer", "is_company": True}
        )
        cls.controller = new_test_user(
            cls.env,
            login="gov_credit_controller",
            groups="sale_order_governance.group_credit_controller",
            name="Carla Credit",
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.warehouse.lot_stock_id, 1000.0
        )

    @classmethod
    def _invoice(
        cls,
        amount,
        partner=None,
        due_days=30,
        move_type="out_invoice",
        currency=None,
        invoice_date=None,
        post=True,
    ):
        """A customer invoice (or refund) of ``amount``, due in ``due_days``."""
        vals = {
            "move_type": move_type,
            "partner_id": (partner or cls.customer).id,
            "invoice_date": invoice_date or cls.today - timedelta(days=5),
            "invoice_date_due": cls.today + timedelta(days=due_days),
            "invoice_payment_term_id": False,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": cls.service.id,
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
        if currency:
            vals["currency_id"] = currency.id
        move = cls.env["account.move"].create(vals)
        if post:
            move.action_post()
        return move

    def _override(
        self, order, amount, expiry_days=7, user=None, reason="Strategic customer"
    ):
        return (
            self.env["sale.credit.override"]
            .with_user(user or self.controller)
            .create(
                {
                    "order_id": order.id,
                    "amount": amount,
                    "expiry_date": self.today + timedelta(days=expiry_days),
                    "reason": reason,
                }
            )
        )

    def _assert_blocked(self, order, fragment):
        """Every interactive door refuses ``order``; nothing changes."""
        with self.assertRaises(UserError) as error:
            order.with_user(self.salesperson).action_confirm()
        self.assertIn(fragment, str(error.exception))
        with self.assertRaises(UserError) as error:
            order.write({"state": "sale"})
        self.assertIn(fragment, str(error.exception))
        self.assertIn(order.state, ("draft", "sent"))
        self.assertFalse(order.picking_ids)
        self.assertTrue(order.credit_blocked)
        self.assertIn(fragment, order.credit_blocked_reason)

    def _deliver(self, order, user=None):
        picking = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        picking.move_ids.write(
            {"quantity": picking.move_ids.product_uom_qty, "picked": True}
        )
        return picking.with_user(user or self.env.user).button_validate()


@tagged("post_install", "-at_install")
class TestCreditExposure(CreditCase):
    def test_limit_not_exceeded(self):
        self._invoice(700.0)
        order = self._create_order()  # 2 x 100
        self.assertEqual(order.credit_exposure_receivable, 700.0)
        self.assertEqual(order.credit_exposure_order, 200.0)
        self.assertEqual(order.credit_exposure, 900.0)
        self.assertFalse(order.credit_limit_exceeded)
        self.assertFalse(order.credit_blocked_reason)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        # Once confirmed, the order is what remains to invoice of it.
        order._credit_refresh()
        self.assertEqual(order.credit_exposure_order, 200.0)
        self.assertEqual(order.credit_exposure_orders, 0.0)
        self.assertEqual(order.credit_exposure, 900.0)

    def test_limit_exceeded_blocks_every_door(self):
        self._invoice(900.0)
        order = self._create_order()
        other = self._create_order(partner_id=self.other_customer.id)
        self.assertTrue(order.credit_limit_exceeded)
        self.assertEqual(order.credit_exposure, 1100.0)
        self._assert_blocked(order, "above its credit limit")
        # Mass confirmation: one blocked order stops the batch.
        with self.assertRaises(UserError):
            (other | order).with_user(self.salesperson).action_confirm()
        self.assertEqual(other.state, "draft")
        # The generic governance banner leaves credit to its own banner.
        self.assertFalse(order.governance_blocking_reason)

    def test_limit_inactive_without_company_setting(self):
        self._invoice(900.0)
        self.company.account_use_credit_limit = False
        order = self._create_order()
        self.assertFalse(order.credit_limit_active)
        self.assertFalse(order.credit_limit_exceeded)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_zero_limit_means_no_limit(self):
        self.customer.with_company(self.company).credit_limit = 0.0
        self._invoice(5000.0)
        order = self._create_order()
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_hold(self):
        order = self._create_order()
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesperson).write({"credit_hold": True})
        self.assertFalse(self.customer.credit_hold)
        self.customer.with_user(self.controller).write(
            {"credit_hold": True, "credit_hold_reason": "Disputed payments"}
        )
        self._assert_blocked(order, "is on credit hold: Disputed payments")
        self.assertIn(
            "Credit hold set",
            " ".join(self.customer.message_ids.mapped("body")),
        )
        self.customer.with_user(self.controller).credit_hold = False
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_overdue_beyond_tolerance(self):
        self._invoice(100.0, due_days=-40, invoice_date=self.today - timedelta(days=70))
        order = self._create_order()
        self.assertEqual(order.credit_overdue_days, 40)
        self.assertEqual(order.credit_overdue_amount, 100.0)
        self.assertFalse(order.credit_limit_exceeded)
        self._assert_blocked(
            order, "overdue by 40 days, beyond the tolerance of 30 days"
        )
        # The customer may have a tolerance of its own, per company.
        self.customer.with_user(self.controller).write(
            {
                "credit_overdue_tolerance_custom": True,
                "credit_overdue_tolerance_days": 45,
            }
        )
        self.assertEqual(self.customer.credit_overdue_tolerance_days, 45)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_overdue_within_tolerance(self):
        self._invoice(100.0, due_days=-10, invoice_date=self.today - timedelta(days=40))
        order = self._create_order()
        self.assertEqual(order.credit_overdue_days, 10)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_paid_overdue_invoice_no_longer_blocks(self):
        invoice = self._invoice(
            100.0, due_days=-40, invoice_date=self.today - timedelta(days=70)
        )
        order = self._create_order()
        self.assertTrue(order.credit_blocked)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_overdue_days, 0)

    def test_draft_invoices_and_uninvoiced_orders(self):
        confirmed = self._create_order(lines=[(self.product, 3, 100.0)])
        confirmed.action_confirm()
        draft_invoice = self._invoice(250.0, post=False)
        self._invoice(50.0, move_type="out_refund", post=False)
        order = self._create_order(lines=[(self.product, 1, 100.0)])
        self.assertEqual(order.credit_exposure_orders, 300.0)
        self.assertEqual(order.credit_exposure_draft, 200.0)
        self.assertEqual(order.credit_exposure, 600.0)
        # Invoicing the confirmed order moves its amount from one bucket to
        # the other, never counting it twice.
        invoice = confirmed._create_invoices()
        order._credit_refresh()
        self.assertEqual(order.credit_exposure_orders, 0.0)
        self.assertEqual(order.credit_exposure_draft, 500.0)
        self.assertEqual(order.credit_exposure, 600.0)
        invoice.action_post()
        draft_invoice.action_post()
        order._credit_refresh()
        self.assertEqual(order.credit_exposure_receivable, 550.0)
        self.assertEqual(order.credit_exposure_draft, -50.0)
        self.assertEqual(order.credit_exposure, 600.0)
        # Growing the draft invoice pushes the customer over the limit.
        self._invoice(500.0, post=False)
        self._assert_blocked(order, "above its credit limit")

    def test_down_payment_deducted(self):
        order = self._create_order(lines=[(self.product, 5, 100.0)])
        order.action_confirm()
        wizard = self.env["sale.advance.payment.inv"].create(
            {
                "advance_payment_method": "percentage",
                "amount": 40,
                "sale_order_ids": [Command.set(order.ids)],
            }
        )
        down_payment = wizard._create_invoices(order)
        order._credit_refresh()
        self.assertEqual(order.credit_exposure_draft, 200.0)
        self.assertEqual(order.credit_exposure_order, 300.0)
        self.assertEqual(order.credit_exposure, 500.0)
        down_payment.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=down_payment.ids
        ).create({})._create_payments()
        order._credit_refresh()
        self.assertEqual(order.credit_exposure_receivable, 0.0)
        self.assertEqual(order.credit_exposure, 300.0)

    def test_refunds(self):
        self._invoice(900.0)
        order = self._create_order()
        self.assertTrue(order.credit_limit_exceeded)
        self._invoice(300.0, move_type="out_refund")
        order._credit_refresh()
        self.assertEqual(order.credit_exposure_receivable, 600.0)
        self.assertEqual(order.credit_exposure, 800.0)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_contact_rolls_up_to_commercial_partner(self):
        self._invoice(600.0, partner=self.contact)
        delivery_address = self.env["res.partner"].create(
            {"name": "Dock 7", "type": "delivery", "parent_id": self.customer.id}
        )
        confirmed = self._create_order(
            lines=[(self.product, 2, 100.0)], partner_id=delivery_address.id
        )
        confirmed.action_confirm()
        order = self._create_order(
            lines=[(self.product, 3, 100.0)], partner_id=self.contact.id
        )
        self.assertEqual(order.credit_exposure_receivable, 600.0)
        self.assertEqual(order.credit_exposure_orders, 200.0)
        self.assertEqual(order.credit_exposure, 1100.0)
        self.assertEqual(order.credit_limit_active, 1000.0)
        self._assert_blocked(order, "Governance Customer")
        # The partner's credit tab shows the same figures, contact or company.
        self.assertEqual(self.customer.credit_exposure, 800.0)
        self.assertEqual(self.contact.credit_exposure, 800.0)
        self.assertTrue(
            self.customer.credit_override_ids == self.contact.credit_override_ids
        )
        # A hold on the contact itself is irrelevant: only the commercial
        # partner's policy counts.
        self.customer.with_company(self.company).credit_limit = 5000.0
        self.contact.with_user(self.controller).credit_hold = True
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_two_currencies(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            [
                {
                    "currency_id": eur.id,
                    "name": self.today - timedelta(days=20),
                    "rate": 1.0,
                },
                {"currency_id": eur.id, "name": self.today, "rate": 2.0},
            ]
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": eur.id}
        )
        # Booked at 1:1 ten days ago, worth half as much in USD today.
        self._invoice(400.0, currency=eur, invoice_date=self.today - timedelta(days=10))
        order = self._create_order(
            lines=[(self.product, 6, 100.0)], pricelist_id=pricelist.id
        )
        self.assertEqual(order.currency_id, eur)
        self.assertEqual(order.credit_exposure_receivable, 200.0)
        self.assertEqual(order.credit_exposure_order, 300.0)
        self.assertEqual(order.credit_exposure, 500.0)
        self.assertEqual(order.credit_currency_id, self.company.currency_id)
        order.action_confirm()
        second = self._create_order(lines=[(self.product, 6, 100.0)])
        self.assertEqual(second.credit_exposure_orders, 300.0)
        self.assertEqual(second.credit_exposure, 1100.0)
        self._assert_blocked(second, "above its credit limit")

    def test_two_companies(self):
        company_b = self.env["res.company"].create(
            {"name": "Governance B", "account_use_credit_limit": True}
        )
        self.customer.with_company(company_b).credit_limit = 500.0
        self.customer.with_user(self.controller).with_company(self.company).write(
            {"credit_hold": True, "credit_hold_reason": "Company A only"}
        )
        self._invoice(900.0)
        order_b = (
            self.env["sale.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_b.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 4,
                                "price_unit": 100.0,
                            }
                        )
                    ],
                }
            )
        )
        self.assertEqual(order_b.credit_exposure_receivable, 0.0)
        self.assertEqual(order_b.credit_exposure, 400.0)
        self.assertEqual(order_b.credit_limit_active, 500.0)
        self.assertFalse(order_b.credit_blocked_reason)
        order_b.action_confirm()
        self.assertEqual(order_b.state, "sale")
        # Company A does not see company B's order, and keeps its hold.
        order_a = self._create_order(lines=[(self.product, 1, 50.0)])
        self.assertEqual(order_a.credit_exposure_orders, 0.0)
        self.assertEqual(order_a.credit_exposure, 950.0)
        self._assert_blocked(order_a, "Company A only")
        # And company B does not see company A's confirmed orders.
        self.customer.with_user(self.controller).with_company(
            self.company
        ).credit_hold = False
        order_a.action_confirm()
        second_b = (
            self.env["sale.order"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_b.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 1,
                                "price_unit": 100.0,
                            }
                        )
                    ],
                }
            )
        )
        self.assertEqual(second_b.credit_exposure_orders, 400.0)
        self.assertEqual(second_b.credit_exposure, 500.0)
        self.assertFalse(second_b.credit_limit_exceeded)

    def test_finance_evidence(self):
        self._invoice(300.0)
        order = self._create_order()
        evidence = dict(order._review_evidence("finance")["items"])
        currency = order.company_id.currency_id

        def money(amount):
            return {"amount": amount, "currency_id": currency.id}

        self.assertEqual(evidence["credit_exposure_receivable"], money(300.0))
        self.assertEqual(evidence["credit_exposure_order"], money(200.0))
        self.assertEqual(evidence["credit_exposure"], money(500.0))
        self.assertEqual(evidence["credit_overdue_tolerance"], 30)
        labels = order._review_evidence_labels()
        self.assertEqual(
            str(labels["credit_exposure_orders"]), "Confirmed orders not invoiced"
        )
        html = self.env["sale.order.review"]._render_evidence(
            order._review_evidence("finance")
        )
        self.assertIn("Open receivables", html)

    def test_views_as_salesperson_and_controller(self):
        self._invoice(900.0)
        order = self._create_order()
        form = Form(order.with_user(self.salesperson))
        self.assertTrue(form.credit_blocked)
        self.assertEqual(form.credit_exposure, 1100.0)
        self.assertIn("above its credit limit", form.credit_blocked_reason)
        with Form(self.customer.with_user(self.controller)) as partner:
            partner.credit_hold = True
            partner.credit_hold_reason = "Dispute"
            partner.credit_overdue_tolerance_custom = True
            partner.credit_overdue_tolerance_days = 10
        self.assertTrue(self.customer.credit_hold)
        self.assertEqual(self.customer.credit_overdue_tolerance_days, 10)
        partner = Form(self.customer.with_user(self.salesperson))
        self.assertEqual(partner.credit_exposure, 900.0)
        with self.assertRaises(AssertionError):
            partner.credit_hold = False  # read-only for a salesperson
        action = self.env.ref("sale_order_governance.sale_order_credit_blocked_action")
        Order = self.env["sale.order"].with_user(self.controller)
        Order.get_views([(action.view_id.id, "list"), (False, "form")])
        self.assertIn(order, Order.search(safe_eval(action.domain)))
        overrides = self.env.ref("sale_order_governance.sale_credit_override_action")
        self.env["sale.credit.override"].with_user(self.controller).get_views(
            [(False, "list"), (False, "form"), (False, "search")]
        )
        self.assertEqual(overrides.res_model, "sale.credit.override")

    def test_blocked_orders_search(self):
        self._invoice(900.0)
        blocked = self._create_order()
        clean = self._create_order(partner_id=self.other_customer.id)
        found = self.env["sale.order"].search([("credit_blocked", "=", True)])
        self.assertIn(blocked, found)
        self.assertNotIn(clean, found)
        self.assertIn(
            clean, self.env["sale.order"].search([("credit_blocked", "=", False)])
        )
        # Credit controllers see every blocked order, not only their own.
        self.assertIn(
            blocked,
            self.env["sale.order"]
            .with_user(self.controller)
            .search([("credit_blocked", "=", True)]),
        )


@tagged("post_install", "-at_install")
class TestCreditOverride(CreditCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._invoice(900.0)

    def test_valid_override_lets_the_order_through(self):
        order = self._create_order()
        self.assertTrue(order.credit_blocked)
        override = self._override(order, 1100.0)
        self.assertEqual(override.approved_by_id, self.controller)
        self.assertEqual(override.partner_id, self.customer)
        self.assertEqual(override.exposure_at_approval, 1100.0)
        self.assertTrue(override.is_valid)
        self.assertIn(
            "Credit override by Carla Credit",
            " ".join(order.message_ids.mapped("body")),
        )
        self.assertFalse(order.credit_blocked_reason)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn(
            "Confirmed under the credit override",
            " ".join(order.message_ids.mapped("body")),
        )

    def test_override_from_the_release_wizard(self):
        order = self._create_order()
        action = order.with_user(self.controller).action_open_credit_release()
        wizard = (
            self.env["sale.credit.release"]
            .with_user(self.controller)
            .with_context(**action["context"])
            .create({"reason": "Paid by wire tomorrow"})
        )
        self.assertEqual(wizard.amount, 1100.0)
        wizard.action_release()
        self.assertEqual(order.credit_override_ids.reason, "Paid by wire tomorrow")
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_expired_override(self):
        order = self._create_order()
        override = self._override(order, 2000.0, expiry_days=2)
        self.assertFalse(order.credit_blocked)
        with freeze_time(self.today + timedelta(days=3)):
            order._credit_refresh()
            self.assertFalse(override.is_valid)
            self._assert_blocked(order, "expired on")
        with self.assertRaises(UserError):
            self._override(order, 2000.0, expiry_days=-1)

    def test_too_small_override(self):
        order = self._create_order()
        self._override(order, 1050.0)
        self._assert_blocked(order, "less than the exposure of")
        # The order grows past a sufficient override: blocked again.
        self._override(order, 1100.0)
        self.assertFalse(order.credit_blocked)
        order.order_line.product_uom_qty = 3
        order._credit_refresh()
        self._assert_blocked(order, "above its credit limit")

    def test_override_only_by_credit_controllers(self):
        order = self._create_order()
        count = self.env["sale.credit.override"].search_count([])
        with self.assertRaises(AccessError):
            self._override(order, 2000.0, user=self.salesperson)
        # Not only the access rights: a sudo'ed call still checks the user.
        with self.assertRaises(AccessError):
            self.env["sale.credit.override"].with_user(self.salesperson).sudo().create(
                {"order_id": order.id, "amount": 2000.0, "reason": "sudo"}
            )
        with self.assertRaises(AccessError):
            self._override(order, 2000.0, user=self.sales_manager)
        self.assertEqual(self.env["sale.credit.override"].search_count([]), count)
        self.assertTrue(order.credit_blocked)
        with self.assertRaises(UserError):
            self._override(order, 2000.0, reason=" ")
        with self.assertRaises(UserError):
            self._override(order, 0.0)

    def test_override_is_immutable(self):
        order = self._create_order()
        override = self._override(order, 1100.0)
        with self.assertRaises(UserError):
            override.with_user(self.controller).sudo().write({"amount": 5000.0})
        with self.assertRaises(UserError):
            override.sudo().unlink()
        self.assertEqual(override.amount, 1100.0)
        self.assertTrue(override.exists())

    def test_override_of_another_customer_does_not_apply(self):
        order = self._create_order()
        self._override(order, 5000.0)
        self.assertFalse(order.credit_blocked)
        order.partner_id = self.contact  # same commercial partner: still valid
        self.assertFalse(order.credit_blocked)
        self.other_customer.with_user(self.controller).credit_hold = True
        order.partner_id = self.other_customer
        order._credit_refresh()
        self._assert_blocked(order, "Other Customer is on credit hold")


@tagged("post_install", "-at_install")
class TestCreditGrowthAndDelivery(CreditCase):
    def test_confirmed_order_growth_is_rechecked(self):
        """Growth written on a confirmed order, as a change request applies it."""
        self._invoice(700.0)
        order = self._create_order()
        order.action_confirm()
        with governance_apply(self.env) as env:
            line = order.order_line.with_env(env)
            with self.assertRaises(UserError) as error:
                line.with_user(self.salesperson).write({"product_uom_qty": 5})
            self.assertIn("cannot grow", str(error.exception))
            self.assertEqual(line.product_uom_qty, 2)
            with self.assertRaises(UserError):
                order.with_env(env).write(
                    {
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": self.service.id,
                                    "product_uom_qty": 2,
                                    "price_unit": 100.0,
                                }
                            )
                        ]
                    }
                )
            self.assertEqual(len(order.order_line), 1)
            # Within the limit, or going down: fine.
            line.write({"product_uom_qty": 3})
            line.write({"price_unit": 90.0})
            self.assertEqual(order.amount_total, 270.0)
            # The hook change requests call, before applying an increase.
            with self.assertRaises(UserError):
                order._governance_check_credit_on_increase(amount_increase=100.0)
            self.assertTrue(
                order._governance_check_credit_on_increase(amount_increase=20.0)
            )
            # A covering override lets the growth through.
            self._override(order, 1200.0)
            line.write({"product_uom_qty": 5})
            self.assertEqual(order.amount_total, 450.0)

    def test_delivery_blocked_for_blocked_customer(self):
        self.company.governance_credit_block_delivery = True
        order = self._create_order()
        order.action_confirm()
        self.assertFalse(order.credit_blocked)
        self.customer.with_user(self.controller).write(
            {"credit_hold": True, "credit_hold_reason": "Bounced cheque"}
        )
        order._credit_refresh()
        self.assertTrue(order.credit_blocked)
        self.assertIn("Bounced cheque", order.credit_blocked_reason)
        picking = order.picking_ids
        stock_user = new_test_user(
            self.env, login="gov_stock_only", groups="stock.group_stock_user"
        )
        with self.assertRaises(UserError) as error:
            self._deliver(order, user=stock_user)
        self.assertIn("Bounced cheque", str(error.exception))
        self.assertNotEqual(picking.state, "done")
        self.assertNotEqual(picking.state, "done")
        # Backstop: code that skips the button is stopped as well.
        with self.assertRaises(UserError):
            picking._action_done()
        self.assertNotEqual(picking.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 0.0)
        self.assertIn(
            order,
            self.env["sale.order"].search([("credit_blocked", "=", True)]),
        )
        # Released by a credit controller: the delivery goes.
        self._override(order, 1000.0)
        self._deliver(order)
        self.assertEqual(picking.state, "done")

    def test_delivery_not_blocked_without_company_setting(self):
        order = self._create_order()
        order.action_confirm()
        self.customer.with_user(self.controller).credit_hold = True
        self._deliver(order)
        self.assertEqual(order.picking_ids.state, "done")

    def test_delivery_without_order_of_blocked_customer(self):
        self.company.governance_credit_block_delivery = True
        self.customer.with_user(self.controller).credit_hold = True
        picking = self.env["stock.picking"].create(
            {
                "partner_id": self.contact.id,
                "picking_type_id": self.warehouse.out_type_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.product.name,
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "location_id": self.warehouse.lot_stock_id.id,
                            "location_dest_id": self.env.ref(
                                "stock.stock_location_customers"
                            ).id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.write({"quantity": 1, "picked": True})
        with self.assertRaises(UserError):
            picking.button_validate()
        self.assertNotEqual(picking.state, "done")

    def test_prepayment_before_delivery(self):
        self.company.governance_credit_prepayment_mode = "delivery"
        self.customer.with_user(self.controller).credit_require_prepayment = True
        order = self._create_order()
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn("must pay before delivery", order.credit_blocked_reason)
        with self.assertRaises(UserError):
            self._deliver(order)
        self.assertNotEqual(order.picking_ids.state, "done")
        invoice = order._create_invoices()
        invoice.action_post()
        with self.assertRaises(UserError):
            self._deliver(order)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        order._credit_refresh()
        self.assertFalse(order.credit_blocked)
        self._deliver(order)
        self.assertEqual(order.picking_ids.state, "done")

    def test_prepayment_before_confirmation_by_down_payment(self):
        self.customer.with_user(self.controller).credit_require_prepayment = True
        order = self._create_order()
        self._assert_blocked(order, "must pay in advance")
        wizard = self.env["sale.advance.payment.inv"].create(
            {
                "advance_payment_method": "percentage",
                "amount": 100,
                "sale_order_ids": [Command.set(order.ids)],
            }
        )
        down_payment = wizard._create_invoices(order)
        down_payment.action_post()
        order._credit_refresh()
        self._assert_blocked(order, "must pay in advance")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=down_payment.ids
        ).create({})._create_payments()
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install")
class TestCreditUnattendedDoors(PaymentCommon, CreditCase):
    """Portal signature and online payment of a blocked quotation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Record real payments: a journal and a payment method for the
        # dummy provider, as the accounting tests of payments do.
        with AccountPaymentCommon.mocked_get_payment_method_information(cls):
            cls.env["account.payment.method"].sudo().create(
                {"name": "Dummy method", "code": "none", "payment_type": "inbound"}
            )
            cls.provider.journal_id = cls.env["account.journal"].search(
                [("company_id", "=", cls.company.id), ("type", "=", "bank")], limit=1
            )
        cls.currency = cls.company.currency_id
        cls.controller_2 = new_test_user(
            cls.env,
            login="gov_credit_controller_2",
            groups="sale_order_governance.group_credit_controller",
            name="Cedric Credit",
        )

    def setUp(self):
        self.enable_post_process_patcher = False
        super().setUp()

    def _pay_online(self, order, amount=None):
        tx = self._create_transaction(
            flow="redirect",
            amount=amount or order.amount_total,
            currency_id=order.currency_id.id,
            partner_id=order.partner_invoice_id.id,
            reference=f"{order.name}-credit",
            sale_order_ids=[Command.set(order.ids)],
        )
        tx._set_done()
        tx._post_process()
        return tx

    def _assert_held_for_credit(self, order):
        self.assertEqual(order.state, "sent")
        self.assertTrue(order.governance_held_online)
        self.assertFalse(order.picking_ids)
        activities = order.activity_ids
        self.assertTrue(activities.filtered(lambda a: a.user_id == self.salesperson))
        credit_activities = activities.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref(
                    "sale_order_governance.mail_activity_type_credit_decision"
                )
            )
        )
        self.assertEqual(credit_activities.user_id, self.controller | self.controller_2)
        html = self.env["ir.qweb"]._render(
            "sale_order_governance.sale_order_portal_credit_hold",
            {"sale_order": order.sudo()},
        )
        self.assertIn("awaits approval", str(html))

    def test_portal_signature_of_blocked_order(self):
        self.customer.with_user(self.controller).write(
            {"credit_hold": True, "credit_hold_reason": "Audit"}
        )
        order = self._create_order()
        order.sudo()._validate_order()
        self._assert_held_for_credit(order)
        # A clean order signed online is confirmed as usual, no message.
        clean = self._create_order(partner_id=self.other_customer.id)
        clean.sudo()._validate_order()
        self.assertEqual(clean.state, "sale")
        html = self.env["ir.qweb"]._render(
            "sale_order_governance.sale_order_portal_credit_hold",
            {"sale_order": clean.sudo()},
        )
        self.assertNotIn("awaits approval", str(html))

    def test_online_payment_of_blocked_order(self):
        self._invoice(900.0)
        order = self._create_order()
        tx = self._pay_online(order)
        self.assertEqual(tx.state, "done")
        self.assertTrue(tx.payment_id, "the payment is recorded")
        self.assertEqual(tx.payment_id.amount, 200.0)
        self.assertEqual(order.amount_paid, 200.0)
        self._assert_held_for_credit(order)
        # The controller releases it; the salesperson confirms.
        self._override(order, 1100.0)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_online_prepayment_confirms(self):
        self.customer.with_user(self.controller).credit_require_prepayment = True
        order = self._create_order()
        self.assertIn("must pay in advance", order.credit_blocked_reason)
        order.sudo()._validate_order()
        self.assertEqual(order.state, "sent")
        # A partial payment is not enough ...
        self._pay_online(order, amount=50.0)
        self.assertEqual(order.state, "sent")
        # ... paying the rest confirms it through the payment door.
        order._credit_refresh()
        tx = self._create_transaction(
            flow="redirect",
            amount=150.0,
            currency_id=order.currency_id.id,
            partner_id=order.partner_invoice_id.id,
            reference=f"{order.name}-rest",
            sale_order_ids=[Command.set(order.ids)],
        )
        tx._set_done()
        tx._post_process()
        self.assertEqual(order.state, "sale")
