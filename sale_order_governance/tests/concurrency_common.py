# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import threading
import time
from contextlib import contextmanager

from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying
from odoo.tests import BaseCase
from odoo.tools import SQL


class CommittingCase(BaseCase):
    """Several Odoo workers at once: real cursors that commit.

    The records of these tests are committed (other connections must see
    them) and deleted again when each test ends. The shared review stages
    would apply to the test's company too: they are set aside meanwhile.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from odoo.modules.registry import Registry
        from odoo.tests.common import get_db_name

        cls.registry = Registry(get_db_name())

    def _delete_orders(self, cr, order_ids):
        """Delete the test's committed orders (their lines go with them)."""
        if not order_ids:
            return
        # Reviews and overrides keep their order (ondelete restrict): test
        # data goes explicitly, they first.
        for table in ("sale_order_review", "sale_credit_override"):
            cr.execute(
                SQL(
                    "DELETE FROM %s WHERE order_id IN %s",
                    SQL.identifier(table),
                    tuple(order_ids),
                )
            )
        cr.execute(SQL("DELETE FROM sale_order WHERE id IN %s", tuple(order_ids)))

    def _set_shared_stages_aside(self, env):
        shared = env["sale.review.stage"].search([("company_id", "=", False)])
        self.shared_stage_ids = shared.ids
        shared.action_archive()

    def _restore_shared_stages(self, cr):
        if self.shared_stage_ids:
            cr.execute(
                SQL(
                    "UPDATE sale_review_stage SET active = TRUE WHERE id IN %s",
                    tuple(self.shared_stage_ids),
                )
            )

    @contextmanager
    def _two_workers(self):
        """Two superuser environments on cursors of their own, as two cron
        workers: ``(env1, env2)``; the test commits them, they are closed."""
        cr1 = self.registry.cursor()
        cr2 = self.registry.cursor()
        try:
            yield (
                api.Environment(cr1, SUPERUSER_ID, {}),
                api.Environment(cr2, SUPERUSER_ID, {}),
            )
        finally:
            cr1.close()
            cr2.close()

    def _race_workers(self, first, second):
        """Two workers in threads, each retried by Odoo on a serialization
        failure (``retrying``): ``first`` keeps its transaction open until
        ``second`` has taken its snapshot and waits for it.

        ``first`` and ``second`` are ``(make_env, act)``: ``make_env(cr)``
        gives the worker's environment, ``act(env)`` does its work. Returns
        ``(attempts, errors)``, both keyed ``"first"`` and ``"second"``.
        """
        first_locked = threading.Event()
        second_started = threading.Event()
        attempts = {"first": 0, "second": 0}
        errors = {}

        def hold_the_lock():
            first_locked.set()
            second_started.wait(10)
            time.sleep(0.5)  # the second worker is now waiting on the lock

        def take_snapshot_then_go(env):
            first_locked.wait(10)
            env.cr.execute("SELECT 1")  # the transaction's snapshot starts here
            second_started.set()

        def work(key, make_env, act, before_commit=None, before_act=None):
            try:
                with self.registry.cursor() as cr:
                    env = make_env(cr)
                    if before_act:
                        before_act(env)

                    def attempt():
                        attempts[key] += 1
                        act(env)
                        if before_commit:
                            before_commit()

                    retrying(attempt, env)
            except Exception as error:  # noqa: BLE001 - reported to the main thread
                errors[key] = error

        threads = [
            threading.Thread(target=work, args=("first", *first, hold_the_lock)),
            threading.Thread(
                target=work, args=("second", *second, None, take_snapshot_then_go)
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        return attempts, errors
