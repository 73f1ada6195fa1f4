# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Change requests carry the commercial terms reviewers approved: addresses,
payment terms, fiscal position and taxes, incoterm, terms and conditions,
warehouse, salesperson and line descriptions."""

import importlib.util
from pathlib import Path

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from ..models.sale_order_change import governance_apply
from .request_common import RequestCase, any_flag


@tagged("post_install", "-at_install")
class TestChangeRequestTerms(RequestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_finance, cls.stage_warehouse, cls.stage_sales = (
            cls._create_change_stages(
                (
                    "Finance (terms)",
                    cls.finance_user,
                    "finance",
                    any_flag("touches_price", "touches_terms", "touches_taxes"),
                    10,
                ),
                (
                    "Warehouse (terms)",
                    cls.warehouse_user,
                    "warehouse",
                    any_flag("touches_warehouse", "touches_addresses"),
                    10,
                ),
                (
                    "Sales (terms)",
                    cls.sales_manager,
                    "sales",
                    any_flag(
                        "touches_salesperson",
                        "touches_descriptions",
                        "touches_quantity",
                    ),
                    20,
                ),
            )
        )
        cls.other_salesperson = new_test_user(
            cls.env,
            login="gov_other_salesperson",
            groups="sales_team.group_sale_salesman",
            name="Oscar Other",
        )
        cls.term_45 = cls.env.ref("account.account_payment_term_45days")
        cls.exw = cls.env.ref("account.incoterm_EXW")
        cls.new_delivery = cls.env["res.partner"].create(
            {"name": "New Dock", "type": "other", "parent_id": cls.customer.id}
        )
        cls.new_invoicing = cls.env["res.partner"].create(
            {"name": "Accounts Payable", "type": "other", "parent_id": cls.customer.id}
        )
        cls.tax_10 = cls.env["account.tax"].create(
            {"name": "Governed 10 %", "amount": 10.0, "type_tax_use": "sale"}
        )
        cls.tax_20 = cls.env["account.tax"].create(
            {"name": "Governed 20 %", "amount": 20.0, "type_tax_use": "sale"}
        )
        (cls.product | cls.product_b).write({"taxes_id": [Command.set(cls.tax_10.ids)]})
        cls.export_position = cls.env["account.fiscal.position"].create(
            {
                "name": "Export (governed)",
                "tax_ids": [
                    Command.create(
                        {"tax_src_id": cls.tax_10.id, "tax_dest_id": cls.tax_20.id}
                    )
                ],
            }
        )

    def _stages(self, request):
        return request.governance_review_ids.filtered(
            lambda review: review.state in ("pending", "waiting")
        ).stage_id

    def _approve_all(self, request):
        for user in (self.finance_user, self.warehouse_user, self.sales_manager):
            pending = request.governance_review_ids.filtered(
                lambda review, user=user: (
                    review.state == "pending" and user in review.reviewer_user_ids
                )
            )
            if pending:
                self._approve_request(request, user)

    def test_header_terms_routed_reviewed_and_applied(self):
        order = self._confirmed_order()
        picking = self._open_picking(order)
        self.assertEqual(picking.partner_id, self.customer)
        request = self._change_request(
            order,
            {},
            new_payment_term_id=self.term_45.id,
            new_incoterm=self.exw.id,
            new_incoterm_location="Shanghai port",
            new_note="<p>Delivered in two lots.</p>",
            new_partner_invoice_id=self.new_invoicing.id,
            new_partner_shipping_id=self.new_delivery.id,
            new_user_id=self.other_salesperson.id,
        )
        # Nothing changed but the terms; the request is still complete.
        self.assertRecordValues(
            request,
            [
                {
                    "old_payment_term_id": self.payment_term.id,
                    "old_partner_shipping_id": self.customer.id,
                    "old_user_id": self.salesperson.id,
                    "touches_terms": True,
                    "touches_addresses": True,
                    "touches_salesperson": True,
                    "touches_taxes": False,
                    "touches_warehouse": False,
                    "touches_quantity": False,
                    "touches_price": False,
                }
            ],
        )
        request.with_user(self.salesperson).action_submit()
        self.assertEqual(
            self._stages(request),
            self.stage_finance | self.stage_warehouse | self.stage_sales,
        )
        finance = request.governance_review_ids.filtered(
            lambda review: review.stage_id == self.stage_finance
        )
        items = dict(request._review_evidence("finance")["items"])
        self.assertEqual(
            items["payment_term"],
            f"{self.payment_term.display_name} → {self.term_45.display_name}",
        )
        self.assertEqual(items["incoterm_location"], "- → Shanghai port")
        self.assertEqual(items["terms_conditions"], "- → Delivered in two lots.")
        self.assertIn(self.new_delivery.display_name, items["delivery_address"])
        self.assertIn("Oscar Other", items["salesperson"])
        self.assertIn("Delivered in two lots.", finance.evidence_html)
        self._approve_all(request)
        self.assertEqual(request.state, "approved")
        # Until applied, the order keeps its terms.
        self.assertEqual(order.payment_term_id, self.payment_term)
        request.with_user(self.salesperson).action_apply()
        self.assertEqual(request.state, "applied")
        self.assertRecordValues(
            order,
            [
                {
                    "payment_term_id": self.term_45.id,
                    "incoterm": self.exw.id,
                    "incoterm_location": "Shanghai port",
                    "partner_invoice_id": self.new_invoicing.id,
                    "partner_shipping_id": self.new_delivery.id,
                    "user_id": self.other_salesperson.id,
                    "fiscal_position_id": False,
                    "state": "sale",
                }
            ],
        )
        self.assertIn("Delivered in two lots.", order.note)
        self.assertEqual(picking.partner_id, self.new_delivery, "the open delivery")
        self.assertEqual(order.order_line.product_uom_qty, 2.0)
        self.assertEqual(self._move_qty(order, self.product), 2.0)

    def test_shipped_part_keeps_its_address(self):
        order = self._confirmed_order([(self.product, 4, 100.0)])
        shipped = self._deliver(order, {self.product: 1.0})
        request = self._change_request(
            order,
            {},
            new_partner_shipping_id=self.new_delivery.id,
            loss_borne_by="none",
        )
        request.with_user(self.salesperson).action_submit()
        self._approve_all(request)
        request.with_user(self.salesperson).action_apply()
        self.assertEqual(shipped.partner_id, self.customer)
        self.assertEqual(self._open_picking(order).partner_id, self.new_delivery)

    def test_line_description_and_taxes(self):
        order = self._confirmed_order([(self.product, 2, 100.0)])
        line = order.order_line
        self.assertEqual(line.tax_id, self.tax_10)
        self.assertEqual(order.amount_total, 220.0)
        request = self._change_request(
            order,
            {
                line: {
                    "new_name": "Governed Widget, blue",
                    "new_tax_ids": [Command.set(self.tax_20.ids)],
                }
            },
        )
        request_line = request.line_ids
        self.assertEqual(request_line.change_type, "update")
        self.assertEqual(request_line.old_tax_ids, self.tax_10)
        self.assertEqual(request.amount_delta, 20.0)
        self.assertTrue(request.touches_taxes)
        self.assertTrue(request.touches_descriptions)
        self.assertFalse(request.touches_price)
        request.with_user(self.salesperson).action_submit()
        self.assertEqual(self._stages(request), self.stage_finance | self.stage_sales)
        evidence = request._review_evidence("finance")
        [values] = evidence["lines"]
        self.assertEqual(values["new_description"], "Governed Widget, blue")
        self.assertEqual(values["old_taxes"], self.tax_10.display_name)
        self.assertEqual(values["new_taxes"], self.tax_20.display_name)
        self._approve_all(request)
        request.with_user(self.salesperson).action_apply()
        self.assertEqual(line.name, "Governed Widget, blue")
        self.assertEqual(line.tax_id, self.tax_20)
        self.assertEqual(order.amount_total, 240.0)
        self.assertEqual(line.price_unit, 100.0)

    def test_new_fiscal_position_maps_the_taxes(self):
        order = self._confirmed_order([(self.product, 1, 100.0)])
        with Form(
            self.env["sale.order.change.request"].with_user(self.salesperson)
        ) as form:
            form.order_id = order
            form.reason = "Export after all"
            form.new_fiscal_position_id = self.export_position
            self.assertEqual(form.line_ids.edit(0).new_tax_ids[:], self.tax_20)
        request = form.record.with_env(self.env)
        self.assertEqual(request.new_fiscal_position_id, self.export_position)
        self.assertTrue(request.touches_taxes)
        request.with_user(self.salesperson).action_submit()
        self._approve_all(request)
        self.assertEqual(request.new_fiscal_position_id, self.export_position)
        request.with_user(self.salesperson).action_apply()
        self.assertEqual(order.fiscal_position_id, self.export_position)
        self.assertEqual(order.order_line.tax_id, self.tax_20)

    def test_form_from_the_order_changes_nothing_by_itself(self):
        """A fiscal position set by hand on the order is kept by the form."""
        order = self._create_order(fiscal_position_id=self.export_position.id)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.order_line.tax_id, self.tax_20)
        action = order.with_user(self.salesperson).action_request_change()
        with Form(
            self.env[action["res_model"]]
            .with_user(self.salesperson)
            .with_context(**action["context"])
        ) as form:
            form.reason = "Nothing yet"
            self.assertEqual(form.new_fiscal_position_id, self.export_position)
            self.assertEqual(form.line_ids.edit(0).new_tax_ids[:], self.tax_20)
            form.new_partner_shipping_id = self.new_delivery
            form.new_partner_shipping_id = self.customer
            self.assertEqual(form.new_fiscal_position_id, self.export_position)
        request = form.record
        self.assertFalse(request._term_changes())
        self.assertEqual(request.line_ids.change_type, "none")
        self.assertFalse(request.touches_taxes)

    def test_address_change_keeps_the_approved_fiscal_position(self):
        """Odoo recomputes the fiscal position from the delivery address; the
        apply writes the one the reviewers saw."""
        self.new_delivery.property_account_position_id = self.export_position
        order = self._confirmed_order([(self.product, 1, 100.0)])
        self.assertFalse(order.fiscal_position_id)
        request = self._change_request(
            order, {}, new_partner_shipping_id=self.new_delivery.id
        )
        self.assertFalse(request.new_fiscal_position_id)
        request.with_user(self.salesperson).action_submit()
        self._approve_all(request)
        request.with_user(self.salesperson).action_apply()
        self.assertEqual(order.partner_shipping_id, self.new_delivery)
        self.assertFalse(order.fiscal_position_id)
        self.assertEqual(order.order_line.tax_id, self.tax_10)

    def test_warehouse_change_plans_again_while_nothing_is_shipped(self):
        second = self.env["stock.warehouse"].create({"name": "Second", "code": "GW2"})
        self.env["stock.quant"]._update_available_quantity(
            self.product, second.lot_stock_id, 50.0
        )
        order = self._confirmed_order([(self.product, 3, 100.0)])
        first_picking = self._open_picking(order)
        request = self._change_request(order, {}, new_warehouse_id=second.id)
        self.assertTrue(request.touches_warehouse)
        self.assertEqual(request.picking_ids, first_picking)
        request.with_user(self.salesperson).action_submit()
        self.assertEqual(self._stages(request), self.stage_warehouse)
        self._approve_all(request)
        request.with_user(self.salesperson).action_apply()
        self.assertEqual(order.warehouse_id, second)
        self.assertEqual(first_picking.state, "cancel")
        new_picking = self._open_picking(order)
        self.assertEqual(new_picking.picking_type_id.warehouse_id, second)
        self.assertEqual(self._move_qty(order, self.product), 3.0)

    def test_warehouse_change_refused_once_shipped(self):
        second = self.env["stock.warehouse"].create({"name": "Second", "code": "GW2"})
        order = self._confirmed_order([(self.product, 3, 100.0)])
        self._deliver(order, {self.product: 1.0})
        warehouse = order.warehouse_id
        request = self._change_request(order, {}, new_warehouse_id=second.id)
        with self.assertRaisesRegex(UserError, "cannot ship from another warehouse"):
            request.with_user(self.salesperson).action_submit()
        self.assertEqual(request.state, "draft")
        self.assertEqual(order.warehouse_id, warehouse)

    def test_addresses_required(self):
        order = self._confirmed_order()
        request = self._change_request(
            order,
            {order.order_line: {"new_qty": 3.0}},
            new_partner_invoice_id=False,
        )
        with self.assertRaisesRegex(UserError, "The invoice address"):
            request.with_user(self.salesperson).action_submit()
        self.assertEqual(request.state, "draft")
        self.assertFalse(request.governance_review_ids)

    def test_unchanged_terms_follow_the_order(self):
        """A request made before another one was applied does not undo it."""
        order = self._confirmed_order()
        line = order.order_line
        terms = self._change_request(order, {}, new_payment_term_id=self.term_45.id)
        quantity = self._change_request(order, {line: {"new_qty": 5.0}})
        terms.with_user(self.salesperson).action_submit()
        self._approve_all(terms)
        terms.with_user(self.salesperson).action_apply()
        self.assertEqual(order.payment_term_id, self.term_45)
        quantity.with_user(self.salesperson).action_submit()
        self.assertEqual(quantity.old_payment_term_id, self.term_45)
        self.assertEqual(quantity.new_payment_term_id, self.term_45)
        self.assertFalse(quantity.touches_terms)
        self._approve_all(quantity)
        quantity.with_user(self.salesperson).action_apply()
        self.assertEqual(order.payment_term_id, self.term_45)
        self.assertEqual(line.product_uom_qty, 5.0)

    def test_request_stale_once_the_terms_changed(self):
        order = self._confirmed_order()
        first = self._change_request(order, {}, new_payment_term_id=self.term_45.id)
        second = self._change_request(order, {}, new_incoterm=self.exw.id)
        for request in (first, second):
            request.with_user(self.salesperson).action_submit()
            self._approve_all(request)
        first.with_user(self.salesperson).action_apply()
        with self.assertRaisesRegex(UserError, "stale"):
            second.with_user(self.salesperson).action_apply()
        self.assertEqual(second.state, "approved")
        self.assertFalse(order.incoterm)

    def test_customer_company_currency_pricelist_never_change(self):
        order = self._confirmed_order()
        other = self.env["res.partner"].create({"name": "Someone Else"})
        pricelist = self.env["product.pricelist"].create({"name": "Other prices"})
        for vals in ({"partner_id": other.id}, {"pricelist_id": pricelist.id}):
            with self.assertRaisesRegex(UserError, "not even through a change request"):
                order.with_user(self.salesperson).write(vals)
            # Not even inside the change request's own apply step.
            with (
                self.assertRaisesRegex(UserError, "not even through a change request"),
                governance_apply(self.env) as env,
            ):
                order.with_env(env).write(vals)
        self.assertEqual(order.partner_id, self.customer)
        self.assertNotEqual(order.pricelist_id, pricelist)
        # Unchanged values (the web client may send them) pass.
        order.with_user(self.salesperson).write({"partner_id": self.customer.id})
        # A quotation changes customer as usual.
        quotation = self._create_order()
        quotation.with_user(self.salesperson).write({"partner_id": other.id})
        self.assertEqual(quotation.partner_id, other)

    def test_upgrade_keeps_open_requests_appliable(self):
        """Requests made before the terms were bound are brought to the new
        fingerprints; one whose order changed meanwhile stays stale."""
        path = Path(__file__).parents[1] / "migrations/18.0.2.0.0"
        spec = importlib.util.spec_from_file_location(
            "post_request_fingerprints", path / "post-request-fingerprints.py"
        )
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        order = self._confirmed_order([(self.product, 5, 100.0)])
        line = order.order_line
        fresh = self._change_request(order, {line: {"new_qty": 6.0}})
        stale = self._change_request(order, {line: {"new_qty": 7.0}})
        for request in (fresh, stale):
            request.with_user(self.salesperson).action_submit()
            self._approve_all(request)
        # As the former version stored them.
        former = migration._former_order_fingerprint(order)
        (fresh | stale)._governance_engine_write(
            {"order_fingerprint": former, "governance_review_fingerprint": "0" * 40}
        )
        stale.sudo().order_fingerprint = "f" * 40  # its order changed since
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        with self.assertRaisesRegex(UserError, "stale"):
            stale.with_user(self.salesperson).action_apply()
        fresh.with_user(self.salesperson).action_apply()
        self.assertEqual(line.product_uom_qty, 6.0)
