# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import GovernanceCase


@tagged("post_install", "-at_install")
class TestReviewEngine(GovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_sales = cls._create_stage("Sales Manager", cls.sales_manager, 10)
        cls.stage_finance = cls._create_stage(
            "Finance", cls.finance_user, 20, department="finance"
        )
        cls.stage_warehouse = cls._create_stage(
            "Warehouse", cls.warehouse_user, 20, department="warehouse"
        )

    def _pending(self, order):
        return order.governance_review_ids.filtered(
            lambda review: review.state == "pending"
        )

    # ------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------

    def test_sequence_then_parallel_then_confirm(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(order.review_state, "in_review")
        self.assertEqual(self._pending(order).stage_id, self.stage_sales)
        waiting = order.governance_review_ids.filtered(lambda r: r.state == "waiting")
        self.assertEqual(waiting.stage_id, self.stage_finance | self.stage_warehouse)
        self.assertFalse(any(waiting.mapped("deadline")), "later steps wait")
        with self.assertRaisesRegex(UserError, "still in review"):
            order.with_user(self.salesperson).action_confirm()

        self._approve_pending(order, self.sales_manager, "Genuine customer")
        self.assertEqual(
            self._pending(order).stage_id, self.stage_finance | self.stage_warehouse
        )
        self._approve_pending(order, self.finance_user)
        self.assertEqual(order.review_state, "in_review")
        self.assertEqual(self._pending(order).stage_id, self.stage_warehouse)
        self._approve_pending(order, self.warehouse_user)
        self.assertEqual(order.review_state, "approved")

        sales_review = order.governance_review_ids.filtered(
            lambda r: r.stage_id == self.stage_sales
        )
        self.assertEqual(sales_review.decided_by_id, self.sales_manager)
        self.assertEqual(sales_review.comment, "Genuine customer")
        self.assertTrue(sales_review.decided_at)
        finance = order.governance_review_ids.filtered(
            lambda r: r.department == "finance"
        )
        self.assertIn("overdue_amount", dict(finance.evidence["items"]))
        warehouse = order.governance_review_ids.filtered(
            lambda r: r.department == "warehouse"
        )
        self.assertEqual(warehouse.evidence["lines"][0]["quantity"], 2.0)
        self.assertEqual(warehouse.evidence["lines"][0]["short"], 2.0)

        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.picking_ids, "sale_stock still creates the delivery")

    def test_warehouse_evidence_is_the_forecast_of_the_order_form(self):
        """The warehouse reviewer decides on the figures the order form's
        forecast widget shows (sale_stock), read in one batch: earlier lines
        of the same product count, other units are converted."""
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        by_unit = self.env["product.product"].create(
            {"name": "Governed Bolt", "type": "consu", "is_storable": True}
        )
        stock = self.env["stock.quant"]
        stock._update_available_quantity(self.product, warehouse.lot_stock_id, 5)
        stock._update_available_quantity(by_unit, warehouse.lot_stock_id, 30)
        order = self._create_order(
            [(self.product, 3, 100.0), (self.product, 4, 100.0), (by_unit, 2, 10.0)]
        )
        bolts = order.order_line.filtered(lambda line: line.product_id == by_unit)
        bolts.product_uom = self.env.ref("uom.product_uom_dozen")
        order.with_user(self.salesperson).action_submit_for_review()
        self._approve_pending(order, self.sales_manager)
        self._approve_pending(order, self.warehouse_user)
        evidence = order.governance_review_ids.filtered(
            lambda review: review.department == "warehouse"
        ).evidence["lines"]
        self.assertEqual(
            [(line["quantity"], line["forecast"], line["short"]) for line in evidence],
            [(3.0, 5.0, 0.0), (4.0, 2.0, 2.0), (2.0, 2.5, 0.0)],
        )
        # The same figures as Odoo's own forecast of each line.
        self.assertEqual(
            [line["forecast"] for line in evidence],
            order.order_line.mapped("virtual_available_at_date"),
        )

    def test_reviewer_activities_follow_the_steps(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        activities = order.activity_ids.filtered(
            lambda act: (
                act.activity_type_id
                == self.env.ref("sale_order_governance.mail_activity_type_review")
            )
        )
        self.assertEqual(activities.user_id, self.sales_manager)
        review = self._pending(order)
        self.assertEqual(
            activities.date_deadline,
            review.deadline.date(),
        )
        self._approve_pending(order, self.sales_manager)
        activities = order.activity_ids.filtered(
            lambda act: (
                act.activity_type_id
                == self.env.ref("sale_order_governance.mail_activity_type_review")
            )
        )
        self.assertEqual(activities.user_id, self.finance_user | self.warehouse_user)

    def test_domain_selects_stages(self):
        big = self._create_stage(
            "General Manager",
            self.general_manager,
            30,
            department="management",
            domain="[('amount_total', '>', 1000)]",
        )
        small_order = self._create_order(lines=[(self.product, 1, 100.0)])
        big_order = self._create_order(lines=[(self.product, 50, 100.0)])
        (small_order | big_order).with_user(self.salesperson).action_submit_for_review()
        self.assertNotIn(big, small_order.governance_review_ids.stage_id)
        self.assertIn(big, big_order.governance_review_ids.stage_id)
        service_order = self._create_order(lines=[(self.service, 1, 50.0)])
        self.stage_warehouse.domain = (
            "[('order_line.product_id.is_storable', '=', True)]"
        )
        service_order.with_user(self.salesperson).action_submit_for_review()
        self.assertNotIn(
            self.stage_warehouse, service_order.governance_review_ids.stage_id
        )

    def test_stage_company_and_archived_stage(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        foreign = self._create_stage(
            "Other company stage", self.finance_user, 5, company_id=other_company.id
        )
        archived = self._create_stage("Archived", self.finance_user, 6)
        archived.action_archive()
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertFalse(order.governance_review_ids.stage_id & (foreign | archived))

    # ------------------------------------------------------------
    # Completeness
    # ------------------------------------------------------------

    def test_completeness_lists_every_missing_item_at_once(self):
        order = self._create_order(
            payment_term_id=False,
            commitment_date=False,
            lines=[(self.product, 1, 0.0)],
        )
        with self.assertRaises(UserError) as caught:
            order.with_user(self.salesperson).action_submit_for_review()
        message = str(caught.exception)
        for label in ("Delivery Date", "Payment Terms", "A price for"):
            self.assertIn(label, message)
        self.assertEqual(order.review_state, "not_submitted")
        self.assertFalse(order.governance_review_ids)

    def test_completeness_rule_per_condition_and_company(self):
        incoterm_field = self.env.ref("sale_stock.field_sale_order__incoterm")
        rule = self.env["sale.governance.required.field"].create(
            {"field_id": incoterm_field.id, "domain": "[('amount_total', '>', 500)]"}
        )
        small = self._create_order(lines=[(self.product, 1, 100.0)])
        small.with_user(self.salesperson).action_submit_for_review()
        big = self._create_order(lines=[(self.product, 10, 100.0)])
        with self.assertRaisesRegex(UserError, "Incoterm"):
            big.with_user(self.salesperson).action_submit_for_review()
        rule.company_id = self.env["res.company"].create({"name": "Exporter"})
        big.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(big.review_state, "in_review")

    def test_empty_order_cannot_be_submitted(self):
        order = self._create_order()
        order.order_line.unlink()
        with self.assertRaisesRegex(UserError, "Order lines"):
            order.with_user(self.salesperson).action_submit_for_review()

    # ------------------------------------------------------------
    # Four-eyes and authority
    # ------------------------------------------------------------

    def test_four_eyes(self):
        self.stage_sales.reviewer_user_ids = self.salesperson | self.sales_manager
        order = self._create_order(user=self.salesperson)
        order.with_user(self.salesperson).action_submit_for_review()
        review = self._pending(order)
        self.assertEqual(review.reviewer_user_ids, self.sales_manager)
        with self.assertRaisesRegex(AccessError, "four-eyes"):
            review.with_user(self.salesperson).action_approve()
        with self.assertRaisesRegex(AccessError, "not a reviewer"):
            review.with_user(self.finance_user).action_approve()
        self.assertEqual(review.state, "pending")

    def test_submitter_cannot_approve(self):
        """A manager who submits a colleague's order may not approve it."""
        submitter = self.governance_manager
        self.stage_sales.reviewer_user_ids = submitter | self.general_manager
        order = self._create_order()
        order.with_user(submitter).action_submit_for_review()
        review = self._pending(order)
        self.assertEqual(review.reviewer_user_ids, self.general_manager)
        self.assertEqual(review.submitted_by_id, submitter)
        review.sudo().reviewer_user_ids |= submitter  # even if listed later
        with self.assertRaisesRegex(AccessError, "four-eyes"):
            review.with_user(submitter).action_approve()

    def test_no_reviewer_left_refuses_submission(self):
        self.stage_sales.reviewer_user_ids = self.salesperson
        order = self._create_order()
        with self.assertRaisesRegex(UserError, "Nobody can review stage"):
            order.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(order.review_state, "not_submitted")
        self.assertFalse(order.governance_review_ids)

    def test_reviewer_group_and_snapshot(self):
        group = self.env.ref("sale_order_governance.group_reviewer_finance")
        self.stage_finance.write(
            {"reviewer_user_ids": [Command.clear()], "reviewer_group_id": group.id}
        )
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        finance = order.governance_review_ids.filtered(
            lambda r: r.stage_id == self.stage_finance
        )
        self.assertIn(self.finance_user, finance.reviewer_user_ids)
        newcomer = new_test_user(
            self.env,
            login="gov_finance_2",
            groups="sale_order_governance.group_reviewer_finance",
        )
        self.stage_finance.write(
            {
                "reviewer_group_id": False,
                "reviewer_user_ids": [Command.set(newcomer.ids)],
            }
        )
        self.assertNotIn(newcomer, finance.reviewer_user_ids, "snapshot is frozen")
        self.assertIn(self.finance_user, finance.reviewer_user_ids)

    def test_reviewer_reads_only_orders_under_review(self):
        order = self._create_order()
        other = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        self._approve_pending(order, self.sales_manager)
        orders = self.env["sale.order"].with_user(self.finance_user).search([])
        self.assertIn(order, orders)
        self.assertNotIn(other, orders)
        order.with_user(self.finance_user).read(["name", "amount_total", "order_line"])
        with self.assertRaises(AccessError):
            order.with_user(self.finance_user).write({"note": "hijack"})

    def test_review_direct_write_refused_to_users(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        review = self._pending(order)
        with self.assertRaises(AccessError):
            review.with_user(self.sales_manager).write({"state": "approved"})

    # ------------------------------------------------------------
    # Rejection and immutability
    # ------------------------------------------------------------

    def test_reject_requires_reason_and_returns_order(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        self._approve_pending(order, self.sales_manager)
        finance = order.governance_review_ids.filtered(
            lambda r: r.stage_id == self.stage_finance
        )
        with self.assertRaisesRegex(UserError, "reason"):
            finance.with_user(self.finance_user).action_reject("  ")
        self.assertEqual(finance.state, "pending")

        wizard_action = order.with_user(self.finance_user).action_review_reject()
        wizard = self.env["sale.order.review.decision"].browse(wizard_action["res_id"])
        wizard.with_user(self.finance_user).comment = "Payment terms too long"
        wizard.with_user(self.finance_user).action_confirm_decision()

        self.assertEqual(finance.state, "rejected")
        self.assertEqual(order.review_state, "rejected")
        warehouse = order.governance_review_ids.filtered(
            lambda r: r.stage_id == self.stage_warehouse
        )
        self.assertEqual(warehouse.state, "cancelled")
        todo = order.activity_ids.filtered(lambda act: act.user_id == self.salesperson)
        self.assertIn("Payment terms too long", todo.note)
        with self.assertRaisesRegex(UserError, "Payment terms too long"):
            order.with_user(self.salesperson).action_confirm()
        # Resubmission starts a new round; the old decisions stay as history.
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(order.review_state, "in_review")
        self.assertEqual(finance.state, "rejected")
        self.assertEqual(
            len(order.governance_review_ids.filtered(lambda r: r.state == "waiting")), 2
        )

    def test_decided_reviews_are_immutable(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        review = self._approve_pending(order, self.sales_manager)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            review.sudo().write({"comment": "rewritten"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            review.sudo().unlink()
        with self.assertRaisesRegex(UserError, "not waiting for a decision"):
            review.with_user(self.sales_manager).action_approve()
        self.assertEqual(review.decided_by_id, self.sales_manager)

    # ------------------------------------------------------------
    # Edits send the order back
    # ------------------------------------------------------------

    def test_edit_under_review_resets(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        decided = self._approve_pending(order, self.sales_manager)
        order.with_user(self.salesperson).order_line.product_uom_qty = 5
        self.assertEqual(order.review_state, "not_submitted")
        self.assertEqual(decided.state, "approved", "decided reviews stay as history")
        self.assertEqual(
            set(
                order.governance_review_ids.filtered(lambda r: r != decided).mapped(
                    "state"
                )
            ),
            {"cancelled"},
        )
        self.assertFalse(
            order.activity_ids.filtered(
                lambda act: (
                    act.activity_type_id
                    == self.env.ref("sale_order_governance.mail_activity_type_review")
                )
            )
        )
        self.assertIn("Review restarted", order.message_ids[0].body)

    def test_edit_after_approval_resets(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        for user in (self.sales_manager, self.finance_user, self.warehouse_user):
            self._approve_pending(order, user)
        self.assertEqual(order.review_state, "approved")
        order.with_user(self.salesperson).write({"client_order_ref": "PO-42"})
        self.assertEqual(order.review_state, "approved")
        order.with_user(self.salesperson).order_line.discount = 15
        self.assertEqual(order.review_state, "not_submitted")
        with self.assertRaisesRegex(UserError, "Submit for Review"):
            order.with_user(self.salesperson).action_confirm()

    def test_terms_edit_after_approval_resets(self):
        """The terms and conditions are part of what the reviewers approved."""
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        for user in (self.sales_manager, self.finance_user, self.warehouse_user):
            self._approve_pending(order, user)
        order.with_user(self.salesperson).write({"note": "<p>deliver to gate 3</p>"})
        self.assertEqual(order.review_state, "not_submitted")

    def test_header_edits_reset(self):
        other_term = self.env.ref("account.account_payment_term_end_following_month")
        for vals in (
            {"payment_term_id": other_term.id},
            {"commitment_date": "2030-01-01 10:00:00"},
            {"partner_id": self.env["res.partner"].create({"name": "Other"}).id},
        ):
            order = self._create_order()
            order.with_user(self.salesperson).action_submit_for_review()
            order.with_user(self.salesperson).write(vals)
            self.assertEqual(order.review_state, "not_submitted", vals)

    def test_added_and_removed_lines_reset(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        order.with_user(self.salesperson).write(
            {"order_line": [Command.create({"product_id": self.service.id})]}
        )
        self.assertEqual(order.review_state, "not_submitted")
        order.with_user(self.salesperson).action_submit_for_review()
        order.order_line.filtered(lambda line: line.product_id == self.service).unlink()
        self.assertEqual(order.review_state, "not_submitted")

    # ------------------------------------------------------------
    # Vanilla behaviour and copies
    # ------------------------------------------------------------

    def test_no_stage_keeps_vanilla_confirmation(self):
        self.env["sale.review.stage"].search([]).action_archive()
        order = self._create_order()
        self.assertFalse(order.governance_blocking_reason)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.governance_review_ids)
        quotation = self._create_order()
        quotation.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(quotation.review_state, "approved")
        self.assertFalse(quotation.governance_review_ids)

    def test_copy_of_approved_order_starts_over(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        for user in (self.sales_manager, self.finance_user, self.warehouse_user):
            self._approve_pending(order, user)
        copy = order.with_user(self.salesperson).copy()
        self.assertEqual(copy.review_state, "not_submitted")
        self.assertFalse(copy.governance_review_ids)
        with self.assertRaises(UserError):
            copy.with_user(self.salesperson).action_confirm()
        self.assertEqual(copy.state, "draft")


@tagged("post_install", "-at_install")
class TestMultiCompany(GovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.stage_a = cls._create_stage(
            "A only", cls.sales_manager, 10, company_id=cls.company.id
        )
        cls.user_b = new_test_user(
            cls.env,
            login="gov_user_b",
            groups="sale_order_governance.group_reviewer_sales,"
            "sales_team.group_sale_salesman_all_leads",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    def test_reviews_and_stages_stay_in_their_company(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(order.governance_review_ids.stage_id, self.stage_a)
        self.assertEqual(order.governance_review_ids.company_id, self.company)
        as_b = self.env["sale.order.review"].with_user(self.user_b)
        self.assertFalse(as_b.search([("order_id", "=", order.id)]))
        stages_b = self.env["sale.review.stage"].with_user(self.user_b).search([])
        self.assertNotIn(self.stage_a, stages_b)
        order_b = (
            self.env["sale.order"]
            .with_company(self.company_b)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company_b.id,
                    "order_line": [Command.create({"product_id": self.service.id})],
                }
            )
        )
        self.assertFalse(order_b.governance_blocking_reason)
        order_b.action_confirm()
        self.assertEqual(order_b.state, "sale")

    def test_reviewer_of_other_company_is_not_snapshotted(self):
        self.stage_a.reviewer_user_ids |= self.user_b
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertNotIn(self.user_b, order.governance_review_ids.reviewer_user_ids)
