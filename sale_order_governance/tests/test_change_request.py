# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .request_common import RequestCase

STARTED = ["in_production", "picked", "shipped", "delivered"]
# The context key earlier versions carried the apply step's token in.
APPLY_CONTEXT_KEY = "sale_order_governance_apply_token"


@tagged("post_install", "-at_install")
class TestChangeRequest(RequestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_production = cls._create_stage(
            "Production (changes)",
            cls.production_user,
            10,
            department="production",
            applies_to="change",
            domain="['|', ('touches_quantity', '=', True), "
            "('touches_date', '=', True)]",
        )
        cls.stage_purchase = cls._create_stage(
            "Purchasing (changes)",
            cls.purchase_user,
            10,
            department="purchase",
            applies_to="change",
            domain="[('touches_quantity', '=', True)]",
        )
        cls.stage_finance = cls._create_stage(
            "Finance (changes)",
            cls.finance_user,
            10,
            department="finance",
            applies_to="change",
            domain="[('touches_price', '=', True)]",
        )
        cls.stage_management = cls._create_stage(
            "Management (changes)",
            cls.general_manager,
            20,
            department="management",
            applies_to="change",
            domain=f"[('order_progress', 'in', {STARTED})]",
        )

    def _pending_stages(self, request):
        return request.governance_review_ids.filtered(
            lambda r: r.state == "pending"
        ).stage_id

    # ------------------------------------------------------------
    # Direct edits of confirmed orders
    # ------------------------------------------------------------

    def test_direct_edits_of_confirmed_order_refused(self):
        order = self._confirmed_order()
        line = order.order_line
        date = order.commitment_date
        as_sales = order.with_user(self.salesperson)
        line_sales = line.with_user(self.salesperson)
        for vals in (
            {"product_uom_qty": 5.0},
            {"price_unit": 80.0},
            {"discount": 10.0},
        ):
            with self.assertRaisesRegex(UserError, "Request a change"):
                line_sales.write(vals)
        with self.assertRaisesRegex(UserError, "Request a change"):
            as_sales.write(
                {
                    "order_line": [
                        Command.create(
                            {"product_id": self.product_b.id, "product_uom_qty": 1}
                        )
                    ]
                }
            )
        with self.assertRaisesRegex(UserError, "Request a change"):
            as_sales.write({"order_line": [Command.unlink(line.id)]})
        with self.assertRaisesRegex(UserError, "Request a change"):
            as_sales.write({"commitment_date": date + timedelta(days=3)})
        # An RPC client sending the context key of the apply step gets nowhere.
        with self.assertRaisesRegex(UserError, "Request a change"):
            line_sales.with_context(**{APPLY_CONTEXT_KEY: "guessed"}).write(
                {"product_uom_qty": 7.0}
            )
        # Writing unchanged values is harmless (the web client may resend them).
        line_sales.write({"product_uom_qty": 2.0, "price_unit": 100.0})
        self.assertRecordValues(
            line, [{"product_uom_qty": 2.0, "price_unit": 100.0, "discount": 0.0}]
        )
        self.assertEqual(order.commitment_date, date)
        self.assertEqual(len(order.order_line), 1)
        self.assertEqual(self._move_qty(order, self.product), 2.0)

    def test_quotation_keeps_normal_editing(self):
        order = self._create_order()
        line = order.order_line
        as_sales = order.with_user(self.salesperson)
        line.with_user(self.salesperson).write(
            {"product_uom_qty": 5.0, "price_unit": 80.0, "discount": 10.0}
        )
        as_sales.write(
            {
                "order_line": [
                    Command.create(
                        {"product_id": self.product_b.id, "product_uom_qty": 1}
                    )
                ],
                "commitment_date": fields.Datetime.now() + timedelta(days=20),
            }
        )
        self.assertEqual(len(order.order_line), 2)
        as_sales.write({"order_line": [Command.unlink(line.id)]})
        self.assertEqual(order.order_line.product_id, self.product_b)

    def test_odoo_flows_on_confirmed_order_keep_working(self):
        """Deliveries, invoices and down payments write confirmed lines too."""
        order = self._confirmed_order([(self.product, 4, 100.0)])
        line = order.order_line
        self._deliver(order, {self.product: 1.0})
        self.assertEqual(line.qty_delivered, 1.0)
        self.assertEqual(self._move_qty(order, self.product), 3.0)
        downpayment = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "percentage", "amount": 10})
        )
        downpayment.create_invoices()
        self.assertTrue(order.order_line.filtered("is_downpayment"))
        invoices = order.invoice_ids
        invoices.action_post()
        self._invoice(order)
        self.assertEqual(line.qty_invoiced, 4.0)

    # ------------------------------------------------------------
    # The change request
    # ------------------------------------------------------------

    def test_change_reviewed_by_touched_departments_then_applied(self):
        order = self._confirmed_order()
        line = order.order_line
        self.assertEqual(self._move_qty(order, self.product), 2.0)
        request = self._change_request(
            order, {line: {"new_qty": 5.0, "new_price_unit": 90.0}}
        )
        self.assertEqual(request.state, "draft")
        self.assertTrue(request.name.startswith("CR/"))
        self.assertRecordValues(
            request,
            [
                {
                    "touches_quantity": True,
                    "touches_price": True,
                    "touches_lines": False,
                    "order_progress": "not_started",
                    "amount_untaxed_delta": 250.0,
                    "margin_delta": 250.0 - 3 * 60.0,
                }
            ],
        )
        self.assertEqual(request.picking_ids, self._open_picking(order))
        self.assertEqual(
            request.new_credit_exposure - request.credit_exposure, request.amount_delta
        )
        request.with_user(self.salesperson).action_submit()
        self.assertEqual(request.state, "in_review")
        self.assertEqual(
            self._pending_stages(request),
            self.stage_production | self.stage_purchase | self.stage_finance,
        )
        # Reviewers read the order of the request they review, never write it.
        self.assertEqual(
            order.with_user(self.production_user).order_line.product_uom_qty, 2.0
        )
        with self.assertRaises(AccessError):
            order.with_user(self.production_user).write({"client_order_ref": "x"})
        # ... and open the request's form, diff and impact included.
        shown = Form(request.with_user(self.production_user))
        self.assertEqual(shown.picking_ids[:], self._open_picking(order))
        self.assertEqual(len(shown.line_ids), 1)
        with self.assertRaises(AccessError):
            request.with_user(self.production_user).action_cancel()
        with self.assertRaisesRegex(UserError, "not approved"):
            request.with_user(self.salesperson).action_apply()
        self._approve_request(request, self.production_user)
        self._approve_request(request, self.purchase_user)
        self.assertEqual(request.state, "in_review")
        self._approve_request(request, self.finance_user)
        self.assertEqual(request.state, "approved")
        self.assertTrue(
            all(review.evidence for review in request.governance_review_ids)
        )
        self.assertIn("new_qty", request.governance_review_ids[0].evidence["lines"][0])
        # Still nothing changed on the order until it is applied.
        self.assertEqual(line.product_uom_qty, 2.0)
        untaxed = order.amount_untaxed
        request.with_user(self.salesperson).action_apply()
        self.assertEqual(request.state, "applied")
        self.assertRecordValues(line, [{"product_uom_qty": 5.0, "price_unit": 90.0}])
        self.assertAlmostEqual(order.amount_untaxed - untaxed, 250.0)
        self.assertEqual(self._move_qty(order, self.product), 5.0)
        self.assertEqual(order.governance_change_request_count, 1)

    def test_request_from_order_button_prefilled(self):
        order = self._confirmed_order(
            [(self.product, 2, 100.0), (self.product_b, 4, 40.0)]
        )
        action = order.with_user(self.salesperson).action_request_change()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.salesperson)
            .with_context(**action["context"])
        )
        self.assertEqual(len(form.line_ids), 2)
        form.reason = "Customer needs more gadgets"
        for index in range(len(form.line_ids)):
            with form.line_ids.edit(index) as line:
                if line.product_id == self.product_b:
                    line.new_qty = 6.0
        request = form.save()
        changed = request.line_ids.filtered(lambda l: l.change_type != "none")
        self.assertEqual(changed.sale_line_id, self._line(order, self.product_b))
        self.assertRecordValues(changed, [{"old_qty": 4.0, "new_qty": 6.0}])
        self.assertEqual(request.amount_untaxed_delta, 80.0)
        self.assertFalse(request.touches_date)
        with self.assertRaisesRegex(UserError, "not a confirmed order"):
            self._create_order().action_request_change()

    def test_add_line_remove_undelivered_line_and_move_date(self):
        order = self._confirmed_order(
            [(self.product, 2, 100.0), (self.product_b, 4, 40.0)]
        )
        line_b = self._line(order, self.product_b)
        new_date = order.commitment_date + timedelta(days=7)
        request = self._change_request(
            order,
            {
                line_b: {"remove": True},
                "new": {"product_id": self.service.id, "new_qty": 3.0},
            },
            new_commitment_date=new_date,
        )
        new_line = request.line_ids.filtered(lambda l: not l.sale_line_id)
        self.assertEqual(new_line.change_type, "add")
        self.assertEqual(new_line.new_price_unit, 50.0, "priced from the pricelist")
        self.assertRecordValues(
            request,
            [
                {
                    "touches_lines": True,
                    "touches_quantity": True,
                    "touches_date": True,
                    "amount_untaxed_delta": 150.0 - 160.0,
                }
            ],
        )
        self._submit_request(
            request, self.production_user, self.purchase_user, self.finance_user
        )
        request.with_user(self.salesperson).action_apply()
        self.assertEqual(line_b.product_uom_qty, 0.0)
        self.assertEqual(self._move_qty(order, self.product_b), 0.0)
        self.assertEqual(self._move_qty(order, self.product), 2.0)
        service_line = self._line(order, self.service)
        self.assertRecordValues(
            service_line, [{"product_uom_qty": 3.0, "price_unit": 50.0}]
        )
        self.assertEqual(order.commitment_date, new_date)

    def test_qty_below_delivered_refused(self):
        order = self._confirmed_order([(self.product, 5, 100.0)])
        line = order.order_line
        request = self._change_request(order, {line: {"new_qty": 2.0}})
        self._submit_request(request, self.production_user, self.purchase_user)
        self.assertEqual(request.state, "approved")
        # Meanwhile the warehouse ships three.
        self._deliver(order, {self.product: 3.0})
        self.assertEqual(line.qty_delivered, 3.0)
        with self.assertRaisesRegex(UserError, "below the 3.0 already delivered"):
            request.with_user(self.salesperson).action_apply()
        self.assertEqual(request.state, "approved")
        self.assertEqual(line.product_uom_qty, 5.0)
        self.assertEqual(self._move_qty(order, self.product), 2.0)
        # A new request below the delivered quantity is refused at submission.
        request.with_user(self.salesperson).action_cancel()
        again = self._change_request(order, {line: {"new_qty": 1.0}})
        with self.assertRaisesRegex(UserError, "below the 3.0 already delivered"):
            again.with_user(self.salesperson).action_submit()
        self.assertEqual(again.state, "draft")
        self.assertFalse(again.governance_review_ids)

    def test_qty_below_invoiced_refused(self):
        order = self._confirmed_order([(self.product, 4, 100.0)])
        line = order.order_line
        self._invoice(order)
        self.assertEqual(line.qty_invoiced, 4.0)
        request = self._change_request(order, {line: {"new_qty": 3.0}})
        with self.assertRaisesRegex(UserError, "below the 4.0 already invoiced"):
            request.with_user(self.salesperson).action_submit()
        self.assertEqual(request.state, "draft")
        self.assertEqual(line.product_uom_qty, 4.0)

    def test_stale_request_refused(self):
        order = self._confirmed_order()
        line = order.order_line
        first = self._change_request(order, {line: {"new_qty": 3.0}})
        second = self._change_request(order, {line: {"new_qty": 4.0}})
        for request in (first, second):
            self._submit_request(request, self.production_user, self.purchase_user)
            self.assertEqual(request.state, "approved")
        first.with_user(self.salesperson).action_apply()
        self.assertEqual(line.product_uom_qty, 3.0)
        with self.assertRaisesRegex(UserError, "stale"):
            second.with_user(self.salesperson).action_apply()
        self.assertEqual(second.state, "approved")
        self.assertEqual(line.product_uom_qty, 3.0)
        self.assertEqual(self._move_qty(order, self.product), 3.0)

    def test_remove_delivered_line_refused(self):
        order = self._confirmed_order(
            [(self.product, 5, 100.0), (self.product_b, 2, 40.0)]
        )
        line = self._line(order, self.product)
        request = self._change_request(order, {line: {"remove": True}})
        self._submit_request(request, self.production_user, self.purchase_user)
        self._deliver(order, {self.product: 1.0})
        with self.assertRaisesRegex(
            UserError, "cannot be removed: 1.0 already delivered"
        ):
            request.with_user(self.salesperson).action_apply()
        self.assertEqual(request.state, "approved")
        self.assertEqual(line.product_uom_qty, 5.0)
        self.assertEqual(self._move_qty(order, self.product), 4.0)
        self.assertEqual(self._move_qty(order, self.product_b), 2.0)

    def test_loss_and_bearer_required_after_shipping(self):
        order = self._confirmed_order([(self.product, 5, 100.0)])
        line = order.order_line
        self._deliver(order, {self.product: 2.0})
        request = self._change_request(order, {line: {"new_qty": 8.0}})
        self.assertEqual(request.order_progress, "shipped")
        with self.assertRaisesRegex(UserError, "Who bears the loss"):
            request.with_user(self.salesperson).action_submit()
        request.with_user(self.salesperson).write({"loss_borne_by": "customer"})
        with self.assertRaisesRegex(UserError, "loss amount"):
            request.with_user(self.salesperson).action_submit()
        self.assertEqual(request.state, "draft")
        self.assertFalse(request.governance_review_ids)
        request.with_user(self.salesperson).write({"loss_amount": 120.0})
        request.with_user(self.salesperson).action_submit()
        self.assertEqual(
            request.governance_review_ids.stage_id,
            self.stage_production | self.stage_purchase | self.stage_management,
        )
        self._approve_request(request, self.production_user)
        self._approve_request(request, self.purchase_user)
        self.assertEqual(request.state, "in_review")
        self._approve_request(request, self.general_manager)
        request.with_user(self.salesperson).action_apply()
        self.assertEqual(line.product_uom_qty, 8.0)
        self.assertEqual(self._move_qty(order, self.product), 6.0)

    def test_credit_rechecked_when_amount_grows(self):
        order = self._confirmed_order()
        if not hasattr(order, "_governance_check_credit_on_increase"):
            self.skipTest("the credit control is not part of this build")
        line = order.order_line
        grow = self._change_request(order, {line: {"new_qty": 4.0}})
        shrink = self._change_request(order, {line: {"new_qty": 1.0}})
        self.assertTrue(grow.amount_increases)
        self.assertFalse(shrink.amount_increases)
        for request in (grow, shrink):
            self._submit_request(request, self.production_user, self.purchase_user)
        # The customer's limit now only covers the order as it is.
        self.company.account_use_credit_limit = True
        self.customer.with_company(self.company).credit_limit = order.amount_total + 1.0
        with self.assertRaisesRegex(UserError, "Credit control refuses"):
            grow.with_user(self.salesperson).action_apply()
        self.assertEqual(grow.state, "approved")
        self.assertEqual(line.product_uom_qty, 2.0)
        self.assertEqual(self._move_qty(order, self.product), 2.0)
        # A change that lowers the amount is not held by credit.
        shrink.with_user(self.salesperson).action_apply()
        self.assertEqual(line.product_uom_qty, 1.0)
        self.assertEqual(self._move_qty(order, self.product), 1.0)

    def test_rejection_leaves_order_untouched(self):
        order = self._confirmed_order()
        line = order.order_line
        request = self._change_request(order, {line: {"new_discount": 15.0}})
        request.with_user(self.salesperson).action_submit()
        self.assertEqual(self._pending_stages(request), self.stage_finance)
        request.governance_review_ids.with_user(self.finance_user).action_reject(
            "Too generous"
        )
        self.assertEqual(request.state, "rejected")
        with self.assertRaisesRegex(UserError, "not approved"):
            request.with_user(self.salesperson).action_apply()
        self.assertEqual(line.discount, 0.0)

    def test_changes_requested_back_to_draft_then_resubmitted(self):
        order = self._confirmed_order()
        line = order.order_line
        request = self._change_request(order, {line: {"new_discount": 30.0}})
        request.with_user(self.salesperson).action_submit()
        request.governance_review_ids.with_user(
            self.finance_user
        ).action_request_changes("20 % at most")
        self.assertEqual(request.state, "draft")
        request.line_ids.with_user(self.salesperson).write({"new_discount": 20.0})
        self._submit_request(request, self.finance_user)
        self.assertEqual(request.state, "approved")
        request.with_user(self.salesperson).action_apply()
        self.assertEqual(line.discount, 20.0)
        self.assertEqual(line.product_uom_qty, 2.0)

    def test_four_eyes_and_non_reviewer(self):
        self.stage_finance.reviewer_user_ids |= self.salesperson
        order = self._confirmed_order()
        request = self._change_request(
            order, {order.order_line: {"new_price_unit": 95.0}}
        )
        request.with_user(self.salesperson).action_submit()
        review = request.governance_review_ids
        self.assertEqual(review.reviewer_user_ids, self.finance_user)
        with self.assertRaisesRegex(AccessError, "four-eyes"):
            review.with_user(self.salesperson).action_approve()
        with self.assertRaisesRegex(AccessError, "not a reviewer"):
            review.with_user(self.production_user).action_approve()
        self.assertEqual(review.state, "pending")
        self.assertEqual(request.state, "in_review")

    def test_request_state_cannot_be_forged(self):
        order = self._confirmed_order()
        request = self._change_request(order, {order.order_line: {"new_qty": 9.0}})
        with self.assertRaisesRegex(UserError, "cannot be written"):
            request.with_user(self.salesperson).write({"state": "approved"})
        with self.assertRaisesRegex(UserError, "cannot be written"):
            request.with_user(self.salesperson).write({"review_state": "approved"})
        request.with_user(self.salesperson).action_submit()
        with self.assertRaisesRegex(UserError, "can no longer be edited"):
            request.line_ids.with_user(self.salesperson).write({"new_qty": 20.0})
        self.assertEqual(request.state, "in_review")
        self.assertEqual(request.line_ids.new_qty, 9.0)

    def test_requests_only_for_confirmed_orders(self):
        quotation = self._create_order()
        with self.assertRaisesRegex(UserError, "not a confirmed order"):
            self._change_request(quotation, {quotation.order_line: {"new_qty": 3.0}})
