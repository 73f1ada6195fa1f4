# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..models.sale_order_credit import CREDIT_DECISIONS_KEY
from .test_credit import CreditCase


@tagged("post_install", "-at_install")
class TestCreditPerformance(CreditCase):
    """Credit exposure in one statement; one credit decision per confirmation."""

    @contextmanager
    def _count_exposures(self):
        """Count the exposure computations (the real method runs)."""
        Exposure = type(self.env["sale.credit.exposure"])
        calls = []
        original = Exposure._read_figures

        def spy(service, partners, *args, **kwargs):
            calls.append(partners.ids)
            return original(service, partners, *args, **kwargs)

        with patch.object(Exposure, "_read_figures", spy):
            yield calls

    def test_exposure_is_one_statement(self):
        confirmed = self._create_order(
            partner_id=self.contact.id, lines=[(self.product, 3, 100.0)]
        )
        confirmed.action_confirm()
        self._invoice(150.0)
        self._invoice(40.0, post=False)
        order = self._create_order(lines=[(self.product, 1, 70.0)])
        expected = {
            "credit_exposure_receivable": 150.0,
            "credit_exposure_orders": 300.0,
            "credit_exposure_draft": 40.0,
            "credit_exposure_order": 70.0,
            "credit_exposure": 560.0,
            "credit_limit_active": 1000.0,
        }
        self.assertRecordValues(order, [expected])
        # Warm run done; a fresh ORM cache (but for the user and its time
        # zone, known in any request) costs the order, its company and
        # currency, the customer's contacts, and ONE statement for every
        # bucket and the credit limit.
        self.env.invalidate_all()
        self.env.user.mapped("tz")
        with self._count_exposures() as calls:
            count = self.env.cr.sql_log_count
            self.assertEqual(order.credit_exposure, 560.0)
            queries = self.env.cr.sql_log_count - count
        self.assertEqual(len(calls), 1)
        self.assertLessEqual(queries, 5)
        self.assertRecordValues(order, [expected])
        # The partner's tab gives the same customer figures.
        self.assertRecordValues(
            self.contact,
            [
                {
                    "credit_exposure_receivable": 150.0,
                    "credit_exposure_orders": 300.0,
                    "credit_exposure_draft": 40.0,
                    "credit_exposure": 490.0,
                    "credit_limit_active": 1000.0,
                }
            ],
        )

    def test_order_amount_from_database_and_form_agree(self):
        order = self._create_order(
            lines=[(self.product, 3, 100.0), (self.service, 2, 45.5)]
        )
        order.write(
            {
                "order_line": [
                    Command.create({"display_type": "line_section", "name": "Part"}),
                    Command.create({"display_type": "line_note", "name": "Note"}),
                ]
            }
        )
        self.assertEqual(order.credit_exposure_order, 391.0)
        service = self.env["sale.credit.exposure"]
        own = service._read_figures(self.customer, self.company, order)[1]
        self.assertAlmostEqual(own[order.id]["open"], service._order_open_amount(order))
        # The form reads the lines in memory: same figure, then the edit.
        with Form(order) as form:
            self.assertEqual(form.credit_exposure_order, 391.0)
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 4
            self.assertEqual(form.credit_exposure_order, 491.0)
        self.assertEqual(order.credit_exposure_order, 491.0)

    def test_confirmation_decides_credit_once(self):
        self._invoice(900.0)
        order = self._create_order()  # 2 x 100: exposure 1100 > 1000
        with self._count_exposures() as calls, self.assertRaises(UserError) as error:
            order.with_user(self.salesperson).action_confirm()
        self.assertIn("above its credit limit", str(error.exception))
        self.assertEqual(len(calls), 1)
        self.assertEqual(order.state, "draft")
        self.assertNotIn(CREDIT_DECISIONS_KEY, self.env.cr.cache)
        # The next confirmation reads the new data: a refund clears it.
        self._invoice(300.0, move_type="out_refund")
        with self._count_exposures() as calls:
            order.with_user(self.salesperson).action_confirm()
        self.assertEqual(len(calls), 1)
        self.assertEqual(order.state, "sale")
        self.assertNotIn(CREDIT_DECISIONS_KEY, self.env.cr.cache)
        # And the one after it sees the customer over the limit again.
        self._invoice(500.0)
        second = self._create_order()
        with self._count_exposures() as calls, self.assertRaises(UserError) as error:
            second.with_user(self.salesperson).action_confirm()
        self.assertIn("above its credit limit", str(error.exception))
        self.assertEqual(len(calls), 1)
        self.assertEqual(second.state, "draft")
        self.assertFalse(second.picking_ids)
        # Outside a confirmation the write backstop still decides by itself.
        with self._count_exposures() as calls, self.assertRaises(UserError):
            second.write({"state": "sale"})
        self.assertEqual(len(calls), 1)
        self.assertEqual(second.state, "draft")

    def test_override_decided_once_and_logged(self):
        self._invoice(900.0)
        order = self._create_order()
        self._override(order, 1200.0)
        with self._count_exposures() as calls:
            order.with_user(self.salesperson).action_confirm()
        self.assertEqual(len(calls), 1)
        self.assertEqual(order.state, "sale")
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: "Confirmed under the credit override" in (m.body or "")
            )
        )

    def test_mass_confirmation_one_decision_per_order(self):
        first = self._create_order()
        second = self._create_order(partner_id=self.other_customer.id)
        with self._count_exposures() as calls:
            (first | second).with_user(self.salesperson).action_confirm()
        self.assertEqual(len(calls), 2)
        self.assertEqual((first | second).mapped("state"), ["sale", "sale"])
