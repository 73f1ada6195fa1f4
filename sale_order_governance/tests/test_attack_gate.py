# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Attacks on the confirmation gate, as an RPC client with the smallest role.

Engine-owned fields, every door to ``sale`` and the content an approval is
bound to. Each attack asserts the refusal and that nothing changed.
"""

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..models.engine_fields import ENGINE_OWNED_FIELDS
from .common import GovernanceCase

# A plausible value a client would send for each engine-owned field of orders.
FORGED_VALUES = {
    "review_state": "approved",
    "governance_review_ids": [Command.clear()],
    "governance_review_submitted_at": "2026-01-01 00:00:00",
    "governance_review_round": 7,
    "governance_review_base_round": 7,
    "governance_review_changes_requested": True,
    "governance_review_fingerprint": "0" * 40,
    "governance_held_online": True,
    "credit_override_ids": [Command.clear()],
    "governance_stage": "closed",
    "late_risk": True,
    "governance_late_risk_notified_at": "2026-01-01 00:00:00",
    "submitted_date": "2026-01-01 00:00:00",
    "approved_date": "2026-01-01 00:00:00",
    "closed_date": "2026-01-01 00:00:00",
    "delivered_date": "2026-01-01 00:00:00",
    "paid_date": "2026-01-01 00:00:00",
    "governance_payment_due_date": "2026-01-01",
    "governance_entry_hours": 1.0,
    "governance_shipment_days": 1.0,
    "governance_review_deadline": "2099-01-01 00:00:00",
    "governance_price_below_list": True,
    "governance_discount_exceeded": True,
    "governance_margin_low": True,
    "governance_date_impossible": True,
    "governance_quantity_abnormal": True,
    "governance_new_customer": True,
    "governance_high_risk": True,
    "governance_abnormal": True,
    "governance_flags_checked_at": "2026-01-01 00:00:00",
    "governance_forward_deadline": "2099-01-01 00:00:00",
    "governance_forward_late": True,
    "governance_amount_company": 1.0,
    "governance_confirmed_date": "2020-01-01 00:00:00",
    "governance_promised_date": "2099-01-01 00:00:00",
}

SNAPSHOT_FIELDS = [
    "state",
    "review_state",
    "governance_review_round",
    "governance_review_fingerprint",
    "governance_held_online",
    "approved_date",
    "closed_date",
    "amount_total",
]


class GateAttackCase(GovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage = cls._create_stage("Sales Manager", cls.sales_manager, 10)
        cls.salesperson_all = new_test_user(
            cls.env,
            login="gov_salesperson_all",
            groups="sales_team.group_sale_salesman_all_leads",
            name="Alex All Documents",
        )
        cls.attackers = cls.salesperson | cls.salesperson_all

    def _approved_order(self, **vals):
        order = self._create_order(**vals)
        order.with_user(self.salesperson).action_submit_for_review()
        self._approve_pending(order, self.sales_manager)
        self.assertEqual(order.review_state, "approved")
        return order

    def _snapshot(self, order):
        order.invalidate_recordset()
        lines = [
            (line.id, line.product_uom_qty, line.price_unit, line.name)
            for line in order.order_line
        ]
        return order.read(SNAPSHOT_FIELDS)[0], lines, len(order.governance_review_ids)

    def _assert_refused(self, order, call, exception=UserError):
        before = self._snapshot(order)
        with self.assertRaises(exception):
            call()
        self.assertEqual(self._snapshot(order), before, "nothing changed")


@tagged("post_install", "-at_install")
class TestEngineOwnedFields(GateAttackCase):
    def test_declared_fields_exist(self):
        """The declaration names real fields: a typo would protect nothing."""
        for model, names in ENGINE_OWNED_FIELDS.items():
            missing = set(names) - set(self.env[model]._fields)
            self.assertFalse(missing, model)
        self.assertEqual(set(FORGED_VALUES), set(ENGINE_OWNED_FIELDS["sale.order"]))

    def test_write_of_each_engine_field_is_refused(self):
        order = self._create_order()
        for user in self.attackers:
            for name, value in FORGED_VALUES.items():
                with self.subTest(user=user.login, field=name):
                    self._assert_refused(
                        order,
                        lambda name=name, value=value, user=user: order.with_user(
                            user
                        ).write({name: value}),
                    )

    def test_salesperson_cannot_approve_his_order_and_confirm(self):
        order = self._create_order()
        as_sales = order.with_user(self.salesperson)
        self._assert_refused(
            order, lambda: as_sales.write({"review_state": "approved"})
        )
        # Not even by sending a guessed token of the engine's context.
        forged = as_sales.with_context(
            sale_order_governance_token="0" * 32,
            sale_order_governance_apply_token="0" * 32,
            skip_validation_check=True,
        )
        self._assert_refused(order, lambda: forged.write({"review_state": "approved"}))
        with self.assertRaisesRegex(UserError, "must be reviewed"):
            as_sales.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_sudo_does_not_open_the_engine_fields(self):
        """The guard does not rest on the caller's rights."""
        order = self._create_order()
        self._assert_refused(
            order, lambda: order.sudo().write({"review_state": "approved"})
        )

    def test_create_with_engine_fields_is_refused(self):
        Order = self.env["sale.order"].with_user(self.salesperson)
        count = Order.search_count([])
        for name in ("review_state", "approved_date", "governance_held_online"):
            with self.subTest(field=name), self.assertRaises(UserError):
                Order.create(
                    {
                        "partner_id": self.customer.id,
                        "user_id": self.salesperson.id,
                        name: FORGED_VALUES[name],
                    }
                )
        self.assertEqual(Order.search_count([]), count, "nothing created")

    def test_context_defaults_of_engine_fields_are_ignored(self):
        order = (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .with_context(
                default_review_state="approved",
                default_governance_review_fingerprint="x",
                default_approved_date="2026-01-01 00:00:00",
            )
            .create({"partner_id": self.customer.id, "user_id": self.salesperson.id})
        )
        self.assertRecordValues(
            order,
            [
                {
                    "review_state": "not_submitted",
                    "governance_review_fingerprint": False,
                    "approved_date": False,
                }
            ],
        )

    def test_copy_with_engine_defaults_is_refused(self):
        order = self._approved_order()
        count = self.env["sale.order"].search_count([])
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).copy(default={"review_state": "approved"})
        self.assertEqual(self.env["sale.order"].search_count([]), count)
        copy = order.with_user(self.salesperson).copy()
        self.assertEqual(copy.review_state, "not_submitted")

    def test_import_of_engine_fields_is_refused(self):
        order = self._create_order()
        before = self._snapshot(order)
        result = (
            self.env["sale.order"]
            .with_user(self.salesperson_all)
            .load(
                ["id", "review_state"],
                [[order._export_rows([["id"]])[0][0], "approved"]],
            )
        )
        self.assertFalse(result["ids"])
        self.assertTrue(result["messages"])
        self.assertEqual(self._snapshot(order), before)

    def test_engine_fields_of_requests_are_refused(self):
        order = self._approved_order()
        order.with_user(self.salesperson).action_confirm()
        request = (
            self.env["sale.order.cancel.request"]
            .with_user(self.salesperson)
            .create(
                {
                    "order_id": order.id,
                    "reason_id": self.env["sale.order.cancel.reason"]
                    .search([], limit=1)
                    .id,
                }
            )
        )
        for name, value in (
            ("review_state", "approved"),
            ("governance_review_round", 3),
            ("governance_review_fingerprint", "x"),
        ):
            with self.subTest(field=name), self.assertRaises(UserError):
                request.with_user(self.salesperson).write({name: value})
        self.assertEqual(request.review_state, "not_submitted")


