# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from ..models.sale_credit_exposure_totals import TOTALS_TABLE
from ..models.sale_order_change import governance_apply
from .test_credit import CreditCase


@tagged("post_install", "-at_install")
class TestCreditExposureService(CreditCase):
    """The running totals of the exposure agree with the documents.

    Each step walks real invoices, payments, orders and deliveries through
    Odoo, then compares the service's figures with the same buckets summed
    by the ORM over the documents, and with Odoo's own ``credit``.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.exposure = cls.env["sale.credit.exposure"]
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].create(
            [
                {
                    "currency_id": cls.eur.id,
                    "name": cls.today - timedelta(days=20),
                    "rate": 1.0,
                },
                {"currency_id": cls.eur.id, "name": cls.today, "rate": 2.0},
            ]
        )

    def _orm_figures(self):
        """The customer's buckets summed by the ORM, line by line."""
        company = self.company
        members = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("commercial_partner_id", "=", self.customer.id)])
        )

        def convert(currency, amount):
            return currency._convert(
                amount, company.currency_id, company, self.today, round=False
            )

        items = self.env["account.move.line"].search(
            [
                ("partner_id", "in", members.ids),
                ("company_id", "=", company.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
            ]
        )
        overdue = items.filtered(
            lambda item: (
                item.date_maturity
                and item.date_maturity < self.today
                and item.amount_residual > 0
            )
        )
        order_lines = self.env["sale.order.line"].search(
            [
                ("order_partner_id", "in", members.ids),
                ("company_id", "=", company.id),
                ("state", "=", "sale"),
                ("invoice_status", "!=", "invoiced"),
                ("is_downpayment", "=", False),
                ("product_uom_qty", ">", 0),
            ]
        )
        drafts = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", self.customer.id),
                ("company_id", "=", company.id),
                ("state", "=", "draft"),
                ("move_type", "in", ("out_invoice", "out_refund", "out_receipt")),
            ]
        )
        oldest = min(overdue.mapped("date_maturity"), default=None)
        return {
            "credit_exposure_receivable": sum(
                convert(item.currency_id, item.amount_residual_currency)
                for item in items
            ),
            "credit_overdue_amount": sum(
                convert(item.currency_id, item.amount_residual_currency)
                for item in overdue
            ),
            "credit_overdue_days": (self.today - oldest).days if oldest else 0,
            "credit_exposure_orders": sum(
                convert(
                    line.currency_id,
                    line.price_total
                    / line.product_uom_qty
                    * max(
                        max(line.product_uom_qty, line.qty_delivered)
                        - line.qty_invoiced,
                        0,
                    ),
                )
                for line in order_lines
            ),
            "credit_exposure_draft": sum(
                convert(move.currency_id, move.amount_total_in_currency_signed)
                for move in drafts
            ),
        }

    def _odoo_credit(self):
        """Odoo's own receivable figure of the customer (account)."""
        self.customer.invalidate_recordset(["credit"])
        return self.customer.credit

    def _service_figures(self):
        return self.exposure._partner_figures(self.contact, self.company)[
            self.contact.id
        ]

    def _assert_agree(self, **expected):
        """The service, the ORM and ``expected`` give the same figures."""
        figures = self._service_figures()
        orm = self._orm_figures()
        for name, value in orm.items():
            self.assertAlmostEqual(figures[name], value, places=2, msg=name)
        for name, value in expected.items():
            self.assertAlmostEqual(figures[name], value, places=2, msg=name)
        return figures

    def _total_rows(self):
        self.env.flush_all()
        self.env.cr.execute(
            f"SELECT count(*) FROM {TOTALS_TABLE} WHERE partner_id = ANY(%s)",
            [(self.customer | self.contact).ids],
        )
        return self.env.cr.fetchone()[0]

    def _pay(self, invoice, amount=None):
        vals = {"amount": amount} if amount else {}
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(vals)._create_payments()

    def test_totals_follow_invoices_payments_and_orders(self):
        self._assert_agree(credit_exposure_receivable=0.0, credit_exposure_orders=0.0)
        # Invoices of the customer and of its contact, one overdue; a refund.
        first = self._invoice(300.0)
        late = self._invoice(
            200.0,
            partner=self.contact,
            due_days=-12,
            invoice_date=self.today - timedelta(days=40),
        )
        self._invoice(50.0, move_type="out_refund")
        figures = self._assert_agree(
            credit_exposure_receivable=450.0,
            credit_overdue_amount=200.0,
            credit_overdue_days=12,
        )
        self.assertAlmostEqual(
            figures["credit_exposure_receivable"], self._odoo_credit()
        )
        # A partial payment, then the overdue invoice paid in full.
        self._pay(first, 100.0)
        self._assert_agree(credit_exposure_receivable=350.0)
        self._pay(late)
        figures = self._assert_agree(
            credit_exposure_receivable=150.0,
            credit_overdue_amount=0.0,
            credit_overdue_days=0,
        )
        self.assertAlmostEqual(
            figures["credit_exposure_receivable"], self._odoo_credit()
        )
        # A confirmed order counts until it is invoiced.
        order = self._create_order(lines=[(self.product, 3, 100.0)])
        order.action_confirm()
        self._assert_agree(credit_exposure_orders=300.0)
        self._deliver(order)
        self.assertEqual(order.order_line.qty_delivered, 3)
        self._assert_agree(credit_exposure_orders=300.0)
        invoice = order._create_invoices()
        self._assert_agree(credit_exposure_orders=0.0, credit_exposure_draft=300.0)
        invoice.action_post()
        self._assert_agree(credit_exposure_receivable=450.0, credit_exposure_draft=0.0)
        # Back to draft, then cancelled: out of the receivables.
        invoice.button_draft()
        self._assert_agree(
            credit_exposure_receivable=150.0, credit_exposure_draft=300.0
        )
        invoice.button_cancel()
        self._assert_agree(
            credit_exposure_receivable=150.0, credit_exposure_orders=300.0
        )
        # An invoice in another currency: at today's rate.
        self._invoice(
            400.0, currency=self.eur, invoice_date=self.today - timedelta(days=10)
        )
        self._assert_agree(credit_exposure_receivable=350.0)
        # A quantity raised on the confirmed order (as a change request
        # applies it); then delivered beyond it.
        with governance_apply(self.env) as env:
            order.order_line.with_env(env).product_uom_qty = 5
        self._assert_agree(credit_exposure_orders=500.0)
        picking = order.picking_ids.filtered(lambda p: p.state != "done")
        picking.move_ids.write({"quantity": 3, "picked": True})
        picking.button_validate()
        self.assertEqual(order.order_line.qty_delivered, 6)
        self._assert_agree(credit_exposure_orders=600.0)

    def test_rebuild_and_fold_keep_the_figures(self):
        self._invoice(300.0)
        self._invoice(120.0, partner=self.contact, due_days=-5)
        paid = self._invoice(80.0)
        self._pay(paid, 30.0)
        order = self._create_order(lines=[(self.product, 2, 100.0)])
        order.action_confirm()
        with governance_apply(self.env) as env:
            order.order_line.with_env(env).product_uom_qty = 5
        before = self._service_figures()
        rows = self._total_rows()
        self.assertGreater(rows, 4, "one row per change until folded")
        # Folding sums the rows of each key (customer, currency, account,
        # due date): fewer rows, the same figures.
        self.exposure._cron_fold_totals()
        self.assertLess(self._total_rows(), rows)
        self.assertEqual(self._service_figures(), before)
        # Computed again from the documents: the same figures.
        self.exposure._rebuild_totals(self.customer)
        self.assertEqual(self._service_figures(), before)
        self.exposure._rebuild_totals()
        self.assertEqual(self._service_figures(), before)
        self._assert_agree(
            credit_exposure_receivable=470.0,
            credit_exposure_orders=500.0,
            credit_overdue_amount=120.0,
        )

    def test_triggers_and_no_scan_indexes(self):
        self.env.cr.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger"
            " WHERE tgname LIKE 'sale_credit_exposure_%%' ORDER BY 1, 2"
        )
        self.assertEqual(
            self.env.cr.fetchall(),
            [
                ("account_move_line", "sale_credit_exposure_receivable_update"),
                ("account_move_line", "sale_credit_exposure_receivable_write"),
                ("sale_order_line", "sale_credit_exposure_order_update"),
                ("sale_order_line", "sale_credit_exposure_order_write"),
            ],
        )
        # The covering indexes the exposure scanned before are gone.
        self.env.cr.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname IN %s",
            [
                (
                    "account_move_line_governance_credit_residual_idx",
                    "sale_order_line_governance_credit_open_idx",
                )
            ],
        )
        self.assertFalse(self.env.cr.fetchall())

    def test_order_form_and_customer_tab_read_the_service(self):
        self._invoice(250.0)
        confirmed = self._create_order(lines=[(self.product, 1, 100.0)])
        confirmed.action_confirm()
        order = self._create_order(
            lines=[(self.product, 2, 100.0)], partner_id=self.contact.id
        )
        self.assertRecordValues(
            order,
            [
                {
                    "credit_exposure_receivable": 250.0,
                    "credit_exposure_orders": 100.0,
                    "credit_exposure_order": 200.0,
                    "credit_exposure": 550.0,
                }
            ],
        )
        self.assertRecordValues(
            self.customer, [{"credit_exposure": 350.0, "credit_limit_active": 1000.0}]
        )
        # The finance evidence gives the same receivable figures.
        evidence = dict(order._review_evidence("finance")["items"])
        currency = self.company.currency_id
        self.assertEqual(
            evidence["amount_due"], {"amount": 250.0, "currency_id": currency.id}
        )
        self.assertEqual(
            evidence["credit_exposure"], {"amount": 550.0, "currency_id": currency.id}
        )
        # Confirming it: its own share moves into the customer's orders, the
        # exposure stays.
        order.action_confirm()
        order._credit_refresh()
        self.assertRecordValues(
            order,
            [
                {
                    "credit_exposure_orders": 100.0,
                    "credit_exposure_order": 200.0,
                    "credit_exposure": 550.0,
                }
            ],
        )
        self.customer.invalidate_recordset(["credit_exposure"])
        self.assertEqual(self.customer.credit_exposure, 550.0)

    def test_blocking_reasons_are_structured(self):
        """Credit reasons have their own banner: no text surgery."""
        self._invoice(950.0)
        order = self._create_order(lines=[(self.product, 1, 100.0)])
        self.env["sale.review.stage"].create(
            {
                "name": "Sales",
                "department": "sales",
                "reviewer_user_ids": [Command.set(self.sales_manager.ids)],
            }
        )
        items = order._governance_blocking_reason_items()
        self.assertEqual(
            [(item.kind, item.own_banner) for item in items],
            [("review", False), ("credit", True)],
        )
        self.assertEqual(
            order._governance_blocking_reasons(), [item.message for item in items]
        )
        order.invalidate_recordset(["governance_blocking_reason"])
        self.assertEqual(order.governance_blocking_reason, items[0].message)
        self.assertIn("above its credit limit", order.credit_blocked_reason)
        self.assertNotIn("credit", order.governance_blocking_reason)
