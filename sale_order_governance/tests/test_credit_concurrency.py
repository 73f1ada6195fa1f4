# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two workers confirm orders of one customer at the same time.

Real cursors that commit, in a company of its own; the records are deleted
again when each test ends. Each order fits under the customer's credit limit,
both together do not: whichever transaction comes second must see the first
one's order, under PostgreSQL's REPEATABLE READ.
"""

import uuid

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .concurrency_common import CommittingCase


@tagged("post_install", "-at_install")
class TestCreditConcurrency(CommittingCase):
    def setUp(self):
        super().setUp()
        self.order_ids = []
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            self._set_shared_stages_aside(env)
            company = env["res.company"].create(
                {"name": f"Credit race {tag}", "account_use_credit_limit": True}
            )
            self.company_id = company.id
            self.salesperson = new_test_user(
                env,
                login=f"racer_{tag}",
                groups="sales_team.group_sale_salesman",
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )
            customer = env["res.partner"].create(
                {"name": f"Racing customer {tag}", "is_company": True}
            )
            customer.with_company(company).credit_limit = 1000.0
            self.customer_id = customer.id
            self.product_id = (
                env["product.product"]
                .create(
                    {
                        "name": f"Race service {tag}",
                        "type": "service",
                        "taxes_id": [Command.clear()],
                    }
                )
                .id
            )
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            self._delete_orders(cr, self.order_ids)
            cr.execute(
                SQL(
                    "DELETE FROM sale_governance_credit_lock WHERE company_id = %s",
                    self.company_id,
                )
            )
            cr.execute(
                SQL(
                    "UPDATE res_users SET active = FALSE WHERE id = %s",
                    self.salesperson.id,
                )
            )
            self._restore_shared_stages(cr)
        self.registry.clear_cache()

    def _env(self, cr):
        env = api.Environment(cr, self.salesperson.id, {"tracking_disable": True})
        return env(context=dict(env.context, allowed_company_ids=[self.company_id]))

    def _quotation(self, amount):
        with self.registry.cursor() as cr:
            order = (
                self._env(cr)["sale.order"]
                .create(
                    {
                        "partner_id": self.customer_id,
                        "company_id": self.company_id,
                        "order_line": [
                            Command.create(
                                {"product_id": self.product_id, "price_unit": amount}
                            )
                        ],
                    }
                )
                .id
            )
            self.order_ids.append(order)
            return order

    def _states(self):
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT id, state FROM sale_order WHERE id IN %s",
                    tuple(self.order_ids),
                )
            )
            return dict(cr.fetchall())

    def _race(self, first_id, second_id):
        """The second worker's snapshot predates the first one's commit."""
        cr1 = self.registry.cursor()
        cr2 = self.registry.cursor()
        try:
            env1, env2 = self._env(cr1), self._env(cr2)
            cr2.execute("SELECT 1")  # the second transaction's snapshot
            env1["sale.order"].browse(first_id).action_confirm()
            cr1.commit()
            # Without the lock the second worker would not see the first
            # order and confirm its own: both together exceed the limit.
            with self.assertRaises(SerializationFailure):
                env2["sale.order"].browse(second_id).action_confirm()
            cr2.rollback()
            # Odoo retries the call on fresh data: the credit gate refuses.
            with self.assertRaisesRegex(UserError, "above its credit limit"):
                env2["sale.order"].browse(second_id).action_confirm()
            cr2.rollback()
        finally:
            cr1.close()
            cr2.close()

    def test_parallel_confirmations_see_each_other(self):
        first, second = self._quotation(600.0), self._quotation(600.0)
        self._race(first, second)
        self.assertEqual(self._states(), {first: "sale", second: "draft"})

    def test_parallel_confirmations_once_the_lock_row_exists(self):
        earlier = self._quotation(100.0)
        with self.registry.cursor() as cr:
            self._env(cr)["sale.order"].browse(earlier).action_confirm()
        first, second = self._quotation(500.0), self._quotation(500.0)
        self._race(first, second)
        self.assertEqual(
            self._states(), {earlier: "sale", first: "sale", second: "draft"}
        )

    def test_waiting_worker_is_retried_and_refused(self):
        """The second worker waits for the first one's lock, then Odoo's
        retry of its call refuses the order."""
        first, second = self._quotation(600.0), self._quotation(600.0)

        def confirm(order_id):
            return (
                self._env,
                lambda env: env["sale.order"].browse(order_id).action_confirm(),
            )

        attempts, errors = self._race_workers(confirm(first), confirm(second))
        self.assertNotIn("first", errors)
        self.assertIsInstance(errors.get("second"), UserError)
        self.assertIn("above its credit limit", str(errors["second"]))
        self.assertEqual(attempts["first"], 1)
        self.assertGreaterEqual(attempts["second"], 2, "the late worker was retried")
        self.assertEqual(self._states(), {first: "sale", second: "draft"})
