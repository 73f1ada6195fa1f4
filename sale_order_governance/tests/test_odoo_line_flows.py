# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo's own flows still add lines to confirmed orders.

The guard of confirmed orders recognises them by where they come from:
expenses re-invoiced from accounting (``sale_expense``) and delivery costs
(``stock_delivery``). The same lines sent by a client are refused.
"""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from odoo.addons.hr_expense.tests.common import TestExpenseCommon


@tagged("post_install", "-at_install")
class TestExpensesReinvoiced(TestExpenseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The accounting fixtures act as an accountant of a company of theirs.
        cls.env["sale.review.stage"].sudo().search([]).action_archive()
        cls.salesperson = new_test_user(
            cls.env,
            login="gov_expense_salesperson",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_data["company"].id,
        )
        cls.travel = cls.env["product.product"].create(
            {
                "name": "Travel at cost",
                "type": "service",
                "standard_price": 80.0,
                "list_price": 100.0,
                "invoice_policy": "delivery",
                "expense_policy": "cost",
                "can_be_expensed": True,
            }
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.partner_a.id,
                "user_id": cls.salesperson.id,
                "order_line": [
                    Command.create({"product_id": cls.product_a.id, "price_unit": 10})
                ],
            }
        )
        cls.order.action_confirm()

    def test_expense_posted_adds_its_line(self):
        expense = self.create_expense(
            {
                "product_id": self.travel.id,
                "quantity": 2,
                "tax_ids": [Command.clear()],
                "sale_order_id": self.order.id,
            }
        )
        sheet = self.env["hr.expense.sheet"].create(
            {
                "name": "Customer visit",
                "employee_id": self.expense_employee.id,
                "expense_line_ids": [Command.set(expense.ids)],
            }
        )
        sheet.action_submit_sheet()
        sheet.action_approve_expense_sheets()
        sheet.action_sheet_move_post()
        line = self.order.order_line.filtered("is_expense")
        self.assertRecordValues(
            line, [{"product_id": self.travel.id, "product_uom_qty": 2.0}]
        )

    def test_client_cannot_add_an_expense_line(self):
        lines = self.order.order_line
        with self.assertRaisesRegex(UserError, "can only be set by Odoo itself"):
            self.env["sale.order.line"].with_user(self.salesperson).create(
                {
                    "order_id": self.order.id,
                    "product_id": self.travel.id,
                    "is_expense": True,
                    "price_unit": -1000.0,
                }
            )
        self.assertEqual(self.order.order_line, lines)


@tagged("post_install", "-at_install")
class TestDeliveryCosts(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["sale.review.stage"].search([]).action_archive()
        cls.customer = cls.env["res.partner"].create({"name": "Shipping customer"})
        cls.product = cls.env["product.product"].create(
            {"name": "Boxed widget", "is_storable": True, "weight": 1.0}
        )
        shipping = cls.env["product.product"].create(
            {"name": "Freight", "type": "service", "list_price": 40.0}
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Freight at real cost",
                "fixed_price": 40,
                "delivery_type": "fixed",
                "invoice_policy": "real",
                "product_id": shipping.id,
            }
        )
        cls.salesperson = new_test_user(
            cls.env, login="gov_freight_sales", groups="sales_team.group_sale_salesman"
        )

    def test_carrier_and_real_cost_on_validated_delivery(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesperson.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 2}
                    )
                ],
            }
        )
        wizard = Form(
            self.env["choose.delivery.carrier"].with_context(
                default_order_id=order.id, default_carrier_id=self.carrier.id
            )
        )
        wizard.save().button_confirm()
        delivery_line = order.order_line.filtered("is_delivery")
        self.assertEqual(len(delivery_line), 1, "the carrier wizard adds its line")
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = 2.0
        picking.move_ids.picked = True
        picking._action_done()
        self.assertEqual(delivery_line.price_unit, 40.0, "real cost written by Odoo")
        # A client cannot plant or reprice a delivery line himself.
        with self.assertRaisesRegex(UserError, "can only be set by Odoo itself"):
            self.env["sale.order.line"].with_user(self.salesperson).create(
                {
                    "order_id": order.id,
                    "product_id": self.carrier.product_id.id,
                    "is_delivery": True,
                    "price_unit": -400.0,
                }
            )
        self.assertEqual(order.order_line.filtered("is_delivery"), delivery_line)
