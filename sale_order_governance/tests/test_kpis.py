# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .request_common import RequestCase


@tagged("post_install", "-at_install")
class TestKpiRates(RequestCase):
    """Cancel, change and bad-debt rates as a manager reads them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_stage(
            "Sales Manager (cancellations)",
            cls.sales_manager,
            applies_to="cancel",
        )
        cls._create_stage(
            "Production (changes)",
            cls.production_user,
            department="production",
            applies_to="change",
        )
        cls.other_customer = cls.env["res.partner"].create(
            {
                "name": "Second Customer",
                "property_payment_term_id": cls.payment_term.id,
            }
        )

    def _rows(self, orders, fields_, groupby=()):
        self.env.flush_all()
        return self.env["sale.governance.report"].read_group(
            [("order_id", "in", orders.ids)], fields_, list(groupby), lazy=False
        )

    def test_cancel_and_change_rates_count_confirmed_orders(self):
        moved = self._confirmed_order()
        new_date = moved.commitment_date + timedelta(days=5)
        promised = moved.governance_promised_date
        self.assertEqual(promised, moved.commitment_date)
        self.assertTrue(moved.governance_confirmed_date)
        request = self._change_request(moved, {}, new_commitment_date=new_date)
        self._submit_request(request, self.production_user)
        request.with_user(self.salesperson).action_apply()
        # The date approved with the change is the promise now.
        self.assertEqual(moved.governance_promised_date, new_date)

        cancelled = self._confirmed_order()
        confirmed_on = cancelled.governance_confirmed_date
        cancel = self._cancel_request(cancelled, note="Project stopped")
        self._submit_request(cancel, self.sales_manager)
        self.assertEqual(cancelled.state, "cancel")
        self.assertEqual(cancelled.governance_confirmed_date, confirmed_on)

        quotation = self._create_order()
        quotation.with_user(self.salesperson).action_cancel()
        self.assertFalse(quotation.governance_confirmed_date)

        drafted = self._create_order(partner_id=self.other_customer.id)
        drafted.with_user(self.salesperson).action_confirm()
        self._change_request(drafted, {}, new_commitment_date=new_date)  # a draft

        orders = moved | cancelled | quotation | drafted
        [row] = self._rows(
            orders,
            [
                "confirmed_count:sum",
                "submitted_change_count:sum",
                "cancel_rate:avg",
                "change_rate:avg",
            ],
        )
        self.assertEqual(row["__count"], 4)
        self.assertEqual(row["confirmed_count"], 3)  # not the quotation
        self.assertEqual(row["submitted_change_count"], 1)  # not the draft
        self.assertAlmostEqual(row["cancel_rate"], 100 / 3)
        self.assertAlmostEqual(row["change_rate"], 100 / 3)
        per_customer = {
            row["partner_id"][0]: (row["cancel_rate"], row["change_rate"])
            for row in self._rows(
                orders, ["cancel_rate:avg", "change_rate:avg"], ["partner_id"]
            )
        }
        self.assertEqual(
            per_customer,
            {self.customer.id: (50.0, 50.0), self.other_customer.id: (0.0, 0.0)},
        )

    def test_confirmation_and_promise_kept_by_the_engine(self):
        order = self._confirmed_order()
        for name in ("governance_confirmed_date", "governance_promised_date"):
            for user in (self.salesperson, self.sales_manager):
                with self.assertRaisesRegex(UserError, "sales governance engine"):
                    order.with_user(user).write({name: "2020-01-01 00:00:00"})
        with self.assertRaisesRegex(UserError, "sales governance engine"):
            self._create_order(governance_confirmed_date="2020-01-01 00:00:00")

    def test_bad_debt_from_write_off_and_long_overdue(self):
        bad_debts = self.env["account.account"].create(
            {"name": "Bad Debts", "code": "689100", "account_type": "expense"}
        )
        self.company.governance_bad_debt_account_ids = bad_debts
        self.company.governance_bad_debt_days = 90

        written_off, old, recent, paid, not_invoiced = (
            self._confirmed_order(lines=[(self.service, qty, 50.0)])
            for qty in (4, 1, 1, 1, 1)
        )
        invoice = self._invoice(written_off)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {
                "amount": 50.0,
                "payment_difference_handling": "reconcile",
                "writeoff_account_id": bad_debts.id,
                "writeoff_label": "Customer insolvent",
            }
        )._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

        with freeze_time(fields.Date.today() - timedelta(days=150)):
            self._invoice(old)  # due 30 days later: 120 days overdue now

        with freeze_time(fields.Date.today() - timedelta(days=60)):
            self._invoice(recent)  # 30 days overdue: overdue, not bad debt

        paid_invoice = self._invoice(paid)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid_invoice.ids
        ).create({})._create_payments()

        orders = written_off | old | recent | paid | not_invoiced
        self.env.flush_all()
        written = self.env["sale.governance.report"].search(
            [("order_id", "in", orders.ids), ("written_off", "=", True)]
        )
        self.assertEqual(written.order_id, written_off)
        [row] = self._rows(orders, ["bad_debt_rate:avg", "payment_overdue_rate:avg"])
        self.assertAlmostEqual(row["bad_debt_rate"], 50.0)  # 2 of 4 invoiced
        self.assertAlmostEqual(row["payment_overdue_rate"], 50.0)  # old, recent
        # A longer age: only the write-off is bad debt.
        self.company.governance_bad_debt_days = 365
        [row] = self._rows(orders, ["bad_debt_rate:avg"])
        self.assertAlmostEqual(row["bad_debt_rate"], 25.0)


@tagged("post_install", "-at_install")
class TestDeliveryKpis(RequestCase):
    """Returns, accuracy, on-time delivery per line and per order, and
    fulfilment lateness per department."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.governance_fulfilment_delay_points = 2.0

    def _return(self, picking, qty):
        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_id=picking.id, active_model="stock.picking"
            )
        ).save()
        wizard.product_return_moves.quantity = qty
        returned = wizard._create_return()
        returned.move_ids.quantity = qty
        returned.move_ids.picked = True
        returned.button_validate()
        self.assertEqual(returned.state, "done")
        return returned

    def _deliver_at(self, order, quantities, when):
        with freeze_time(when):
            return self._deliver(order, quantities)

    def _confirmed_at(self, lines, commitment, user=None):
        user = user or self.salesperson
        with freeze_time("2026-03-02 09:00:00"):
            order = self._create_order(
                lines=lines, user=user, commitment_date=commitment
            )
            order.with_user(user).action_confirm()
        return order

    def test_returns_accuracy_and_on_time_per_order_and_line(self):
        returned = self._confirmed_at([(self.product, 2, 100.0)], "2026-03-10 12:00:00")
        delivery = self._deliver_at(returned, {self.product: 2}, "2026-03-05 10:00:00")
        with freeze_time("2026-03-06 10:00:00"):
            self._return(delivery, 1)

        split = self._confirmed_at(
            [(self.product, 2, 100.0), (self.product_b, 4, 40.0)],
            "2026-03-04 12:00:00",
        )
        self._deliver_at(
            split, {self.product: 2, self.product_b: 3}, "2026-03-03 10:00:00"
        )
        self._deliver_at(split, {self.product_b: 1}, "2026-03-06 12:00:00")

        exact = self._confirmed_at([(self.product_b, 1, 40.0)], "2026-03-10 12:00:00")
        self._deliver_at(exact, {self.product_b: 1}, "2026-03-04 10:00:00")

        orders = returned | split | exact
        self.env.flush_all()
        rows = {
            row.order_id: row
            for row in self.env["sale.governance.report"].search(
                [("order_id", "in", orders.ids)]
            )
        }
        self.assertEqual(rows[returned].return_count, 1)
        self.assertRecordValues(
            rows[returned] | rows[split] | rows[exact],
            [
                {
                    "on_time_rate": 100.0,
                    "shipping_accuracy_rate": 0.0,
                    "order_accuracy_rate": 0.0,
                },
                {
                    "on_time_rate": 0.0,  # the backorder left after the promise
                    "shipping_accuracy_rate": 100.0,
                    "order_accuracy_rate": 100.0,
                },
                {
                    "on_time_rate": 100.0,
                    "shipping_accuracy_rate": 100.0,
                    "order_accuracy_rate": 100.0,
                },
            ],
        )
        lines = self.env["sale.governance.line.report"].search(
            [("order_id", "in", orders.ids)], order="id"
        )
        self.assertRecordValues(
            lines,
            [
                {"qty_returned": 1.0, "on_time_rate": 100.0, "accuracy_rate": 0.0},
                {"qty_returned": 0.0, "on_time_rate": 100.0, "accuracy_rate": 100.0},
                {"qty_returned": 0.0, "on_time_rate": 0.0, "accuracy_rate": 100.0},
                {"qty_returned": 0.0, "on_time_rate": 100.0, "accuracy_rate": 100.0},
            ],
        )
        self.assertEqual(
            lines[2].delivered_date, datetime(2026, 3, 6, 12, 0), "the last delivery"
        )

        # Warehouse lateness: the backorder, two started days after the promise.
        fulfilment = self.env["sale.fulfilment.report"].search(
            [("order_id", "in", orders.ids)]
        )
        self.assertEqual(len(fulfilment), 4, "returns are not deliveries")
        self.assertEqual(set(fulfilment.mapped("department")), {"warehouse"})
        late = fulfilment.filtered("is_late")
        self.assertEqual(late.order_id, split)
        self.assertRecordValues(late, [{"late_days": 2, "delay_score": 4.0}])

    def test_production_lateness_when_mrp_is_installed(self):
        if "mrp.production" not in self.env:
            self.skipTest("mrp is not installed: no production to score")
        manufacture = self.warehouse.manufacture_pull_id.route_id
        mto = self.env.ref("stock.route_warehouse0_mto")
        mto.active = True
        made = self.env["product.product"].create(
            {
                "name": "Made to Order",
                "type": "consu",
                "is_storable": True,
                "route_ids": [Command.set((manufacture | mto).ids)],
            }
        )
        component = self.env["product.product"].create(
            {"name": "Component", "type": "consu", "is_storable": True}
        )
        self.env["mrp.bom"].create(
            {
                "product_tmpl_id": made.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [
                    Command.create({"product_id": component.id, "product_qty": 1})
                ],
            }
        )
        self.env["stock.quant"]._update_available_quantity(
            component, self.warehouse.lot_stock_id, 10.0
        )
        order = self._confirmed_at([(made, 2, 100.0)], "2026-03-04 12:00:00")
        production = order.procurement_group_id.stock_move_ids.created_production_id
        self.assertEqual(len(production), 1)
        with freeze_time("2026-03-07 10:00:00"):
            production.action_assign()
            production.qty_producing = 2
            production._set_qty_producing()
            production.button_mark_done()
        self.assertEqual(production.state, "done")
        self.env.flush_all()
        rows = self.env["sale.fulfilment.report"].search(
            [("order_id", "=", order.id), ("department", "=", "production")]
        )
        self.assertRecordValues(
            rows,
            [
                {
                    "name": production.name,
                    "is_late": True,
                    "late_days": 3,
                    "delay_score": 6.0,
                }
            ],
        )
        # The delivery not made yet is late too, for the warehouse, until now.
        warehouse = self.env["sale.fulfilment.report"].search(
            [("order_id", "=", order.id), ("department", "=", "warehouse")]
        )
        self.assertTrue(warehouse.is_late)
        self.assertFalse(warehouse.done_date)

    def test_salesperson_sees_own_orders_only(self):
        mine = self._confirmed_at([(self.product, 1, 100.0)], "2026-03-04 12:00:00")
        theirs = self._confirmed_at(
            [(self.product, 1, 100.0)], "2026-03-04 12:00:00", self.sales_manager
        )
        self.env.flush_all()
        for model in ("sale.fulfilment.report", "sale.governance.line.report"):
            found = (
                self.env[model]
                .with_user(self.salesperson)
                .search([("order_id", "in", (mine | theirs).ids)])
            )
            self.assertEqual(found.order_id, mine, model)


@tagged("post_install", "-at_install")
class TestKpiViews(RequestCase):
    def test_analyses_open_and_read_every_column(self):
        """Each analysis's views load and every column reads, as a salesperson
        and as a sales manager, through the menus' actions."""
        order = self._confirmed_order()
        self._deliver(order, {self.product: 2})
        manager = self.env.ref("base.user_admin")
        actions = (
            "sale_governance_report_action_rates",
            "sale_review_delay_report_action",
            "sale_fulfilment_report_action",
            "sale_governance_line_report_action",
            "sale_governance_summary_action",
        )
        for xmlid in actions:
            action = self.env.ref(f"sale_order_governance.{xmlid}")
            model = self.env[action.res_model]
            views = [(False, mode) for mode in action.view_mode.split(",")]
            for user in (self.salesperson, manager):
                if model._transient and user == self.salesperson:
                    continue
                with self.subTest(action=xmlid, user=user.login):
                    model.with_user(user).get_views([*views, (False, "search")])
                    if not model._transient:
                        model.with_user(user).search_read([], list(model._fields))
        self.env.flush_all()
        self.assertTrue(
            self.env["sale.governance.line.report"].search(
                [("order_id", "=", order.id)]
            )
        )
