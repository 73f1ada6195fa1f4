# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .request_common import RequestCase


@tagged("post_install", "-at_install")
class TestGovernanceSummary(RequestCase):
    """The monthly summary: March 2026, printed or e-mailed in April."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.governance_review_delay_points = 1.0
        cls.stage = cls._create_stage(
            "Sales Manager",
            cls.sales_manager,
            sla_hours=24,
            sla_mode="calendar_hours",
            domain="[('amount_untaxed', '>', 150)]",
        )
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["sale_order_governance"], ["zh_CN"]
        )
        cls.chinese_manager = new_test_user(
            cls.env,
            login="gov_manager_cn",
            groups="sale_order_governance.group_governance_manager",
            name="Wang Manager",
            lang="zh_CN",
            email="wang@example.com",
        )
        cls.governance_manager.email = "gabriel@example.com"
        with freeze_time("2026-03-02 09:00:00"):
            cls.reviewed = cls._create_order(commitment_date="2026-03-06 12:00:00")
            cls.reviewed.with_user(cls.salesperson).action_submit_for_review()
        with freeze_time("2026-03-05 09:00:00"):  # two days late
            cls.reviewed.governance_review_ids.with_user(
                cls.sales_manager
            ).action_approve()
            cls.reviewed.with_user(cls.salesperson).action_confirm()
        with freeze_time("2026-03-03 09:00:00"):
            cls.small = cls._create_order(
                lines=[(cls.product, 1, 100.0)], commitment_date="2026-03-04 12:00:00"
            )
            cls.small.with_user(cls.salesperson).action_confirm()
        for order, when in ((cls.small, "06"), (cls.reviewed, "05")):
            with freeze_time(f"2026-03-{when} 10:00:00"):
                picking = order.picking_ids
                picking.action_assign()
                for move in picking.move_ids:
                    move.quantity = move.product_uom_qty
                    move.picked = True
                picking.button_validate()

    def _summary(self, user=None):
        summary = self.env["sale.governance.summary"]
        if user:
            summary = summary.with_user(user)
        return summary.create({"date_from": "2026-03-15"})

    def test_figures_of_the_month(self):
        figures = self._summary()._summary_figures()
        self.assertEqual(figures["orders"]["__count"], 2)
        self.assertEqual(figures["orders"]["cancel_rate:avg"], 0.0)
        self.assertEqual(figures["deliveries"]["__count"], 2)
        self.assertEqual(figures["deliveries"]["on_time_rate:avg"], 50.0)
        self.assertEqual(figures["reviews"]["late_count:sum"], 1)
        [delay] = figures["delays"]
        self.assertEqual(delay["user"], self.sales_manager)
        self.assertAlmostEqual(delay["points"], 2.0)
        [warehouse] = [
            row for row in figures["fulfilment"] if row["department"] == "Warehouse"
        ]
        # small: promised Wed 4 12:00, delivered Fri 6 10:00: two started
        # days; reviewed: delivered on time.
        self.assertEqual(warehouse["count"], 2)
        self.assertEqual(warehouse["days"], 2)
        self.assertEqual(warehouse["on_time"], 50.0)
        # April is empty.
        april = self.env["sale.governance.summary"].create({"date_from": "2026-04-01"})
        self.assertEqual(april._summary_figures()["orders"]["__count"], 0)

    def test_printed_by_a_sales_manager(self):
        manager = new_test_user(
            self.env,
            login="gov_sales_head",
            groups="sales_team.group_sale_manager",
            name="Hannah Head",
        )
        summary = self._summary(manager)
        action = summary.action_print()
        self.assertEqual(
            action["report_name"], "sale_order_governance.report_governance_summary"
        )
        html = (
            self.env["ir.actions.report"]
            .with_user(manager)
            ._render_qweb_html(
                "sale_order_governance.report_governance_summary", summary.ids
            )[0]
            .decode()
        )
        self.assertIn("Sam Manager", html)
        self.assertIn("Review delay points", html)
        with self.assertRaisesRegex(AccessError, "governance manager"):
            summary.action_send()
        with self.assertRaises(AccessError):
            self._summary(self.salesperson)
        # Not the figures of a company the manager does not work for.
        other = self.env["res.company"].create({"name": "Other Governance Co"})
        with self.assertRaises(AccessError):
            self.env["sale.governance.summary"].with_user(manager).create(
                {"company_id": other.id, "date_from": "2026-03-01"}
            )

    def test_monthly_mail_to_the_managers_in_their_language(self):
        Mail = self.env["mail.mail"]
        before = Mail.search([])
        with freeze_time("2026-04-01 06:00:00"):
            self.env["sale.governance.summary"]._cron_send_monthly_summary()
        mails = Mail.search([]) - before
        chinese = mails.filtered(
            lambda mail: self.chinese_manager.partner_id in mail.recipient_ids
        )
        english = mails.filtered(
            lambda mail: self.governance_manager.partner_id in mail.recipient_ids
        )
        self.assertEqual(len(chinese), 1)
        self.assertEqual(len(english), 1)
        self.assertNotIn(self.chinese_manager.partner_id, english.recipient_ids)
        self.assertIn("2026", english.subject)
        self.assertIn("Governance summary of", english.subject)
        self.assertIn("Sam Manager", english.body_html)
        self.assertNotIn("Governance summary of", chinese.subject)
        self.assertIn("Sam Manager", chinese.body_html)
        self.assertNotIn("Review delay points", chinese.body_html)

        # Switched off in the settings: nothing is sent.
        self.company.governance_monthly_summary = False
        before = Mail.search([])
        with freeze_time("2026-04-01 06:00:00"):
            self.env["sale.governance.summary"]._cron_send_monthly_summary()
        self.assertFalse(Mail.search([]) - before)
