# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import GovernanceCase
from .request_common import RequestCase


def arch_of(model, user, view_type="form", view_id=False):
    views = model.with_user(user).get_views([(view_id, view_type)])
    return etree.fromstring(views["views"][view_type]["arch"])


@tagged("post_install", "-at_install")
class TestRequestWording(RequestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_stage("Sales Manager", cls.sales_manager, 10)
        cls.change_stage = cls._create_stage(
            "Sales Manager (changes)", cls.sales_manager, 10, applies_to="change"
        )
        cls.cancel_stage = cls._create_stage(
            "Sales Manager (cancellations)",
            cls.sales_manager,
            10,
            applies_to="cancel",
        )

    def _confirmed(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        self._approve_pending(order, self.sales_manager)
        order.with_user(self.salesperson).action_confirm()
        return order

    def test_same_words_for_both_requests(self):
        change_state = dict(
            self.env["sale.order.change.request"]._fields["state"].selection
        )
        cancel_state = dict(
            self.env["sale.order.cancel.request"]._fields["state"].selection
        )
        self.assertEqual(change_state["cancelled"], "Withdrawn")
        self.assertEqual(cancel_state["cancelled"], "Withdrawn")
        self.assertEqual(change_state["applied"], "Applied")
        self.assertEqual(cancel_state["done"], "Applied")
        for model in ("sale.order.change.request", "sale.order.cancel.request"):
            arch = arch_of(self.env[model], self.salesperson)
            button = arch.xpath("//header/button[@name='action_cancel']")[0]
            self.assertEqual(button.get("string"), "Withdraw")
            self.assertEqual(button.get("invisible"), "not governance_can_withdraw")

    def test_change_lines_fit(self):
        arch = arch_of(self.env["sale.order.change.request"], self.salesperson)
        columns = arch.xpath("//field[@name='line_ids']/list/field")
        shown = [
            column.get("name")
            for column in columns
            if column.get("optional") != "hide"
            and column.get("column_invisible") not in ("1", "True")
        ]
        self.assertLessEqual(len(shown), 11, shown)
        self.assertIn("new_qty", shown)
        self.assertNotIn("qty_invoiced", shown)

    def test_withdraw_only_where_allowed(self):
        order = self._confirmed()
        request = self._change_request(order, {order.order_line[:1]: {"new_qty": 5.0}})
        request.with_user(self.salesperson).action_submit()
        self.assertTrue(request.with_user(self.salesperson).governance_can_withdraw)
        # The reviewer reads the request, may not withdraw it.
        reviewer = request.with_user(self.sales_manager)
        self.assertFalse(reviewer.governance_can_withdraw)
        with self.assertRaises(AccessError):
            reviewer.action_cancel()
        self.assertEqual(request.state, "in_review")

    def test_apply_activity_closes(self):
        order = self._confirmed()
        request = self._change_request(order, {order.order_line[:1]: {"new_qty": 3.0}})
        self._submit_request(request, self.sales_manager)
        self.assertEqual(request.state, "approved")
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.assertTrue(
            request.activity_ids.filtered(lambda act: act.activity_type_id == todo)
        )
        request.with_user(self.salesperson).action_apply()
        self.assertEqual(request.state, "applied")
        self.assertFalse(request.activity_ids)
        self.assertTrue(
            request.message_ids.filtered(lambda msg: msg.mail_activity_type_id == todo),
            "the activity is marked done, not deleted",
        )

    def test_withdrawn_cancel_request_and_wording(self):
        order = self._confirmed()
        request = self._cancel_request(order)
        request.with_user(self.salesperson).action_submit()
        request.with_user(self.salesperson).action_cancel()
        self.assertEqual(request.state, "cancelled")
        self.assertFalse(request.with_user(self.salesperson).governance_can_withdraw)


@tagged("post_install", "-at_install")
class TestStagesForConsultants(GovernanceCase):
    def test_steps_rules_in_words_and_no_sla_sum(self):
        finance = self._create_stage("Finance", self.finance_user, 20, "finance")
        warehouse = self._create_stage(
            "Warehouse",
            self.warehouse_user,
            20,
            "warehouse",
            domain=str(
                [
                    "|",
                    ("amount_total", ">", 1000),
                    ("partner_id", "in", [self.customer.id]),
                ]
            ),
        )
        sales = self._create_stage("Sales", self.sales_manager, 10)
        self.assertEqual(warehouse.parallel_stage_names, "Finance")
        self.assertEqual(finance.parallel_stage_names, "Warehouse")
        self.assertFalse(sales.parallel_stage_names)
        self.assertEqual(sales.domain_description, "Every record")
        self.assertEqual(
            warehouse.domain_description,
            "(Total > 1000 or Customer is Governance Customer)",
        )
        self.assertFalse(self.env["sale.review.stage"]._fields["sla_hours"].aggregator)
        arch = arch_of(self.env["sale.review.stage"], self.governance_manager, "list")
        names = [field.get("name") for field in arch.xpath("//field")]
        self.assertIn("step", names)
        self.assertIn("domain_description", names)
        self.assertNotIn("domain", names)
        action = self.env.ref("sale_order_governance.sale_review_stage_action")
        self.assertTrue(safe_eval(action.context)["search_default_group_step"])
        groups = (
            self.env["sale.review.stage"]
            .with_user(self.governance_manager)
            .read_group([], ["sla_hours"], ["step"])
        )
        self.assertTrue(all(not group.get("sla_hours") for group in groups))

    def test_stage_changes_tracked(self):
        stage = (
            self.env["sale.review.stage"]
            .with_context(tracking_disable=False, mail_notrack=False)
            .with_user(self.governance_manager)
            .create(
                {
                    "name": "Finance",
                    "department": "finance",
                    "reviewer_user_ids": [Command.set(self.finance_user.ids)],
                }
            )
        )
        # The changes after its creation are tracked (as in a later request).
        self.env.flush_all()
        self.env.cr.precommit.run()
        stage.write(
            {
                "reviewer_user_ids": [Command.link(self.warehouse_user.id)],
                "domain": "[('amount_total', '>', 500)]",
                "sla_hours": 48.0,
            }
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        stage.invalidate_recordset(["message_ids"])
        tracked = stage.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        for name in ("reviewer_user_ids", "domain", "sla_hours"):
            self.assertIn(name, tracked)
        arch = arch_of(self.env["sale.review.stage"], self.governance_manager)
        self.assertTrue(arch.xpath("//div[hasclass('oe_chatter')] | //chatter"))


@tagged("post_install", "-at_install")
class TestSettingsAndReports(GovernanceCase):
    def test_settings_block(self):
        arch = arch_of(self.env["res.config.settings"], self.env.ref("base.user_admin"))
        block = arch.xpath("//block[@name='sale_order_governance_setting_container']")[
            0
        ]
        previous = block.getprevious()
        self.assertEqual(previous.get("name"), "quotation_order_setting_container")
        self.assertEqual(block.getparent().get("name"), "sale_management")
        for field in block.xpath(".//field"):
            name = field.get("name")
            if self.env["res.config.settings"]._fields[name].type != "boolean":
                continue
            self.assertTrue(block.xpath(f".//label[@for='{name}']"), name)
        shipment = block.xpath(".//field[@name='governance_shipment_days']")[0]
        self.assertEqual(shipment.get("digits"), "[16, 0]")
        label = block.xpath(".//label[@for='governance_credit_prepayment_mode']")[0]
        self.assertIn("marked for prepayment", label.get("string"))

    def test_reports_open_on_everything_visible(self):
        for xmlid, measures in (
            ("sale_governance_report_action", "on_time_rate"),
            ("sale_review_report_action", "hours_taken"),
        ):
            action = self.env.ref(f"sale_order_governance.{xmlid}")
            context = safe_eval(action.context)
            self.assertNotIn("search_default_filter_my_team", context)
            self.assertIn(measures, context["pivot_measures"])
