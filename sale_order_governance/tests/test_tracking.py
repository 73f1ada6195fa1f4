# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..hooks import fill_tracking_columns
from .common import GovernanceCase


@tagged("post_install", "-at_install")
class TrackingCase(GovernanceCase):
    """Orders walked through Odoo's own stock and accounting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        # No stock: its orders wait for goods until the test brings some.
        cls.widget = cls.env["product.product"].create(
            {
                "name": "Tracked Widget",
                "type": "consu",
                "is_storable": True,
                "list_price": 100.0,
                "standard_price": 60.0,
            }
        )
        cls.company.governance_late_risk_days = 3

    def _stock(self, product, quantity):
        self.env["stock.quant"]._update_available_quantity(
            product, self.stock_location, quantity
        )

    def _confirmed(self, lines=None, **vals):
        order = self._create_order(lines=lines or [(self.widget, 5, 100.0)], **vals)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        return order

    def _open(self, order):
        return order.picking_ids.filtered(
            lambda picking: picking.state not in ("done", "cancel")
        )

    def _validate(self, picking, quantities=None, backorder=True):
        """Validate with ``{product: qty}`` (default: everything)."""
        for move in picking.move_ids:
            quantity = (quantities or {}).get(move.product_id, move.product_uom_qty)
            move.quantity = quantity
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict):
            wizard = Form.from_action(self.env, result).save()
            if backorder:
                wizard.process()
            else:
                wizard.process_cancel_backorder()
        self.assertEqual(picking.state, "done")
        return picking

    def _return(self, picking, quantity, exchange=False):
        wizard = Form(
            self.env["stock.return.picking"].with_context(
                active_ids=picking.ids,
                active_id=picking.id,
                active_model="stock.picking",
            )
        ).save()
        wizard.product_return_moves.quantity = quantity
        if exchange:
            action = wizard.action_create_exchanges()
        else:
            action = wizard.action_create_returns()
        return self.env["stock.picking"].browse(action["res_id"])

    def _invoice(self, order):
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    def _pay(self, invoices):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoices.ids
        ).create({})._create_payments()
        for invoice in invoices:
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def _done_order(self, **vals):
        """Delivered, invoiced and paid: ready to close."""
        self._stock(self.product, 2)
        order = self._confirmed(lines=[(self.product, 2, 100.0)], **vals)
        self._validate(self._open(order))
        self._pay(self._invoice(order))
        self.assertEqual(order.governance_stage, "shipped")
        self.assertTrue(order.paid_date)
        return order


class TestGovernanceStage(TrackingCase):
    def test_one_step_delivery_from_review_to_closing(self):
        self._create_stage("Sales Manager", self.sales_manager, 10)
        order = self._create_order(lines=[(self.widget, 5, 100.0)])
        self.assertEqual(order.governance_stage, "draft")
        with freeze_time("2026-03-02 09:00:00"):
            order.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(order.governance_stage, "in_review")
        self.assertEqual(order.submitted_date, datetime(2026, 3, 2, 9, 0))
        with freeze_time("2026-03-02 11:30:00"):
            self._approve_pending(order, self.sales_manager)
        self.assertEqual(order.review_state, "approved")
        self.assertEqual(order.approved_date, datetime(2026, 3, 2, 11, 30))
        # Approved but not confirmed yet: still a quotation.
        self.assertEqual(order.governance_stage, "draft")

        order.with_user(self.salesperson).action_confirm()
        picking = order.picking_ids
        self.assertEqual(picking.state, "confirmed")
        self.assertEqual(order.governance_stage, "to_produce")
        # The confirmation keeps the approval date of the reviews.
        self.assertEqual(order.approved_date, datetime(2026, 3, 2, 11, 30))

        self._stock(self.widget, 5)
        picking.action_assign()
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(order.governance_stage, "to_ship")
        self.assertFalse(order.delivered_date)

        self._validate(picking)
        self.assertEqual(order.governance_stage, "shipped")
        self.assertEqual(order.delivered_date, picking.date_done)

        picking.action_governance_mark_received()
        self.assertTrue(picking.governance_received_date)
        self.assertEqual(order.governance_stage, "received")

        invoice = self._invoice(order)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(order.governance_payment_due_date, invoice.invoice_date_due)
        self.assertFalse(order.paid_date)
        self.assertEqual(order.governance_stage, "received")
        self._pay(invoice)
        self.assertTrue(order.paid_date)
        self.assertFalse(order.governance_payment_due_date)

        attachment = self.env["ir.attachment"].create(
            {
                "name": "customer-po.pdf",
                "res_model": "sale.order",
                "res_id": order.id,
                "raw": b"%PDF-1.4 customer PO",
            }
        )
        order.with_user(self.salesperson).action_close()
        self.assertEqual(order.governance_stage, "closed")
        self.assertTrue(order.closed_date)
        self.assertTrue(order.locked)
        # Its documents stay attached.
        self.assertEqual(
            self.env["ir.attachment"].search(
                [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
            ),
            attachment,
        )
        self.assertIn("Order closed", order.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "a closed order stays locked"):
            order.with_user(self.salesperson).action_unlock()
        self.assertTrue(order.locked)

    def test_two_step_delivery(self):
        self.warehouse.delivery_steps = "pick_ship"
        order = self._confirmed(lines=[(self.widget, 3, 100.0)])
        # The pick comes first; the ship step is pushed once it is done.
        pick = order.picking_ids
        self.assertEqual(pick.picking_type_id, self.warehouse.pick_type_id)
        self.assertEqual(pick.state, "confirmed")
        self.assertEqual(order.governance_stage, "to_produce")

        self._stock(self.widget, 3)
        pick.action_assign()
        self.assertEqual(pick.state, "assigned")
        self.assertEqual(order.governance_stage, "to_ship")

        self._validate(pick)
        ship = order.picking_ids - pick
        self.assertEqual(ship.picking_type_id, self.warehouse.out_type_id)
        self.assertEqual(ship.state, "assigned")
        self.assertEqual(order.governance_stage, "to_ship")
        # The pick is internal: not a delivery, nothing shipped yet.
        self.assertFalse(order.delivered_date)

        self._validate(ship)
        self.assertEqual(order.governance_stage, "shipped")
        self.assertEqual(order.delivered_date, ship.date_done)

    def test_partial_delivery_with_backorder(self):
        self._stock(self.widget, 4)
        order = self._confirmed(lines=[(self.widget, 10, 100.0)])
        picking = order.picking_ids
        self.assertEqual(picking.move_ids.state, "partially_available")
        # Not all the goods are there: not ready to ship.
        self.assertEqual(order.governance_stage, "to_produce")

        self._validate(picking, {self.widget: 4})
        backorder = self._open(order)
        self.assertEqual(backorder.backorder_id, picking)
        self.assertEqual(order.order_line.qty_delivered, 4)
        self.assertEqual(order.governance_stage, "to_produce")
        self.assertFalse(order.delivered_date)

        self._stock(self.widget, 6)
        backorder.action_assign()
        self.assertEqual(order.governance_stage, "to_ship")
        self._validate(backorder)
        self.assertEqual(order.governance_stage, "shipped")
        self.assertEqual(order.delivered_date, backorder.date_done)

    def test_partial_delivery_without_backorder_is_shipped(self):
        self._stock(self.widget, 4)
        order = self._confirmed(lines=[(self.widget, 10, 100.0)])
        self._validate(order.picking_ids, {self.widget: 4}, backorder=False)
        self.assertFalse(self._open(order))
        self.assertEqual(order.governance_stage, "shipped")

    def test_return_and_exchange(self):
        self._stock(self.widget, 3)
        order = self._confirmed(lines=[(self.widget, 3, 100.0)])
        # Stock on hand is reserved at confirmation.
        self.assertEqual(order.governance_stage, "to_ship")
        delivery = self._validate(order.picking_ids)
        self.assertEqual(order.governance_stage, "shipped")

        # A return is not a shipment: the order stays shipped, one unit less
        # delivered (to be credited).
        returned = self._return(delivery, 1)
        self.assertEqual(returned.picking_type_code, "incoming")
        self.assertEqual(order.governance_stage, "shipped")
        self._validate(returned)
        self.assertEqual(order.order_line.qty_delivered, 2)
        self.assertEqual(order.governance_stage, "shipped")
        self.assertEqual(order.delivered_date, delivery.date_done)

        # An exchange sends a replacement: back to "to ship" until it leaves.
        self._return(delivery, 1, exchange=True)
        exchange = self._open(order).filtered(
            lambda picking: picking.picking_type_code == "outgoing"
        )
        self.assertEqual(len(exchange), 1)
        exchange.action_assign()
        self.assertEqual(exchange.state, "assigned")
        self.assertEqual(order.governance_stage, "to_ship")
        self.assertFalse(order.delivered_date)
        for picking in self._open(order):
            self._validate(picking)
        self.assertEqual(order.governance_stage, "shipped")
        self.assertEqual(order.delivered_date, exchange.date_done)

    def test_signed_delivery_counts_as_received(self):
        self._stock(self.widget, 1)
        order = self._confirmed(lines=[(self.widget, 1, 100.0)])
        picking = self._validate(order.picking_ids)
        self.assertEqual(order.governance_stage, "shipped")
        picking.signature = (
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB"
            "0C8AAAAASUVORK5CYII="
        )
        self.assertTrue(picking.governance_received_date)
        self.assertEqual(order.governance_stage, "received")

    def test_mark_received_refused_before_delivery(self):
        self._stock(self.widget, 1)
        order = self._confirmed(lines=[(self.widget, 1, 100.0)])
        with self.assertRaisesRegex(UserError, order.picking_ids.name):
            order.picking_ids.action_governance_mark_received()
        self.assertFalse(order.picking_ids.governance_received_date)
        self.assertEqual(order.governance_stage, "to_ship")

    def test_services_and_cancelled_quotation(self):
        order = self._confirmed(lines=[(self.service, 2, 50.0)])
        self.assertFalse(order.picking_ids)
        self.assertEqual(order.governance_stage, "to_produce")
        order.order_line.qty_delivered = 2
        self.assertEqual(order.governance_stage, "received")
        self.assertTrue(order.delivered_date)

        quotation = self._create_order()
        quotation.with_user(self.salesperson).action_cancel()
        self.assertEqual(quotation.governance_stage, "cancel")

    def test_confirmed_without_review_gets_approval_date(self):
        with freeze_time("2026-03-05 10:00:00"):
            order = self._confirmed(lines=[(self.service, 1, 50.0)])
            self.assertEqual(order.approved_date, datetime(2026, 3, 5, 10, 0))
        self.assertFalse(order.submitted_date)

    def _made_to_order(self):
        """The widget made to order: MTO and Manufacture, one component."""
        if "mrp.production" not in self.env:
            self.skipTest("mrp is not installed: the stage ignores production")
        manufacture = self.warehouse.manufacture_pull_id.route_id
        mto = self.env.ref("stock.route_warehouse0_mto")
        mto.active = True
        self.widget.route_ids = [Command.set((manufacture | mto).ids)]
        component = self.env["product.product"].create(
            {"name": "Component", "type": "consu", "is_storable": True}
        )
        self.env["mrp.bom"].create(
            {
                "product_tmpl_id": self.widget.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [
                    Command.create({"product_id": component.id, "product_qty": 1})
                ],
            }
        )
        return component

    def _start_production(self, production, component):
        """Components in stock, then the first unit produced."""
        self._stock(component, 2)
        production.action_assign()
        production.qty_producing = 1
        production._set_qty_producing()

    def test_manufacturing_order_when_mrp_is_installed(self):
        component = self._made_to_order()
        order = self._confirmed(lines=[(self.widget, 2, 100.0)])
        production = order.procurement_group_id.stock_move_ids.created_production_id
        self.assertEqual(len(production), 1)
        self.assertEqual(order.governance_stage, "to_produce")
        self._start_production(production, component)
        self.assertEqual(production.state, "progress")
        self.assertEqual(order.governance_stage, "in_production")
        # Requests read the same manufacturing orders as the stage.
        assessment = order._governance_assessment()
        self.assertTrue(assessment["in_production"])
        self.assertEqual(assessment["progress"], "in_production")
        production.qty_producing = 2
        production._set_qty_producing()
        self.assertEqual(production.state, "to_close")
        self.assertEqual(order.governance_stage, "in_production")
        production.button_mark_done()
        self.assertEqual(production.state, "done")
        self.assertEqual(order.governance_stage, "to_ship")
        # Finished production is work done: a cancellation must handle it.
        self.assertTrue(order._governance_assessment()["in_production"])

    def test_manufacturing_order_of_a_two_step_delivery(self):
        """Made to order for the pick of a pick + ship delivery: the order's
        manufacturing order is found through the pick, as the report does."""
        component = self._made_to_order()
        self.warehouse.delivery_steps = "pick_ship"
        order = self._confirmed(
            lines=[(self.widget, 2, 100.0)],
            commitment_date=fields.Datetime.now() + timedelta(days=10),
        )
        production = order.order_line.move_ids.created_production_id
        self.assertEqual(len(production), 1)
        self.assertEqual(order.governance_stage, "to_produce")
        self._start_production(production, component)
        self.assertEqual(order.governance_stage, "in_production")
        self.env.flush_all()
        report = self.env["sale.fulfilment.report"].search(
            [("order_id", "=", order.id), ("department", "=", "production")]
        )
        self.assertEqual(report.name, production.name)
        # The SQL twin of the stage (installation) finds it too.
        self.env.cr.execute(
            "UPDATE sale_order SET governance_stage = NULL WHERE id = %s", [order.id]
        )
        fill_tracking_columns(self.env.cr, fields.Datetime.now(), order.ids)
        self.env.invalidate_all()
        self.assertEqual(order.governance_stage, "in_production")


class TestLateRisk(TrackingCase):
    def test_late_risk_flag_activity_once_and_filter(self):
        activity_type = self.env.ref(
            "sale_order_governance.mail_activity_type_late_risk"
        )
        Order = self.env["sale.order"]
        self._stock(self.product, 2)
        with freeze_time("2026-03-02 09:00:00"):
            near = self._confirmed(commitment_date="2026-03-04 12:00:00")
            ready = self._confirmed(
                lines=[(self.product, 2, 100.0)], commitment_date="2026-03-04 12:00:00"
            )
            far = self._confirmed(commitment_date="2026-03-20 12:00:00")
            quotation = self._create_order(commitment_date="2026-03-03 12:00:00")
            orders = near | ready | far | quotation
            self.assertRecordValues(
                orders,
                [
                    {"governance_stage": "to_produce", "late_risk": True},
                    {"governance_stage": "to_ship", "late_risk": False},
                    {"governance_stage": "to_produce", "late_risk": False},
                    {"governance_stage": "draft", "late_risk": False},
                ],
            )
            self.assertEqual(
                Order.search([("id", "in", orders.ids), ("late_risk", "=", True)]),
                near,
            )
            # The activity comes from the cron, once per order.
            Order._cron_governance_late_risk()
            Order._cron_governance_late_risk()
        activities = self.env["mail.activity"].search(
            [("activity_type_id", "=", activity_type.id), ("res_id", "in", orders.ids)]
        )
        self.assertEqual(activities.res_id, near.id)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.salesperson)
        self.assertTrue(near.governance_late_risk_notified_at)

        # Time passes: "far" enters the horizon, "ready" misses its date.
        with freeze_time("2026-03-18 09:00:00"):
            self.assertFalse(far.late_risk)
            Order._cron_governance_late_risk()
            self.assertTrue(far.late_risk)
            self.assertTrue(ready.late_risk)
            activities = self.env["mail.activity"].search(
                [
                    ("activity_type_id", "=", activity_type.id),
                    ("res_id", "in", orders.ids),
                ]
            )
            self.assertEqual(
                activities.mapped("res_id"), sorted((near | ready | far).ids)
            )

            # Shipped: no longer at risk, its activity is done.
            self._validate(ready.picking_ids)
            self.assertEqual(ready.governance_stage, "shipped")
            self.assertFalse(ready.late_risk)
            Order._cron_governance_late_risk()
            self.assertFalse(
                self.env["mail.activity"].search(
                    [
                        ("activity_type_id", "=", activity_type.id),
                        ("res_id", "=", ready.id),
                    ]
                )
            )

            # A shorter horizon lifts the flag of orders not yet due.
            self.company.governance_late_risk_days = 1
            Order._cron_governance_late_risk()
            self.assertFalse(far.late_risk)
            self.assertTrue(near.late_risk)  # its date has passed

    def test_goods_ready_in_time_is_not_at_risk(self):
        with freeze_time("2026-03-02 09:00:00"):
            order = self._confirmed(commitment_date="2026-03-04 12:00:00")
            self.assertTrue(order.late_risk)
            self._stock(self.widget, 5)
            order.picking_ids.action_assign()
            self.assertEqual(order.governance_stage, "to_ship")
            self.assertFalse(order.late_risk)


class TestClosing(TrackingCase):
    def test_close_refused_until_delivered_invoiced_and_paid(self):
        self._stock(self.product, 2)
        order = self._confirmed(lines=[(self.product, 2, 100.0)])
        with self.assertRaises(UserError) as error:
            order.with_user(self.salesperson).action_close()
        message = str(error.exception)
        self.assertIn(order.name, message)
        self.assertIn("it is not fully delivered", message)
        self.assertIn("it is not fully invoiced", message)
        self.assertIn("its invoices are not all paid", message)
        self.assertFalse(order.closed_date)
        self.assertFalse(order.locked)
        self.assertEqual(order.governance_stage, "to_ship")

        self._validate(order.picking_ids)
        invoice = self._invoice(order)
        with self.assertRaises(UserError) as error:
            order.with_user(self.salesperson).action_close()
        message = str(error.exception)
        self.assertNotIn("delivered", message)
        self.assertNotIn("invoiced", message)
        self.assertIn("its invoices are not all paid", message)
        self.assertFalse(order.closed_date)
        self.assertFalse(order.locked)

        self._pay(invoice)
        order.with_user(self.salesperson).action_close()
        self.assertEqual(order.governance_stage, "closed")
        self.assertTrue(order.locked)

    def test_close_refused_while_a_request_is_open(self):
        if "sale.order.change.request" not in self.env:
            self.skipTest("change requests are not part of the add-on")
        order = self._done_order()
        request = self.env["sale.order.change.request"].create(
            {
                "order_id": order.id,
                "reason": "The customer asks for a lower price",
                "line_ids": [
                    Command.create(
                        {"sale_line_id": order.order_line.id, "new_price_unit": 90.0}
                    )
                ],
            }
        )
        self.assertEqual(request.state, "draft")
        with self.assertRaises(UserError) as error:
            order.with_user(self.salesperson).action_close()
        self.assertIn(f"{request.display_name} is still open", str(error.exception))
        self.assertFalse(order.closed_date)
        self.assertFalse(order.locked)
        # The cron leaves it alone too.
        self.env["sale.order"]._cron_governance_close()
        self.assertFalse(order.closed_date)

        request.action_cancel()
        self.assertEqual(request.state, "cancelled")
        order.with_user(self.salesperson).action_close()
        self.assertTrue(order.closed_date)
        # Closed: no new request.
        with self.assertRaisesRegex(UserError, "it accepts no change or cancel"):
            self.env["sale.order.change.request"].create(
                {"order_id": order.id, "reason": "Too late"}
            )

    def test_close_refused_while_a_cancel_request_is_open(self):
        if "sale.order.cancel.request" not in self.env:
            self.skipTest("cancel requests are not part of the add-on")
        self._stock(self.product, 2)
        order = self._confirmed(lines=[(self.product, 2, 100.0)])
        reason = self.env["sale.order.cancel.reason"].create({"name": "Budget cut"})
        request = self.env["sale.order.cancel.request"].create(
            {"order_id": order.id, "reason_id": reason.id}
        )
        self._validate(order.picking_ids)
        self._pay(self._invoice(order))
        with self.assertRaises(UserError) as error:
            order.with_user(self.salesperson).action_close()
        self.assertIn(f"{request.display_name} is still open", str(error.exception))
        self.assertFalse(order.closed_date)

    def test_close_cron_batches_and_triggers_itself(self):
        cron = self.env.ref("sale_order_governance.ir_cron_governance_close")
        first, second = self._done_order(), self._done_order()
        pending = self._confirmed(lines=[(self.service, 1, 50.0)])
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        Order = self.env["sale.order"]
        closed = Order._cron_governance_close(batch_size=1)
        self.assertEqual(closed, first)
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers + 1,
        )
        self.assertEqual(Order._cron_governance_close(batch_size=1), second)
        self.assertFalse(Order._cron_governance_close(batch_size=1))
        self.assertRecordValues(
            first | second | pending,
            [
                {"governance_stage": "closed", "locked": True},
                {"governance_stage": "closed", "locked": True},
                {"governance_stage": "to_produce", "locked": False},
            ],
        )

    def test_auto_close_can_be_switched_off(self):
        order = self._done_order()
        self.company.governance_auto_close = False
        self.assertFalse(self.env["sale.order"]._cron_governance_close())
        self.assertFalse(order.closed_date)
        order.with_user(self.salesperson).action_close()
        self.assertTrue(order.closed_date, "closing by hand still works")


class TestTrackingSql(TrackingCase):
    """The install hook's SQL gives the values of the ORM's computes."""

    def test_sql_fill_matches_the_computes(self):
        self._stock(self.product, 10)
        self._create_stage(
            "Big orders",
            self.sales_manager,
            10,
            domain="[('amount_untaxed', '>', 5000)]",
        )
        draft = self._create_order()
        in_review = self._create_order(lines=[(self.widget, 100, 100.0)])
        in_review.with_user(self.salesperson).action_submit_for_review()
        to_produce = self._confirmed()
        to_ship = self._confirmed(lines=[(self.product, 2, 100.0)])
        shipped = self._confirmed(lines=[(self.product, 2, 100.0)])
        self._validate(shipped.picking_ids)
        received = self._confirmed(lines=[(self.product, 2, 100.0)])
        self._validate(received.picking_ids).action_governance_mark_received()
        paid = self._confirmed(lines=[(self.product, 2, 100.0)])
        self._validate(paid.picking_ids)
        self._pay(self._invoice(paid))
        unpaid = self._confirmed(lines=[(self.product, 2, 100.0)])
        self._invoice(unpaid)
        late = self._confirmed(commitment_date=fields.Datetime.now())
        service = self._confirmed(lines=[(self.service, 1, 50.0)])
        cancelled = self._create_order()
        cancelled.action_cancel()
        orders = (
            draft
            | in_review
            | to_produce
            | to_ship
            | shipped
            | received
            | paid
            | unpaid
            | late
            | service
            | cancelled
        )
        fnames = [
            "governance_stage",
            "late_risk",
            "delivered_date",
            "governance_payment_due_date",
        ]
        expected = orders.read(fnames + ["paid_date"])
        self.assertEqual(
            [row["governance_stage"] for row in expected],
            [
                "draft",
                "in_review",
                "to_produce",
                "to_ship",
                "shipped",
                "received",
                "shipped",
                "to_ship",
                "to_produce",
                "to_produce",
                "cancel",
            ],
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET governance_stage = NULL, late_risk = NULL, "
            "delivered_date = NULL, paid_date = NULL WHERE id = ANY(%s)",
            [orders.ids],
        )
        self.assertEqual(
            fill_tracking_columns(self.env.cr, fields.Datetime.now(), orders.ids),
            len(orders),
        )
        self.env.invalidate_all()
        actual = orders.read(fnames + ["paid_date"])
        for before, after in zip(expected, actual, strict=True):
            self.assertEqual(
                {name: before[name] for name in fnames},
                {name: after[name] for name in fnames},
            )
            self.assertEqual(bool(before["paid_date"]), bool(after["paid_date"]))

    def test_sql_fill_of_history_closes_and_notifies(self):
        paid = self._done_order()
        late = self._confirmed(commitment_date=fields.Datetime.now())
        self.env.flush_all()
        fill_tracking_columns(
            self.env.cr, fields.Datetime.now(), (paid | late).ids, history=True
        )
        self.env.invalidate_all()
        self.assertRecordValues(
            paid | late,
            [
                {"governance_stage": "closed", "locked": True, "late_risk": False},
                {"governance_stage": "to_produce", "locked": False, "late_risk": True},
            ],
        )
        self.assertTrue(paid.closed_date)
        self.assertEqual(late.approved_date, late.date_order)
        self.assertTrue(late.governance_late_risk_notified_at)
        self.assertFalse(paid.governance_late_risk_notified_at)
