# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Several Odoo workers at once: real cursors that commit, in real threads.

The records of these tests are committed (other connections must see them),
in a company of their own, and deleted again when each test ends.
"""

import threading
import uuid
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .concurrency_common import CommittingCase


@tagged("post_install", "-at_install")
class TestConcurrentWorkers(CommittingCase):
    def setUp(self):
        super().setUp()
        self.order_ids = []
        self.stage_ids = []
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            self._set_shared_stages_aside(env)
            company = env["res.company"].create({"name": f"Concurrency {tag}"})
            self.company_id = company.id

            def user(role, groups):
                return new_test_user(
                    env,
                    login=f"{role}_{tag}",
                    groups=groups,
                    company_id=company.id,
                    company_ids=[Command.set(company.ids)],
                )

            self.salesperson = user("seller", "sales_team.group_sale_salesman")
            self.reviewer_a = user(
                "finance", "sale_order_governance.group_reviewer_finance"
            )
            self.reviewer_b = user(
                "stock", "sale_order_governance.group_reviewer_warehouse"
            )
            self.reviewer_c = user(
                "boss", "sale_order_governance.group_reviewer_management"
            )
            stage_vals = [
                ("Finance", 10, self.reviewer_a),
                ("Warehouse", 10, self.reviewer_b),
                ("General Manager", 20, self.reviewer_c),
            ]
            stages = env["sale.review.stage"].create(
                [
                    {
                        "name": name,
                        "sequence": sequence,
                        "company_id": company.id,
                        "reviewer_user_ids": [Command.set(reviewer.ids)],
                        "escalation_user_ids": [Command.set(self.reviewer_c.ids)],
                    }
                    for name, sequence, reviewer in stage_vals
                ]
            )
            self.stage_ids = stages.ids
            self.stage_a, self.stage_b, self.stage_c = stages.ids
            self.partner_id = env["res.partner"].create({"name": f"Customer {tag}"}).id
            self.product_id = (
                env["product.product"]
                .create({"name": f"Product {tag}", "list_price": 10})
                .id
            )
            self.user_ids = (
                self.salesperson | self.reviewer_a | self.reviewer_b | self.reviewer_c
            ).ids
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            self._delete_orders(cr, self.order_ids)
            cr.execute(
                SQL(
                    "DELETE FROM sale_review_stage WHERE id IN %s",
                    tuple(self.stage_ids),
                )
            )
            cr.execute(
                SQL(
                    "UPDATE res_users SET active = FALSE WHERE id IN %s",
                    tuple(self.user_ids),
                )
            )
            self._restore_shared_stages(cr)
        self.registry.clear_cache()

    def _create_submitted_order(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, self.salesperson.id, {"tracking_disable": True})
            env = env(context=dict(env.context, allowed_company_ids=[self.company_id]))
            order = env["sale.order"].create(
                {
                    "partner_id": self.partner_id,
                    "company_id": self.company_id,
                    "payment_term_id": env.ref(
                        "account.account_payment_term_30days"
                    ).id,
                    "commitment_date": fields.Datetime.now() + timedelta(days=7),
                    "order_line": [
                        Command.create(
                            {"product_id": self.product_id, "price_unit": 10}
                        )
                    ],
                }
            )
            order.action_submit_for_review()
            self.order_ids.append(order.id)
            return order.id

    def _reviews(self, cr, order_id):
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["sale.order.review"].search([("order_id", "=", order_id)])

    def test_parallel_approvals_advance_the_order_once(self):
        """Two reviewers approve the two parallel stages at the same moment."""
        order_id = self._create_submitted_order()
        with self.registry.cursor() as cr:
            reviews = self._reviews(cr, order_id)
            self.assertEqual(
                sorted(reviews.mapped("state")), ["pending", "pending", "waiting"]
            )
            review_a = reviews.filtered(lambda r: r.stage_id.id == self.stage_a).id
            review_b = reviews.filtered(lambda r: r.stage_id.id == self.stage_b).id

        def reviewer(uid, review_id):
            return (
                lambda cr: api.Environment(cr, uid, {"tracking_disable": True}),
                lambda env: env["sale.order.review"].browse(review_id).action_approve(),
            )

        attempts, errors = self._race_workers(
            reviewer(self.reviewer_a.id, review_a),
            reviewer(self.reviewer_b.id, review_b),
        )
        self.assertFalse(errors, errors)
        # Neither approval waited for the other nor was retried: the later
        # commit looked at the order again and moved it on.
        self.assertEqual(attempts, {"first": 1, "second": 1})

        with self.registry.cursor() as cr:
            reviews = self._reviews(cr, order_id)
            by_stage = {review.stage_id.id: review for review in reviews}
            self.assertEqual(by_stage[self.stage_a].state, "approved")
            self.assertEqual(by_stage[self.stage_b].state, "approved")
            self.assertEqual(
                by_stage[self.stage_c].state, "pending", "next step started"
            )
            self.assertEqual(len(reviews), 3, "no step was started twice")
            env = api.Environment(cr, SUPERUSER_ID, {})
            activities = env["mail.activity"].search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "=", order_id),
                    ("user_id", "=", self.reviewer_c.id),
                ]
            )
            self.assertEqual(len(activities), 1, "the next reviewer is asked once")

    def test_parallel_final_approvals_clear_the_order_once_with_its_note(self):
        """The last step's two approvals at the same moment: the order is
        cleared once, and the note saying so is in its chatter once."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["sale.review.stage"].browse(self.stage_c).active = False
        order_id = self._create_submitted_order()
        with self.registry.cursor() as cr:
            reviews = self._reviews(cr, order_id)
            self.assertEqual(sorted(reviews.mapped("state")), ["pending", "pending"])
            review_a = reviews.filtered(lambda r: r.stage_id.id == self.stage_a).id
            review_b = reviews.filtered(lambda r: r.stage_id.id == self.stage_b).id

        def reviewer(uid, review_id):
            return (
                lambda cr: api.Environment(cr, uid, {}),
                lambda env: env["sale.order.review"].browse(review_id).action_approve(),
            )

        _attempts, errors = self._race_workers(
            reviewer(self.reviewer_a.id, review_a),
            reviewer(self.reviewer_b.id, review_b),
        )
        self.assertFalse(errors, errors)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["sale.order"].browse(order_id)
            self.assertEqual(order.review_state, "approved")
            notes = env["mail.message"].search_count(
                [
                    ("model", "=", "sale.order"),
                    ("res_id", "=", order_id),
                    ("body", "ilike", "Every review is approved"),
                ]
            )
            self.assertEqual(notes, 1, "the order is cleared once, in its chatter")
            to_dos = env["mail.activity"].search_count(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "=", order_id),
                    ("summary", "=", "Reviews approved: confirm the order"),
                ]
            )
            self.assertEqual(to_dos, 1)

    def test_approvals_left_unmoved_are_moved_on_by_the_cron(self):
        """Both parallel approvals committed, the look after commit lost."""
        order_id = self._create_submitted_order()
        cr1 = self.registry.cursor()
        cr2 = self.registry.cursor()
        try:
            for cr in (cr1, cr2):
                cr.execute("SET LOCAL lock_timeout = '5s'")
            # Two open transactions approve the two parallel reviews of the
            # order: the second one waits for no lock of the first one.
            for cr, user, stage in (
                (cr1, self.reviewer_a, self.stage_a),
                (cr2, self.reviewer_b, self.stage_b),
            ):
                env = api.Environment(cr, user.id, {})
                reviews = env["sale.order.review"].search(
                    [("order_id", "=", order_id), ("stage_id", "=", stage)]
                )
                reviews.action_approve()
                env.flush_all()
            # As if the server stopped right after each commit.
            cr1.postcommit.clear()
            cr1.commit()
            cr2.postcommit.clear()
            cr2.commit()
        finally:
            cr1.close()
            cr2.close()
        with self.registry.cursor() as cr:
            reviews = self._reviews(cr, order_id)
            self.assertEqual(
                sorted(reviews.mapped("state")), ["approved", "approved", "waiting"]
            )
            Review = api.Environment(cr, SUPERUSER_ID, {})["sale.order.review"]
            Review._cron_advance_stalled_records()
            Review._cron_advance_stalled_records()
        with self.registry.cursor() as cr:
            reviews = self._reviews(cr, order_id)
            self.assertEqual(
                sorted(reviews.mapped("state")), ["approved", "approved", "pending"]
            )
            env = api.Environment(cr, SUPERUSER_ID, {})
            activities = env["mail.activity"].search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "=", order_id),
                    ("user_id", "=", self.reviewer_c.id),
                ]
            )
            self.assertEqual(len(activities), 1, "the next step was started once")

    def _customer_version(self, cr):
        cr.execute(
            SQL(
                "SELECT xmin::text, write_date, signup_type FROM res_partner"
                " WHERE id = %s",
                self.partner_id,
            )
        )
        return cr.fetchone()

    def test_final_approvals_of_one_customer_do_not_collide(self):
        """Two orders of one customer cleared at the same moment.

        Each final approval asks the salesperson, by e-mail, to confirm the
        order. Neither transaction may write the customer (nor any other
        shared row): both commit at once, none is retried.
        """
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            params = env["ir.config_parameter"]
            scope = params.get_param("auth_signup.invitation_scope")
            # Anyone may sign up from a portal link: Odoo then prepares a
            # sign-up token for the customer of every document it e-mails
            # about, which writes the customer.
            params.set_param("auth_signup.invitation_scope", "b2c")
            env["res.users"].browse(self.user_ids).notification_type = "email"
        self.addCleanup(self._set_param, "auth_signup.invitation_scope", scope)
        order_ids = [self._create_submitted_order() for _index in range(2)]
        last_reviews = []
        with self.registry.cursor() as cr:
            for order_id in order_ids:
                reviews = self._reviews(cr, order_id)
                for review in reviews.filtered(lambda r: r.state == "pending"):
                    review.with_user(review.reviewer_user_ids[:1]).action_approve()
                last = reviews.filtered(lambda r: r.stage_id.id == self.stage_c)
                self.assertEqual(last.state, "pending")
                last_reviews.append(last.id)
            before = self._customer_version(cr)
            self.assertFalse(before[2])

        first_done = threading.Event()
        second_done = threading.Event()
        waited = {}
        errors = []

        def approve(review_id, before_commit):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, self.reviewer_c.id, {})
                    env["sale.order.review"].browse(review_id).action_approve()
                    env.flush_all()
                    before_commit()
            except Exception as error:  # noqa: BLE001 - reported to the main thread
                errors.append(error)

        def first_waits_for_second():
            first_done.set()
            # Both transactions are open at once: the second one must not
            # wait for the first one's locks.
            waited["second"] = second_done.wait(10)

        def second_after_first():
            second_done.set()

        def second():
            first_done.wait(10)
            approve(last_reviews[1], second_after_first)

        threads = [
            threading.Thread(
                target=approve, args=(last_reviews[0], first_waits_for_second)
            ),
            threading.Thread(target=second),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertFalse(errors, errors)
        self.assertTrue(waited["second"], "the second approval waited on a lock")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(order_ids)
            self.assertEqual(orders.mapped("review_state"), ["approved", "approved"])
            to_dos = env["mail.activity"].search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "in", order_ids),
                    ("user_id", "=", self.salesperson.id),
                ]
            )
            self.assertEqual(len(to_dos), 2)
            self.assertEqual(
                self._customer_version(cr), before, "the customer was written"
            )

    def _set_param(self, key, value):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ir.config_parameter"].set_param(key, value)

    def _make_overdue(self, order_ids):
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "UPDATE sale_order_review SET deadline = %s"
                    " WHERE order_id IN %s AND state = 'pending'",
                    fields.Datetime.now() - timedelta(hours=1),
                    tuple(order_ids),
                )
            )

    def _escalation_count(self, cr, order_id):
        cr.execute(
            SQL(
                "SELECT count(*) FROM mail_message WHERE model = 'sale.order'"
                " AND res_id = %s AND body::text LIKE %s",
                order_id,
                "%missed their deadline%",
            )
        )
        return cr.fetchone()[0]

    def test_two_cron_workers_escalate_once(self):
        order_ids = [self._create_submitted_order() for _index in range(3)]
        self._make_overdue(order_ids)
        with self._two_workers() as (env1, env2):
            first = env1["sale.order.review"]._cron_escalate_overdue()
            # The first worker holds its rows: the second one skips them.
            second = env2["sale.order.review"]._cron_escalate_overdue()
            self.assertEqual(len(first), 6)
            self.assertFalse(second & first)
            env1.cr.commit()
            env2.cr.commit()
        with self.registry.cursor() as cr:
            for order_id in order_ids:
                self.assertEqual(self._escalation_count(cr, order_id), 1)

    def test_cron_with_stale_snapshot_does_not_escalate_twice(self):
        order_ids = [self._create_submitted_order()]
        self._make_overdue(order_ids)
        with self._two_workers() as (env1, env2):
            env2.cr.execute("SELECT 1")  # second worker's snapshot predates the commit
            self.assertEqual(len(env1["sale.order.review"]._cron_escalate_overdue()), 2)
            env1.cr.commit()
            with self.assertRaises(SerializationFailure):
                env2["sale.order.review"]._cron_escalate_overdue()
            env2.cr.rollback()
            self.assertFalse(env2["sale.order.review"]._cron_escalate_overdue())
            env2.cr.commit()
        with self.registry.cursor() as cr:
            self.assertEqual(self._escalation_count(cr, order_ids[0]), 1)

    # ------------------------------------------------------------
    # The close cron on two workers
    # ------------------------------------------------------------

    def _closable_orders(self, count):
        """Quotations of the test's company, then set (in SQL) as confirmed
        orders delivered, invoiced and paid; only this company closes."""
        order_ids = [self._create_submitted_order() for _index in range(count)]
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT id FROM res_company WHERE governance_auto_close AND id != %s",
                [self.company_id],
            )
            others = [row[0] for row in cr.fetchall()]
            if others:
                cr.execute(
                    SQL(
                        "UPDATE res_company SET governance_auto_close = FALSE"
                        " WHERE id IN %s",
                        tuple(others),
                    )
                )
                self.addCleanup(self._restore_auto_close, others)
            cr.execute(
                SQL(
                    "UPDATE res_company SET governance_auto_close = TRUE WHERE id = %s",
                    self.company_id,
                )
            )
            cr.execute(
                SQL(
                    "UPDATE sale_order SET state = 'sale', invoice_status = 'invoiced',"
                    " paid_date = %s, governance_stage = 'shipped',"
                    " closed_date = NULL WHERE id IN %s",
                    fields.Datetime.now(),
                    tuple(order_ids),
                )
            )
        return order_ids

    def _restore_auto_close(self, company_ids):
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "UPDATE res_company SET governance_auto_close = TRUE"
                    " WHERE id IN %s",
                    tuple(company_ids),
                )
            )

    def _closings(self, cr, order_ids):
        """{order id: (closed, number of "Order closed" entries)}."""
        cr.execute(
            SQL(
                """
                SELECT so.id, so.closed_date IS NOT NULL,
                       (SELECT count(*) FROM mail_message m
                         WHERE m.model = 'sale.order' AND m.res_id = so.id
                           AND m.body::text LIKE %s)
                  FROM sale_order so WHERE so.id IN %s
                """,
                "%Order closed:%",
                tuple(order_ids),
            )
        )
        return {row[0]: row[1:] for row in cr.fetchall()}

    def test_two_close_cron_workers_close_each_order_once(self):
        order_ids = self._closable_orders(3)
        with self._two_workers() as (env1, env2):
            first = env1["sale.order"]._cron_governance_close()
            # The first worker holds its rows: the second one skips them.
            second = env2["sale.order"]._cron_governance_close()
            self.assertEqual(sorted(first.ids), sorted(order_ids))
            self.assertFalse(second & first)
            env1.cr.commit()
            env2.cr.commit()
        with self.registry.cursor() as cr:
            self.assertEqual(
                self._closings(cr, order_ids),
                dict.fromkeys(order_ids, (True, 1)),
            )

    def test_close_cron_with_stale_snapshot_does_not_close_twice(self):
        order_ids = self._closable_orders(1)
        with self._two_workers() as (env1, env2):
            env2.cr.execute("SELECT 1")  # second worker's snapshot predates the commit
            self.assertEqual(env1["sale.order"]._cron_governance_close().ids, order_ids)
            env1.cr.commit()
            with self.assertRaises(SerializationFailure):
                env2["sale.order"]._cron_governance_close()
            env2.cr.rollback()
            self.assertFalse(env2["sale.order"]._cron_governance_close())
            env2.cr.commit()
        with self.registry.cursor() as cr:
            self.assertEqual(self._closings(cr, order_ids), {order_ids[0]: (True, 1)})
