# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""This add-on installed beside OCA's sale add-ons, in either order.

Two throw-away databases: on ``ours_first`` this add-on is installed, then
OCA's ``sale_tier_validation``, ``sale_financial_risk``, ``sale_exception``
and ``sale_cancel_reason``; on ``oca_first`` the other way round. Every test
runs on both: orders are still gated by this add-on's reviews and credit
rules, and each OCA add-on still does its own job.
"""

from functools import partial

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .oca_common import ADDON, OCA_DEPENDENCIES, OCA_MODULES, OcaCoexistenceCase


@tagged("post_install", "-at_install")
class TestOcaCoexistence(OcaCoexistenceCase):
    # ------------------------------------------------------------
    # TESTS
    # ------------------------------------------------------------

    def test_both_install_orders_load_every_model_and_view(self):
        for env, f in self._on_each_database():
            modules = env["ir.module.module"].search(
                [("name", "in", (ADDON, *OCA_MODULES, *OCA_DEPENDENCIES))]
            )
            self.assertEqual(set(modules.mapped("state")), {"installed"})
            self.assertEqual(len(modules), 1 + len(OCA_MODULES) + 3)
            # One review_ids (OCA's tier reviews) and our own review one2many.
            order_fields = env["sale.order"]._fields
            self.assertEqual(order_fields["review_ids"].comodel_name, "tier.review")
            for model in (
                "sale.order",
                "sale.order.change.request",
                "sale.order.cancel.request",
            ):
                self.assertEqual(
                    env[model]._fields["governance_review_ids"].comodel_name,
                    "sale.order.review",
                )
            # sale_cancel_reason defines our reason model too: one model with
            # our fields, its reasons active and ordered like ours.
            reasons = env["sale.order.cancel.reason"]
            self.assertLessEqual({"name", "active", "sequence"}, set(reasons._fields))
            oca_reasons = (
                env.ref("sale_cancel_reason.cancel_reason_only_quotation")
                | env.ref("sale_cancel_reason.cancel_reason_no_service_needed")
                | env.ref("sale_cancel_reason.cancel_reason_other_provider")
            )
            self.assertRecordValues(oca_reasons, [{"active": True, "sequence": 10}] * 3)
            self.assertLessEqual(oca_reasons, reasons.search([]))
            self.assertIn(
                env.ref("sale_order_governance.cancel_reason_price"), reasons.search([])
            )
            # Views inheriting the same anchors render together.
            form = (
                env["sale.order"]
                .with_user(f.salesperson)
                .get_views([(False, "form"), (False, "list"), (False, "search")])
            )
            arch = form["views"]["form"]["arch"]
            if isinstance(arch, bytes):  # tier validation rewrites the form
                arch = arch.decode()
            for name in (
                "action_submit_for_review",
                "governance_blocking_reason",
                "request_validation",
                "exceptions_summary",
                "cancel_reason_id",
            ):
                self.assertIn(f'name="{name}"', arch)
            self.assertIn('name="needs_review"', form["views"]["search"]["arch"])
            self.assertIn('name="filter_in_review"', form["views"]["search"]["arch"])
            f.controller.groups_id += env.ref(
                "account_financial_risk.group_account_financial_risk_user"
            )
            partner_views = (
                env["res.partner"].with_user(f.controller).get_views([(False, "form")])
            )
            for name in (
                "credit_hold",
                "credit_exposure",
                "risk_total",
                "credit_limit",
            ):
                self.assertIn(f'name="{name}"', partner_views["views"]["form"]["arch"])
            settings_arch = env["res.config.settings"].get_views([(False, "form")])[
                "views"
            ]["form"]["arch"]
            for name in (
                "governance_review_sla_hours",
                "sale_report_print_block",
                "allow_overrisk_sale_confirmation",
            ):
                self.assertIn(f'name="{name}"', settings_arch)
            cancel_arch = env["sale.order.cancel"].get_views([(False, "form")])[
                "views"
            ]["form"]["arch"]
            self.assertIn('name="reason_id"', cancel_arch)
            # Both add-ons' menus load for a governance manager.
            menus = env["ir.ui.menu"].with_user(f.manager).load_menus(debug=False)
            menu_xmlids = {menu.get("xmlid") for menu in menus.values()}
            for xmlid in (
                "sale_order_governance.sale_review_stage_import_tier_menu",
                "sale_order_governance.sale_order_cancel_reason_menu",
                "sale_cancel_reason.menu_sale_order_cancel_reason",
            ):
                self.assertIn(xmlid, menu_xmlids)

    def test_orders_still_gated_by_reviews_and_credit(self):
        for env, f in self._on_each_database():
            order = self._order(f)
            as_seller = order.with_user(f.salesperson)
            error = self._refused(env, UserError, as_seller.action_confirm)
            self.assertIn("must be reviewed", str(error))
            self._refused(env, UserError, partial(as_seller.write, {"state": "sale"}))
            as_seller.action_submit_for_review()
            error = self._refused(env, UserError, as_seller.action_confirm)
            self.assertIn("still in review", str(error))
            self.assertRecordValues(
                order, [{"state": "draft", "review_state": "in_review"}]
            )
            order.governance_review_ids.with_user(f.reviewer).action_approve()
            # A credit hold stops the approved order until it is lifted.
            f.customer.with_user(f.controller).write(
                {"credit_hold": True, "credit_hold_reason": "Unpaid invoices"}
            )
            error = self._refused(env, UserError, as_seller.action_confirm)
            self.assertIn("Unpaid invoices", str(error))
            self.assertEqual(order.state, "draft")
            f.customer.with_user(f.controller).write({"credit_hold": False})
            as_seller.action_confirm()
            self.assertEqual(order.state, "sale")

    def test_tier_validation_still_requires_its_review(self):
        for env, f in self._on_each_database():
            self._tier(f, "OCA tier")
            order = self._order(f)
            as_seller = order.with_user(f.salesperson)
            as_seller.request_validation()
            self.assertEqual(order.review_ids.reviewer_ids, f.tier_reviewer)
            # The review engine works on an order under tier validation ...
            self._approve_reviews(f, order)
            # ... and tier validation still requires its own review.
            error = self._refused(env, ValidationError, as_seller.action_confirm)
            self.assertIn("validation", str(error))
            self.assertEqual(order.state, "draft")
            order.with_user(f.tier_reviewer).validate_tier()
            self.assertEqual(order.validation_status, "validated")
            as_seller.action_confirm()
            self.assertEqual(order.state, "sale")
            # A validated tier does not replace this add-on's reviews.
            other = self._order(f)
            other.with_user(f.salesperson).request_validation()
            other.with_user(f.tier_reviewer).validate_tier()
            self.assertEqual(other.validation_status, "validated")
            error = self._refused(
                env, UserError, other.with_user(f.salesperson).action_confirm
            )
            self.assertIn("must be reviewed", str(error))
            self.assertEqual(other.state, "draft")

    def test_sale_exception_still_raises_on_confirm(self):
        from odoo.addons.base_exception.exceptions import BaseExceptionError

        for env, f in self._on_each_database():
            rule = env["exception.rule"].create(
                {
                    "name": "Quantity above 5",
                    "model": "sale.order",
                    "exception_type": "by_domain",
                    "domain": "[('order_line.product_uom_qty', '>', 5)]",
                }
            )
            big = self._order(f, qty=10)
            self._approve_reviews(f, big)
            with self.assertRaises(BaseExceptionError):
                big.with_user(f.salesperson).action_confirm()
            self.assertEqual(big.exception_ids, rule)
            self.assertEqual(big.state, "draft")
            small = self._order(f, qty=1)
            self._approve_reviews(f, small)
            small.with_user(f.salesperson).action_confirm()
            self.assertEqual(small.state, "sale")
            self.assertFalse(small.exception_ids)

    def test_financial_risk_still_computed_and_blocking(self):
        for _env, f in self._on_each_database():
            f.customer.write({"risk_sale_order_limit": 150.0})
            order = self._order(f, qty=2)
            self._approve_reviews(f, order)
            action = order.with_user(f.salesperson).action_confirm()
            self.assertEqual(action["res_model"], "partner.risk.exceeded.wiz")
            self.assertEqual(order.state, "draft")
            f.customer.write({"risk_sale_order_limit": 10000.0})
            self.assertIs(order.with_user(f.salesperson).action_confirm(), True)
            self.assertEqual(order.state, "sale")
            f.customer.invalidate_recordset()
            self.assertAlmostEqual(f.customer.risk_sale_order, order.amount_total)
            # Both credit computations see the same confirmed order.
            self.assertAlmostEqual(
                f.customer.with_company(f.company).credit_exposure,
                f.customer.risk_sale_order,
            )

    def test_cancel_reason_still_recorded(self):
        for env, f in self._on_each_database():
            oca_reason = env.ref("sale_cancel_reason.cancel_reason_other_provider")
            our_reason = env.ref("sale_order_governance.cancel_reason_price")
            readable = (
                env["sale.order.cancel.reason"].with_user(f.salesperson).search([])
            )
            self.assertLessEqual(oca_reason | our_reason, readable)
            quotation = self._order(f)
            action = quotation.with_user(f.salesperson).action_cancel()
            self.assertEqual(action["res_model"], "sale.order.cancel")
            wizard = (
                env["sale.order.cancel"]
                .with_user(f.salesperson)
                .with_context(**action["context"])
                .create({"order_id": quotation.id, "reason_id": oca_reason.id})
            )
            wizard.action_cancel()
            self.assertRecordValues(
                quotation, [{"state": "cancel", "cancel_reason_id": oca_reason.id}]
            )
            # A confirmed order is cancelled only by an approved cancel request,
            # which records its reason where sale_cancel_reason keeps it.
            order = self._order(f)
            self._approve_reviews(f, order)
            order.with_user(f.salesperson).action_confirm()
            wizard = (
                env["sale.order.cancel"]
                .with_user(f.salesperson)
                .create({"order_id": order.id, "reason_id": oca_reason.id})
            )
            self._refused(env, UserError, wizard.action_cancel)
            self.assertRecordValues(
                order, [{"state": "sale", "cancel_reason_id": False}]
            )
            env["sale.review.stage"].create(
                {
                    "name": "Finance (cancellations)",
                    "department": "finance",
                    "applies_to": "cancel",
                    "reviewer_user_ids": [Command.set(f.reviewer.ids)],
                }
            )
            request = (
                env["sale.order.cancel.request"]
                .with_user(f.salesperson)
                .create({"order_id": order.id, "reason_id": oca_reason.id})
            )
            request.action_submit()
            request.governance_review_ids.with_user(f.reviewer).action_approve()
            self.assertRecordValues(
                order, [{"state": "cancel", "cancel_reason_id": oca_reason.id}]
            )

    def test_tier_definitions_become_review_stages(self):
        for env, f in self._on_each_database():
            f.stage.action_archive()
            finance = env.ref("sale_order_governance.group_reviewer_finance")
            tiers = (
                self._tier(
                    f,
                    "Large orders",
                    definition_domain='[("amount_untaxed", ">", 1000)]',
                    sequence=30,
                )
                | self._tier(
                    f,
                    "Finance check",
                    review_type="group",
                    reviewer_id=False,
                    reviewer_group_id=finance.id,
                    approve_sequence=True,
                    sequence=20,
                )
                | self._tier(
                    f,
                    "Salesperson's choice",
                    review_type="field",
                    reviewer_id=False,
                    reviewer_field_id=env["ir.model.fields"]
                    ._get("sale.order", "user_id")
                    .id,
                    sequence=10,
                )
                | self._tier(f, "Retired tier", active=False)
            )
            Wizard = env["sale.review.stage.import.tier"].with_user(f.manager)
            wizard = Wizard.create(Wizard.default_get(["line_ids"]))
            self.assertEqual(
                wizard.line_ids.mapped("name"),
                ["Large orders", "Salesperson's choice", "Finance check"],
            )
            self.assertRecordValues(
                wizard.line_ids,
                [
                    {
                        "selected": True,
                        "sequence": 10,
                        "department": "other",
                        "reviewer_user_ids": f.tier_reviewer.ids,
                        "reviewer_group_id": False,
                        "domain": "[('amount_untaxed', '>', 1000)]",
                        "company_id": f.company.id,
                    },
                    {
                        "selected": False,
                        "sequence": 10,
                        "department": "other",
                        "reviewer_user_ids": [],
                        "reviewer_group_id": False,
                        "domain": False,
                        "company_id": f.company.id,
                    },
                    {
                        "selected": True,
                        "sequence": 20,
                        "department": "finance",
                        "reviewer_user_ids": [],
                        "reviewer_group_id": finance.id,
                        "domain": False,
                        "company_id": f.company.id,
                    },
                ],
            )
            self.assertIn("Salesperson", wizard.line_ids[1].note)
            # Nothing exists until the manager confirms the edited proposal.
            self.assertFalse(
                env["sale.review.stage"].search([("name", "in", tiers.mapped("name"))])
            )
            wizard.line_ids[1].write(
                {"selected": True, "reviewer_user_ids": [Command.set(f.reviewer.ids)]}
            )
            action = wizard.action_import()
            stages = env["sale.review.stage"].search(action["domain"])
            self.assertEqual(
                sorted(stages.mapped("name")),
                ["Finance check", "Large orders", "Salesperson's choice"],
            )
            # After the migration the tiers are retired; real orders go
            # through the new stages.
            tiers.action_archive()
            big = self._order(f, qty=20)
            big.with_user(f.salesperson).action_submit_for_review()
            self.assertEqual(
                big.governance_review_ids.filtered(
                    lambda review: review.state == "pending"
                ).mapped("reviewer_user_ids"),
                f.tier_reviewer | f.reviewer,
            )
            self._approve_reviews(f, big, submit=False)
            big.with_user(f.salesperson).action_confirm()
            self.assertEqual(big.state, "sale")
            small = self._order(f, qty=1)
            small.with_user(f.salesperson).action_submit_for_review()
            self.assertEqual(
                sorted(small.governance_review_ids.stage_id.mapped("name")),
                ["Finance check", "Salesperson's choice"],
            )

    def test_only_governance_managers_import_tier_definitions(self):
        for env, f in self._on_each_database():
            self._tier(f, "Secret tier")
            stages_before = (
                env["sale.review.stage"]
                .with_context(active_test=False)
                .search_count([])
            )
            Wizard = env["sale.review.stage.import.tier"]
            self._refused(
                env,
                AccessError,
                partial(Wizard.with_user(f.salesperson).default_get, ["line_ids"]),
            )
            self._refused(
                env, AccessError, partial(Wizard.with_user(f.salesperson).create, {})
            )
            wizard = Wizard.with_user(f.manager).create(
                Wizard.with_user(f.manager).default_get(["line_ids"])
            )
            self._refused(
                env, AccessError, wizard.with_user(f.salesperson).action_import
            )
            self.assertEqual(
                env["sale.review.stage"]
                .with_context(active_test=False)
                .search_count([]),
                stages_before,
            )
