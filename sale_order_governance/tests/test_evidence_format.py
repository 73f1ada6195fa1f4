# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged
from odoo.tools import formatLang

from .common import GovernanceCase


@tagged("post_install", "-at_install")
class TestEvidenceFormat(GovernanceCase):
    """Evidence reads as people write: in the reader's language and currency."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.stage_finance = cls._create_stage(
            "Finance", cls.finance_user, 10, department="finance"
        )
        cls.currency = cls.company.currency_id

    def _data(self):
        return {
            "items": [
                ["amount_total", {"amount": 1234.5, "currency_id": self.currency.id}],
                ["overdue_days", 12.0],
                ["credit_prepayment", True],
                ["credit_hold", False],
                ["requested_date", ""],
                ["payment_term", None],
                [
                    "flag_price_below_list",
                    ["Line 1 below the pricelist", "Line 2 below it"],
                ],
                ["assessment", "Stock is reserved\nThe carrier is booked"],
                ["max_discount", 12.5],
            ],
            "lines": [
                {"product": "Widget", "lead_days": 7.0, "date": "", "quantity": 2.0},
                {"product": "Gadget", "lead_days": 3.0, "date": "", "quantity": 1.5},
            ],
        }

    def _render(self, lang):
        return str(
            self.env["sale.order.review"]
            .with_context(lang=lang)
            ._render_evidence(self._data())
        )

    def test_evidence_in_english(self):
        html = self._render("en_US")
        self.assertIn(self.currency.symbol, html)
        self.assertIn("1,234.50", html)
        self.assertIn("<th>Total</th>", html)
        self.assertIn("<th>Price below the pricelist</th>", html)
        self.assertIn("<td>12</td>", html, "days without decimals")
        self.assertNotIn("12.0", html)
        self.assertIn("<td>Yes</td>", html)
        self.assertIn("<td>No</td>", html)
        self.assertIn("<td>12.50</td>", html)
        # No empty row, no empty column.
        self.assertNotIn("Requested delivery date", html)
        self.assertNotIn("Payment terms", html)
        self.assertNotIn("<th>Date</th>", html)
        # One line per assessment item.
        self.assertIn("Line 1 below the pricelist<br/>Line 2 below it", html)
        self.assertIn("Stock is reserved<br/>The carrier is booked", html)
        self.assertIn("<td>7</td>", html)
        self.assertIn("<td>1.50</td>", html)

    def test_evidence_in_chinese(self):
        html = self._render("zh_CN")
        self.assertIn("<td>是</td>", html)
        self.assertIn("<td>否</td>", html)
        self.assertIn("<td>12</td>", html)
        self.assertIn("1,234.50", html)
        self.assertNotIn("<td>Yes</td>", html)
        # Labels in Chinese too.
        self.assertNotIn("<th>Total</th>", html)
        self.assertNotIn("Price below the pricelist", html)
        self.assertNotIn("flag_", html)
        self.assertNotIn("Requested delivery date", html)

    def test_decided_evidence_keeps_figures_and_reads_in_each_language(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        review = order.governance_review_ids
        review.with_user(self.finance_user).action_approve()
        amount = dict(review.evidence["items"])["amount_total"]
        self.assertEqual(
            amount, {"amount": order.amount_total, "currency_id": self.currency.id}
        )
        english = str(review.with_context(lang="en_US").evidence_html)
        chinese = str(review.with_context(lang="zh_CN").evidence_html)
        self.assertIn("Receivable due", english)
        self.assertNotIn("Receivable due", chinese)
        self.assertIn(formatLang(self.env, order.amount_total), english)
        self.assertIn(formatLang(self.env, order.amount_total), chinese)
        self.assertIn("<td>否</td>", chinese, "prepayment: translated No")