@tagged("post_install", "-at_install")
class TestEveryDoorToSale(GateAttackCase):
    def test_write_state_from_every_state(self):
        for start in ("draft", "sent", "cancel"):
            order = self._create_order()
            if start == "sent":
                order.action_quotation_sent()
            elif start == "cancel":
                order.with_user(self.salesperson).action_cancel()
            self.assertEqual(order.state, start)
            for user in self.attackers:
                with self.subTest(start=start, user=user.login):
                    self._assert_refused(
                        order,
                        lambda order=order, user=user: order.with_user(user).write(
                            {"state": "sale"}
                        ),
                    )

    def test_create_confirmed_order_is_gated(self):
        Order = self.env["sale.order"].with_user(self.salesperson)
        count = Order.search_count([])
        with self.assertRaises(UserError) as caught:
            Order.create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.salesperson.id,
                    "state": "sale",
                    "order_line": [
                        Command.create({"product_id": self.product.id, "price_unit": 1})
                    ],
                }
            )
        self.assertIn("must be reviewed", str(caught.exception))
        self.assertEqual(Order.search_count([]), count, "nothing created")

    def test_import_of_confirmed_order_is_gated(self):
        count = self.env["sale.order"].search_count([])
        result = (
            self.env["sale.order"]
            .with_user(self.salesperson_all)
            .load(
                ["partner_id/.id", "user_id/.id", "state"],
                [[str(self.customer.id), str(self.salesperson_all.id), "sale"]],
            )
        )
        self.assertFalse(result["ids"])
        self.assertEqual(self.env["sale.order"].search_count([]), count)

    def test_cancel_voids_the_approval(self):
        order = self._approved_order()
        as_sales = order.with_user(self.salesperson)
        as_sales.action_cancel()
        self.assertEqual(order.review_state, "not_submitted")
        decided = order.governance_review_ids.filtered(lambda r: r.state == "approved")
        self.assertTrue(decided, "the decision stays in the history")
        as_sales.action_draft()
        self.assertEqual(order.state, "draft")
        with self.assertRaisesRegex(UserError, "must be reviewed"):
            as_sales.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_confirmed_then_cancelled_order_starts_over(self):
        """Cancelled (by a request or not), set back to quotation: reviewed again."""
        order = self._approved_order()
        order.with_user(self.salesperson).action_confirm()
        request = (
            self.env["sale.order.cancel.request"]
            .with_user(self.salesperson)
            .create(
                {
                    "order_id": order.id,
                    "reason_id": self.env["sale.order.cancel.reason"]
                    .search([], limit=1)
                    .id,
                }
            )
        )
        request.action_submit()  # no cancel stage applies: carried out at once
        self.assertEqual(request.state, "done")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.review_state, "not_submitted")
        order.with_user(self.salesperson).action_draft()
        with self.assertRaisesRegex(UserError, "must be reviewed"):
            order.with_user(self.salesperson).action_confirm()

    def test_approval_holds_for_the_reviewed_content_only(self):
        """An edit that no watcher saw voids the approval at confirmation."""
        order = self._approved_order()
        line = order.order_line
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE sale_order_line SET price_unit = 1 WHERE id = %s", line.id)
        )
        order.invalidate_recordset()
        line.invalidate_recordset()
        self.assertEqual(order.review_state, "approved")
        with self.assertRaisesRegex(UserError, "changed after its reviews approved"):
            order.with_user(self.salesperson).action_confirm()
        with self.assertRaisesRegex(UserError, "changed after its reviews approved"):
            order.with_user(self.salesperson).write({"state": "sale"})
        self.assertEqual(order.state, "draft")
        # Submitted again, it is reviewed on its current content.
        order.with_user(self.salesperson).action_submit_for_review()
        self._approve_pending(order, self.sales_manager)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_state_and_edit_in_one_write(self):
        """The gate judges the content written with the state."""
        order = self._approved_order()
        with self.assertRaises(UserError):
            order.write(
                {
                    "state": "sale",
                    "order_line": [
                        Command.update(order.order_line.id, {"price_unit": 1.0})
                    ],
                }
            )
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.order_line.price_unit, 100.0)

    def test_every_governed_term_resets_the_review(self):
        other = self.env["res.partner"].create(
            {"name": "Other address", "parent_id": self.customer.id, "type": "other"}
        )
        term = self.env.ref("account.account_payment_term_immediate")
        tax = self.env["account.tax"].create({"name": "Governed 3%", "amount": 3})
        edits = [
            {"partner_shipping_id": other.id},
            {"partner_invoice_id": other.id},
            {"payment_term_id": term.id},
            {"note": "<p>Free maintenance for ten years</p>"},
            {"user_id": self.salesperson_all.id},
            {"commitment_date": fields.Datetime.now()},
        ]
        for vals in edits:
            with self.subTest(vals=vals):
                order = self._approved_order()
                order.write(vals)
                self.assertEqual(order.review_state, "not_submitted")
        for vals in (
            {"name": "Widget, second grade"},
            {"tax_id": [Command.set(tax.ids)]},
        ):
            with self.subTest(vals=vals):
                order = self._approved_order()
                order.order_line.with_user(self.salesperson).write(vals)
                self.assertEqual(order.review_state, "not_submitted")

    def test_amounts_odoo_derives_cannot_be_forged(self):
        """A stage rule on the total cannot be dodged by writing the total."""
        self._create_stage(
            "General Manager",
            self.general_manager,
            20,
            department="management",
            domain="[('amount_total', '>', 150)]",
        )
        order = self._create_order()
        for target, vals in (
            (order, {"amount_total": 1.0}),
            (order, {"amount_untaxed": 1.0, "amount_tax": 0.0}),
            (order, {"margin": 1.0}),
            (order.order_line, {"price_subtotal": 1.0}),
            (order.order_line, {"price_total": 1.0}),
        ):
            with self.subTest(vals=vals):
                self._assert_refused(
                    order,
                    lambda target=target, vals=vals: target.with_user(
                        self.salesperson
                    ).write(vals),
                )
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertIn(
            "General Manager",
            order.governance_review_ids.stage_id.mapped("name"),
        )

    def test_line_cost_edit_resets_the_review(self):
        """Reviewers approved the margin computed from the lines' cost."""
        order = self._approved_order()
        order.order_line.with_user(self.salesperson).purchase_price = 1.0
        self.assertEqual(order.review_state, "not_submitted")

    def test_reviewer_made_salesperson_no_longer_counts(self):
        order = self._approved_order()
        order.write({"user_id": self.sales_manager.id})
        self.assertEqual(order.review_state, "not_submitted")
        with self.assertRaises(UserError):
            order.action_confirm()


