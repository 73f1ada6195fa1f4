# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Abnormal orders are flagged and routed (异常订单, policy §1 and §2)."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..models.sale_order_abnormal import CHECK_FIELDS, FLAG_FIELDS
from .common import GovernanceCase


class AbnormalCase(GovernanceCase):
    """Thresholds: 10 % discount authority, 20 % minimum margin, 3 x history.

    The widget sells at 100 and costs 60 (40 % margin), without taxes.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "governance_max_discount": 10.0,
                "governance_min_margin": 20.0,
                "governance_quantity_factor": 3.0,
                "governance_credit_overdue_tolerance_days": 30,
            }
        )
        (cls.product | cls.service).write({"taxes_id": [Command.clear()]})
        cls.customer.is_company = True
        cls.controller = new_test_user(
            cls.env,
            login="gov_abnormal_controller",
            groups="sale_order_governance.group_credit_controller",
            name="Carl Controller",
        )

    def _flags(self, order):
        order.invalidate_recordset()
        return {name: order[name] for name in FLAG_FIELDS if order[name]}

    def _reasons(self, order):
        """The reasons as the form shows them (computed when read)."""
        order.invalidate_recordset(["governance_flag_reasons"])
        return order.governance_flag_reasons or ""

    def _known_customer(self, partner=None, lines=None):
        """Give the customer a confirmed order: it is no longer new."""
        order = self._create_order(
            lines=lines, partner_id=(partner or self.customer).id
        )
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        return order


@tagged("post_install", "-at_install")
class TestAbnormalFlags(AbnormalCase):
    def test_normal_order_of_a_known_customer_is_not_flagged(self):
        self._known_customer()
        order = self._create_order()
        self.assertEqual(self._flags(order), {})
        self.assertFalse(self._reasons(order))
        self.assertTrue(order.governance_flags_checked_at)

    def test_new_customer_per_commercial_partner_and_company(self):
        order = self._create_order()
        self.assertEqual(self._flags(order), {"governance_new_customer": True})
        self.assertIn("Governance Customer", self._reasons(order))
        self.assertFalse(order.governance_abnormal, "a customer flag, not abnormal")
        # An order of one of its contacts makes the company a known customer.
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.customer.id}
        )
        self._known_customer(partner=contact)
        self.assertFalse(self._create_order().governance_new_customer)
        # ... in this company only.
        other = self.env["res.company"].create({"name": "Other Governance Co"})
        foreign = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "company_id": other.id,
                "order_line": [
                    Command.create({"product_id": self.service.id, "price_unit": 50})
                ],
            }
        )
        self.assertTrue(foreign.governance_new_customer)

    def test_price_below_the_pricelist_price(self):
        self._known_customer()
        order = self._create_order(lines=[(self.product, 2, 92.0)])
        self.assertEqual(
            self._flags(order),
            {"governance_price_below_list": True, "governance_abnormal": True},
        )
        self.assertIn("92.00", self._reasons(order))
        self.assertIn("100.00", self._reasons(order))
        # The price the pricelist gives is not below itself.
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Distributors",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.product.id,
                            "compute_price": "fixed",
                            "fixed_price": 92.0,
                        }
                    )
                ],
            }
        )
        order.with_user(self.salesperson).pricelist_id = pricelist
        self.assertEqual(self._flags(order), {})

    def test_discount_beyond_the_authority_of_company_or_team(self):
        self._known_customer()
        order = self._create_order()
        order.with_user(self.salesperson).order_line.discount = 10.0
        self.assertEqual(self._flags(order), {}, "10 % is within the authority")
        order.with_user(self.salesperson).order_line.discount = 15.0
        self.assertEqual(
            self._flags(order),
            {"governance_discount_exceeded": True, "governance_abnormal": True},
        )
        self.assertIn("15.00 %", self._reasons(order))
        self.assertIn("company default", self._reasons(order))
        # A lowered unit price counts as a discount too: 6 % off 95 is 89.30.
        order.with_user(self.salesperson).order_line.write(
            {"discount": 6.0, "price_unit": 95.0}
        )
        self.assertTrue(order.governance_discount_exceeded)
        self.assertTrue(order.governance_price_below_list)
        # Typing a team with a larger authority on the order changes nothing:
        # the authority is the salesperson's own team's.
        team = self.env["crm.team"].create(
            {
                "name": "Key Accounts",
                "governance_discount_authority": True,
                "governance_max_discount": 20.0,
            }
        )
        order.with_user(self.salesperson).team_id = team
        self.assertTrue(order.governance_discount_exceeded)
        # Once a sales manager puts the salesperson in that team, it accepts it.
        team.member_ids = self.salesperson
        order.with_user(self.salesperson).order_line.discount = 6.5
        self.assertFalse(order.governance_discount_exceeded)

    def test_margin_below_company_or_category_minimum(self):
        self._known_customer()
        order = self._create_order()
        line = order.order_line
        self.assertFalse(order.governance_margin_low, "40 % margin")
        line.with_user(self.salesperson).discount = 30.0  # 70: 14 %
        self.assertTrue(order.governance_margin_low)
        self.assertIn("14.29 %", self._reasons(order))
        # The line's own cost is the salesperson's to type: it does not count
        # (71 sold on a cost of 60 is 15.49 %, on a cost of 10 it would be 86 %).
        line.with_user(self.salesperson).write(
            {"purchase_price": 10.0, "discount": 29.0}
        )
        self.assertTrue(order.governance_margin_low)
        self.assertIn("15.49 %", self._reasons(order))
        line.with_user(self.salesperson).discount = 0.0
        self.assertFalse(order.governance_margin_low)
        # A category (or its parent) may ask more than the company.
        parent = self.env["product.category"].create(
            {
                "name": "Machines",
                "governance_min_margin_custom": True,
                "governance_min_margin": 45.0,
            }
        )
        child = self.env["product.category"].create(
            {"name": "Presses", "parent_id": parent.id}
        )
        self.product.categ_id = child
        order.with_user(self.salesperson).order_line.product_uom_qty = 3
        self.assertTrue(order.governance_margin_low)
        self.assertIn("Machines", self._reasons(order))

    def test_requested_date_in_the_past_or_before_the_lead_time(self):
        self._known_customer()
        self.product.sale_delay = 10
        order = self._create_order(
            commitment_date=fields.Datetime.now() + timedelta(days=30)
        )
        self.assertFalse(order.governance_date_impossible)
        as_sales = order.with_user(self.salesperson)
        as_sales.commitment_date = fields.Datetime.now() + timedelta(days=5)
        self.assertTrue(order.governance_date_impossible)
        self.assertIn("10 days", self._reasons(order))
        # A shorter lead time typed on the line does not hide the product's.
        as_sales.order_line.customer_lead = 0.0
        self.assertTrue(order.governance_date_impossible)
        as_sales.commitment_date = fields.Datetime.now() - timedelta(days=2)
        self.assertTrue(order.governance_date_impossible)
        self.assertIn("in the past", self._reasons(order))

    def test_quantities_zero_or_far_above_the_customer_history(self):
        self._known_customer(lines=[(self.product, 2, 100.0)])
        self._known_customer(lines=[(self.product, 4, 100.0)])  # average 3
        order = self._create_order(lines=[(self.product, 9, 100.0)])
        self.assertFalse(order.governance_quantity_abnormal, "3 x 3 is the limit")
        order.with_user(self.salesperson).order_line.product_uom_qty = 10
        self.assertTrue(order.governance_quantity_abnormal)
        self.assertIn("3.00", self._reasons(order))
        order.with_user(self.salesperson).order_line.product_uom_qty = 0
        self.assertTrue(order.governance_quantity_abnormal)
        self.assertIn("zero or negative", self._reasons(order))
        # No history of the product with this customer: not flagged.
        order.with_user(self.salesperson).order_line.write(
            {"product_id": self.service.id, "product_uom_qty": 1000, "price_unit": 50}
        )
        self.assertFalse(order.governance_quantity_abnormal)

    def test_high_risk_customer_hold_overdue_or_grade(self):
        self._known_customer()
        order = self._create_order()
        self.assertFalse(order.governance_high_risk)
        partner = self.customer.with_user(self.controller)
        partner.credit_risk_grade = "high"
        order._governance_refresh_flags()
        self.assertTrue(order.governance_high_risk)
        self.assertIn("High", self._reasons(order))
        partner.write({"credit_risk_grade": "low", "credit_hold": True})
        order._governance_refresh_flags()
        self.assertIn("credit hold", self._reasons(order))
        partner.credit_hold = False
        today = fields.Date.context_today(order)
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": today - timedelta(days=60),
                "invoice_date_due": today - timedelta(days=40),
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create({"product_id": self.service.id, "price_unit": 100.0})
                ],
            }
        )
        invoice.action_post()
        order._governance_refresh_flags()
        self.assertTrue(order.governance_high_risk)
        self.assertIn("40 days", self._reasons(order))
        self.customer.with_user(self.controller).credit_overdue_tolerance_days = 45
        order._governance_refresh_flags()
        self.assertFalse(order.governance_high_risk)

    def test_confirmed_orders_keep_the_flags_they_were_confirmed_with(self):
        order = self._create_order()
        self.assertTrue(order.governance_new_customer)
        order.with_user(self.salesperson).action_confirm()
        # The customer is known now, but this order was a new customer's.
        order.flush_recordset()
        self.env.add_to_compute(order._fields["governance_new_customer"], order)
        self.assertTrue(order.governance_new_customer)
        self.assertFalse(self._create_order().governance_new_customer)

    def test_flags_are_searchable(self):
        self._known_customer()
        normal = self._create_order()
        abnormal = self._create_order(lines=[(self.product, 1, 50.0)])
        orders = self.env["sale.order"].search(
            [("id", "in", (normal | abnormal).ids), ("governance_abnormal", "=", True)]
        )
        self.assertEqual(orders, abnormal)
        orders = self.env["sale.order"].search(
            [
                ("id", "in", (normal | abnormal).ids),
                ("governance_margin_low", "=", True),
            ]
        )
        self.assertEqual(orders, abnormal)


@tagged("post_install", "-at_install")
class TestAbnormalRefresh(AbnormalCase):
    def test_submission_routes_on_fresh_flags(self):
        order = self._create_order()
        self.assertTrue(order.governance_new_customer)
        # Meanwhile the customer's first order is confirmed elsewhere.
        self._known_customer(lines=[(self.service, 1, 50.0)])
        stage = self._create_stage(
            "Credit Evaluation",
            self.finance_user,
            5,
            department="finance",
            domain="[('governance_new_customer', '=', True)]",
        )
        self._create_stage("Sales Manager", self.sales_manager, 10)
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertFalse(order.governance_new_customer)
        self.assertNotIn(stage, order.governance_review_ids.stage_id)

    def test_daily_check_of_open_quotations(self):
        self._known_customer()
        order = self._create_order(
            commitment_date=fields.Datetime.now() + timedelta(days=3)
        )
        self.assertFalse(order.governance_date_impossible)
        Order = self.env["sale.order"]
        self.assertNotIn(order, Order._cron_governance_refresh_flags())
        with freeze_time(fields.Datetime.now() + timedelta(days=5)):
            checked = Order._cron_governance_refresh_flags()
            self.assertIn(order, checked)
            self.assertTrue(order.governance_date_impossible)
            self.assertNotIn(order, Order._cron_governance_refresh_flags())

    def test_daily_check_works_in_batches(self):
        self._known_customer()
        orders = self._create_order() | self._create_order() | self._create_order()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET governance_flags_checked_at = NULL WHERE id IN %s",
            [tuple(orders.ids)],
        )
        orders.invalidate_recordset()
        Order = self.env["sale.order"]
        first = Order._cron_governance_refresh_flags(batch_size=2)
        second = Order._cron_governance_refresh_flags(batch_size=2)
        self.assertEqual(len(first & orders), 2)
        self.assertTrue(orders <= first | second)
        self.assertTrue(all(orders.mapped("governance_flags_checked_at")))

    def test_checks_cost_no_query_per_order_or_line(self):
        self._known_customer()
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Seasonal",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.product.id,
                            "compute_price": "fixed",
                            "fixed_price": 95.0,
                        }
                    )
                ],
            }
        )
        orders = self.env["sale.order"]
        for index in range(6):
            orders |= self._create_order(
                lines=[
                    (self.product, 1 + index, 90.0),
                    (self.product, 2, 100.0),
                    (self.service, 1, 45.0),
                ],
                pricelist_id=pricelist.id,
                date_order=fields.Datetime.now() - timedelta(days=index),
            )
        self.env.flush_all()

        def queries(batch):
            self.env.invalidate_all()
            for name in CHECK_FIELDS:
                self.env.add_to_compute(batch._fields[name], batch)
            start = self.env.cr.sql_log_count
            batch.flush_recordset(list(CHECK_FIELDS))
            return self.env.cr.sql_log_count - start

        one, six = queries(orders[:1]), queries(orders)
        self.assertLessEqual(six, one + 2, f"1 order: {one} queries, 6: {six}")
        self.assertTrue(all(orders.mapped("governance_price_below_list")))


@tagged("post_install", "-at_install")
class TestShippedStagesRouting(AbnormalCase):
    """The stages shipped as data, as a new database gets them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.production_user = cls._create_reviewer(
            "gov_abnormal_production", "production", "Pablo Production"
        )
        # The customer has a confirmed order (before any stage applies); the
        # newcomer has none.
        cls._create_order().with_user(cls.salesperson).action_confirm()
        cls.newcomer = cls.env["res.partner"].create(
            {"name": "Newcomer Ltd", "is_company": True}
        )
        cls.shipped = cls.env["sale.review.stage"]
        for name in (
            "credit_evaluation",
            "sales",
            "finance",
            "warehouse",
            "production",
            "management",
        ):
            cls.shipped |= cls.env.ref(
                f"sale_order_governance.sale_review_stage_{name}"
            )
        cls.shipped.action_unarchive()
        cls.credit_evaluation = cls.env.ref(
            "sale_order_governance.sale_review_stage_credit_evaluation"
        )
        cls.management = cls.env.ref(
            "sale_order_governance.sale_review_stage_management"
        )

    def _submit(self, order):
        order.with_user(self.salesperson).action_submit_for_review()
        return order.governance_review_ids.filtered(lambda r: r.state == "pending")

    def test_new_customer_goes_to_finance_first(self):
        pending = self._submit(self._create_order(partner_id=self.newcomer.id))
        self.assertEqual(pending.stage_id, self.credit_evaluation)
        self.assertEqual(pending.department, "finance")
        self.assertNotIn(
            self.management, pending.order_id.governance_review_ids.stage_id
        )

    def test_high_risk_customer_goes_to_finance_first(self):
        self.customer.with_user(self.controller).credit_risk_grade = "high"
        pending = self._submit(self._create_order())
        self.assertEqual(pending.stage_id, self.credit_evaluation)

    def test_known_customer_starts_with_the_sales_manager(self):
        order = self._create_order()
        pending = self._submit(order)
        self.assertEqual(pending.stage_id.department, "sales")
        stages = order.governance_review_ids.stage_id
        self.assertNotIn(self.credit_evaluation, stages)
        self.assertNotIn(self.management, stages)

    def test_abnormal_order_goes_to_the_general_manager(self):
        order = self._create_order(lines=[(self.product, 2, 70.0)])
        self._submit(order)
        self.assertIn(self.management, order.governance_review_ids.stage_id)
        # The reviewers see why, as evidence of their department.
        self._approve_pending(order, self.sales_manager)
        for user in (self.finance_user, self.warehouse_user, self.production_user):
            self._approve_pending(order, user)
        review = self._approve_pending(order, self.general_manager)
        keys = [key for key, _value in review.evidence["items"]]
        self.assertIn("flag_price_below_list", keys)
        self.assertIn("flag_margin_low", keys)
        self.assertIn("Price below the pricelist", review.evidence_html)
        self.assertEqual(order.review_state, "approved")

    def test_threshold_compares_the_amount_in_company_currency(self):
        self.company.governance_quantity_factor = 0.0
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "!=", self.company.currency_id.name)], limit=1)
        )
        currency.active = True
        # 1 company currency unit = 0.5 of the order's currency.
        self.env["res.currency.rate"].create(
            {
                "currency_id": currency.id,
                "rate": 0.5,
                "name": fields.Date.today() - timedelta(days=1),
                "company_id": self.company.id,
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Foreign", "currency_id": currency.id}
        )
        order = self._create_order(
            lines=[(self.product, 600, 100.0)], pricelist_id=pricelist.id
        )
        self.assertEqual(order.currency_id, currency)
        self.assertAlmostEqual(order.amount_total, 60000.0)
        self.assertAlmostEqual(order.governance_amount_company, 120000.0)
        self.assertFalse(order.governance_abnormal)
        self._submit(order)
        self.assertIn(self.management, order.governance_review_ids.stage_id)


@tagged("post_install", "-at_install")
class TestAbnormalAttacks(AbnormalCase):
    """As a salesperson through RPC: the flags are the engine's."""

    def test_salesperson_cannot_clear_the_flags(self):
        self._known_customer()
        order = self._create_order(lines=[(self.product, 1, 50.0)])
        before = self._flags(order)
        self.assertTrue(before["governance_abnormal"])
        as_sales = order.with_user(self.salesperson)
        for name in (
            *FLAG_FIELDS,
            "governance_amount_company",
            "governance_flags_checked_at",
        ):
            with self.subTest(field=name), self.assertRaises(UserError):
                as_sales.write(
                    {name: False if name != "governance_amount_company" else 1.0}
                )
        self.assertEqual(self._flags(order), before)
        self.assertAlmostEqual(order.governance_amount_company, 50.0)

    def test_salesperson_cannot_create_an_order_without_flags(self):
        Order = self.env["sale.order"].with_user(self.salesperson)
        count = Order.search_count([])
        with self.assertRaises(UserError):
            Order.create(
                {
                    "partner_id": self.customer.id,
                    "governance_new_customer": False,
                    "governance_amount_company": 1.0,
                }
            )
        self.assertEqual(Order.search_count([]), count)

    def test_forged_amount_total_does_not_lower_the_company_amount(self):
        self._known_customer()
        order = self._create_order(lines=[(self.product, 1000, 100.0)])
        as_sales = order.with_user(self.salesperson)
        # A client cannot write the total Odoo derives from the lines ...
        with self.assertRaises(UserError):
            as_sales.write({"amount_total": 1.0})
        # ... and the company amount is recomputed from the lines' prices,
        # never from the stored total, even if it were forged by other code.
        order.sudo().with_context(sale_order_governance_token="x").write(
            {"date_order": fields.Datetime.now() - timedelta(hours=1)}
        )
        self.assertAlmostEqual(order.governance_amount_company, 100000.0)

    def test_risk_grade_is_set_by_credit_controllers_only(self):
        as_sales = self.customer.with_user(self.salesperson)
        with self.assertRaises(AccessError):
            as_sales.write({"credit_risk_grade": "low"})
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.credit_risk_grade)
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesperson).create(
                {"name": "Graded Newcomer", "credit_risk_grade": "low"}
            )
        self.assertFalse(
            self.env["res.partner"].search([("name", "=", "Graded Newcomer")])
        )
        self.customer.with_user(self.controller).credit_risk_grade = "medium"
        self.assertEqual(self.customer.credit_risk_grade, "medium")