@tagged("post_install", "-at_install")
class TestConfirmedOrderGuard(GateAttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_address = cls.env["res.partner"].create(
            {"name": "Gate 9", "parent_id": cls.customer.id, "type": "other"}
        )

    def _confirmed(self):
        order = self._approved_order()
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        return order

    def test_commercial_terms_of_confirmed_order(self):
        order = self._confirmed()
        term = self.env.ref("account.account_payment_term_immediate")
        edits = [
            {"partner_shipping_id": self.other_address.id},
            {"partner_invoice_id": self.other_address.id},
            {"payment_term_id": term.id},
            {"note": "<p>Free maintenance for ten years</p>"},
            {"user_id": self.salesperson_all.id},
            {
                "fiscal_position_id": self.env["account.fiscal.position"]
                .create({"name": "Export"})
                .id
            },
        ]
        for user in self.attackers:
            for vals in edits:
                with self.subTest(user=user.login, vals=vals):
                    self._assert_refused(
                        order,
                        lambda user=user, vals=vals: order.with_user(user).write(vals),
                    )
        # Unchanged values (the web client resends them) pass.
        order.with_user(self.salesperson).write(
            {"payment_term_id": order.payment_term_id.id, "note": order.note}
        )

    def test_lines_of_confirmed_order(self):
        order = self._confirmed()
        line = order.order_line
        tax = self.env["account.tax"].create({"name": "Governed 3%", "amount": 3})
        for user in self.attackers:
            as_user = line.with_user(user)
            for vals in (
                {"name": "Something else"},
                {"tax_id": [Command.set(tax.ids)]},
                {"price_unit": 1.0},
                {"is_downpayment": True},
                {"is_expense": True},
            ):
                with self.subTest(user=user.login, vals=vals):
                    self._assert_refused(
                        order, lambda as_user=as_user, vals=vals: as_user.write(vals)
                    )

    def test_client_flags_do_not_open_confirmed_orders(self):
        order = self._confirmed()
        Line = self.env["sale.order.line"].with_user(self.salesperson)
        for vals in (
            {"is_downpayment": True, "price_unit": -500.0},
            {"is_expense": True, "price_unit": -500.0},
            {"product_uom_qty": 0.0, "price_unit": -500.0},
            {"display_type": "line_note", "name": "Free shipping forever"},
        ):
            with self.subTest(vals=vals):
                self._assert_refused(
                    order,
                    lambda vals=vals: Line.create(
                        {"order_id": order.id, "product_id": self.service.id, **vals}
                    ),
                )
                self._assert_refused(
                    order,
                    lambda vals=vals: order.with_user(self.salesperson).write(
                        {
                            "order_line": [
                                Command.create({"product_id": self.service.id, **vals})
                            ]
                        }
                    ),
                )

    def test_flags_cannot_be_planted_on_a_quotation(self):
        """A line marked as a down payment before approval would slip through later."""
        order = self._create_order()
        with self.assertRaisesRegex(UserError, "can only be set by Odoo itself"):
            order.with_user(self.salesperson).write(
                {
                    "order_line": [
                        Command.create(
                            {"product_id": self.service.id, "is_downpayment": True}
                        )
                    ]
                }
            )
        with self.assertRaisesRegex(UserError, "can only be set by Odoo itself"):
            order.order_line.with_user(self.salesperson).write({"is_expense": True})
        self.assertFalse(order.order_line.is_expense)

    def test_lines_cannot_move_between_orders(self):
        confirmed = self._confirmed()
        quotation = self._create_order()
        for line, target in (
            (confirmed.order_line, quotation),
            (quotation.order_line, confirmed),
        ):
            with self.subTest(line=line.id):
                self._assert_refused(
                    confirmed,
                    lambda line=line, target=target: line.with_user(
                        self.salesperson
                    ).write({"order_id": target.id}),
                )

    def test_down_payment_flow_still_works(self):
        """Odoo's down payment wizard adds and updates its lines."""
        order = self._confirmed()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create(
                {
                    "advance_payment_method": "percentage",
                    "amount": 10,
                    "sale_order_ids": [Command.set(order.ids)],
                }
            )
        )
        wizard.create_invoices()
        down_payment = order.order_line.filtered(
            lambda line: line.is_downpayment and not line.display_type
        )
        self.assertTrue(down_payment)
        invoice = down_payment.invoice_lines.move_id
        invoice.action_post()
        self.assertTrue(down_payment.price_unit)
        # Still, a client can reprice neither the down payment nor the goods.
        for line in (down_payment, order.order_line.filtered("product_id")[:1]):
            with self.subTest(line=line.name):
                self._assert_refused(
                    order,
                    lambda line=line: line.with_user(self.salesperson).write(
                        {"price_unit": 1.0}
                    ),
                )

    def test_products_delivered_beyond_the_order(self):
        """sale_stock adds a zero-quantity line for an extra product delivered."""
        order = self._confirmed()
        picking = order.picking_ids
        extra = self.env["product.product"].create(
            {"name": "Extra part", "is_storable": True, "list_price": 5.0}
        )
        self.env["stock.quant"]._update_available_quantity(
            extra, picking.location_id, 1.0
        )
        self.env["stock.quant"]._update_available_quantity(
            self.product, picking.location_id, 2.0
        )
        self.env["stock.move"].create(
            {
                "name": extra.name,
                "product_id": extra.id,
                "product_uom_qty": 1.0,
                "quantity": 1.0,
                "product_uom": extra.uom_id.id,
                "picking_id": picking.id,
                "location_id": picking.location_id.id,
                "location_dest_id": picking.location_dest_id.id,
            }
        )
        picking.action_assign()
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        added = order.order_line.filtered(lambda line: line.product_id == extra)
        self.assertRecordValues(added, [{"product_uom_qty": 0.0, "qty_delivered": 1.0}])
