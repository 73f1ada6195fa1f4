# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Throw-away databases with this add-on beside OCA's sale add-ons.

Each database is cloned from the template database the test database comes
from (``SOG_TEMPLATE_DB``, set by ``make test``), with its filestore; the
modules are installed by ``odoo-bin`` processes using the test configuration,
in the order a test asks for, as an administrator would. The tests then work
on each database through a registry of its own, on cursors that are rolled
back. The databases and their filestores are dropped at the end.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import closing, contextmanager
from datetime import timedelta
from types import SimpleNamespace

import psycopg2.errors

import odoo
from odoo import SUPERUSER_ID, Command, api, fields, sql_db
from odoo.modules.module import get_module_path
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, new_test_user
from odoo.tests.common import get_db_name
from odoo.tools import SQL, config

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

ADDON = "sale_order_governance"
# The OCA add-ons of oca-addons.txt a company may already run.
OCA_MODULES = (
    "sale_tier_validation",
    "sale_financial_risk",
    "sale_exception",
    "sale_cancel_reason",
)
OCA_DEPENDENCIES = ("base_tier_validation", "account_financial_risk", "base_exception")
INSTALL_TIMEOUT = 900
# The two databases: this add-on installed first, or OCA's add-ons first.
ORDERS = ("ours_first", "oca_first")


def missing_oca_modules():
    return [
        name
        for name in (*OCA_MODULES, *OCA_DEPENDENCIES)
        if not get_module_path(name, display_warning=False)
    ]


class ThrowAwayDatabases:
    """Databases cloned from ``template`` and named ``<prefix>_<key>``."""

    def __init__(self, template, prefix):
        self.template = template
        self.prefix = prefix
        self.names = {}
        self.registries = {}
        self.log_dir = tempfile.mkdtemp(prefix="sog_oca_")

    # ------------------------------------------------------------
    # DATABASES
    # ------------------------------------------------------------

    def clone(self, key):
        name = f"{self.prefix}_{key}"
        self.names[key] = name
        self._drop(name)  # what an interrupted run may have left
        for attempt in range(10):
            try:
                with closing(sql_db.db_connect("postgres").cursor()) as cr:
                    cr._cnx.autocommit = True
                    cr.execute(
                        SQL(
                            "CREATE DATABASE %s ENCODING 'unicode' TEMPLATE %s",
                            SQL.identifier(name),
                            SQL.identifier(self.template),
                        ),
                        log_exceptions=False,
                    )
                break
            except psycopg2.errors.ObjectInUse:
                # Another run is cloning the template at this very moment.
                if attempt == 9:
                    raise
                time.sleep(3)
        source = config.filestore(self.template)
        if os.path.isdir(source):
            shutil.copytree(source, config.filestore(name))
        return name

    def drop_all(self):
        for name in self.names.values():
            self._drop(name)
        self.names.clear()
        self.registries.clear()
        shutil.rmtree(self.log_dir, ignore_errors=True)

    def _drop(self, name):
        Registry.delete(name)
        sql_db.close_db(name)
        with closing(sql_db.db_connect("postgres").cursor()) as cr:
            cr._cnx.autocommit = True
            cr.execute(
                SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(name))
            )
        shutil.rmtree(config.filestore(name), ignore_errors=True)

    # ------------------------------------------------------------
    # INSTALLATION
    # ------------------------------------------------------------

    def install(self, plan):
        """Install modules with odoo-bin, the databases in parallel.

        ``plan``: ``{key: [modules, modules, ...]}``, the installations of each
        database in their order (one odoo-bin run each).
        """
        for step in range(max(len(steps) for steps in plan.values())):
            running = [
                (key, steps[step], *self._start_install(key, steps[step]))
                for key, steps in plan.items()
                if step < len(steps)
            ]
            for key, modules, process, log in running:
                self._wait_install(key, modules, process, log)

    def _start_install(self, key, modules):
        odoo_bin = os.path.join(
            os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin"
        )
        log_path = os.path.join(self.log_dir, f"{key}-{len(modules)}.log")
        command = [
            sys.executable,
            odoo_bin,
            "-c",
            config.rcfile,
            "-d",
            self.names[key],
            "-i",
            ",".join(modules),
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        ]
        with open(log_path, "w", encoding="utf-8") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        return process, log_path

    def _wait_install(self, key, modules, process, log_path):
        try:
            status = process.wait(timeout=INSTALL_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            status = process.wait()
        with open(log_path, encoding="utf-8") as log:
            output = log.read().splitlines()
        errors = [line for line in output if " ERROR " in line or " CRITICAL " in line]
        if status or errors:
            tail = "\n".join(output[-40:])
            raise AssertionError(
                f"Installing {', '.join(modules)} on {self.names[key]} failed "
                f"(exit status {status}):\n{tail}"
            )

    # ------------------------------------------------------------
    # ENVIRONMENTS
    # ------------------------------------------------------------

    def registry(self, key):
        if key not in self.registries:
            # In a test module test_enable is set, and loading a registry would
            # then run the at_install tests of every module it loads.
            test_enable = config["test_enable"]
            config["test_enable"] = False
            try:
                self.registries[key] = Registry.new(self.names[key])
            finally:
                config["test_enable"] = test_enable
        return self.registries[key]

    @contextmanager
    def environment(self, key, commit=False):
        """A superuser environment on the database, rolled back unless ``commit``."""
        registry = self.registry(key)
        context = dict(DISABLED_MAIL_CONTEXT)
        if commit:
            # The cursor commits when the block ends without an error.
            with registry.cursor() as cr:
                yield api.Environment(cr, SUPERUSER_ID, context)
            return
        cr = registry.cursor()
        try:
            yield api.Environment(cr, SUPERUSER_ID, context)
        finally:
            cr.rollback()
            cr.close()
            # Forget what the rolled-back work cached (e.g. stage lookups).
            registry.reset_changes()


class OcaCoexistenceCase(BaseCase):
    """Both databases, the people and records every test starts from, helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        missing = missing_oca_modules()
        if missing:
            raise RuntimeError(
                f"OCA add-ons not on the addons path: {', '.join(missing)}. "
                "Run the tests with `make test` (the set-up installs them)."
            )
        template = os.environ.get("SOG_TEMPLATE_DB")
        if not template:
            raise RuntimeError(
                "SOG_TEMPLATE_DB (the template database of the test database) "
                "is not set: run the tests with `make test`."
            )
        cls.databases = ThrowAwayDatabases(template, f"{get_db_name()}_oca")
        cls.addClassCleanup(cls.databases.drop_all)
        for key in ORDERS:
            cls.databases.clone(key)
        cls.databases.install(
            {
                "ours_first": [[ADDON], list(OCA_MODULES)],
                "oca_first": [list(OCA_MODULES), [ADDON]],
            }
        )
        # The people and records every test starts from, committed once.
        cls.fixture_ids = {}
        for key in ORDERS:
            with cls.databases.environment(key, commit=True) as env:
                cls.fixture_ids[key] = cls._create_fixtures(env)

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    @classmethod
    def _create_fixtures(cls, env):
        """Users of every role, a customer, a product and one review stage."""
        env["sale.review.stage"].search([]).action_archive()
        users = {
            role: new_test_user(env, login=f"oca_{role}", groups=groups, name=name)
            for role, groups, name in (
                ("salesperson", "sales_team.group_sale_salesman", "Sally Sales"),
                (
                    "reviewer",
                    (
                        "sales_team.group_sale_salesman,"
                        "sale_order_governance.group_reviewer_finance"
                    ),
                    "Fiona Finance",
                ),
                (
                    "controller",
                    "sale_order_governance.group_credit_controller",
                    "Carl Credit",
                ),
                (
                    "manager",
                    "sale_order_governance.group_governance_manager",
                    "Gabriel Governance",
                ),
                (
                    "tier_reviewer",
                    "sales_team.group_sale_salesman_all_leads",
                    "Tim Tier",
                ),
            )
        }
        stage = env["sale.review.stage"].create(
            {
                "name": "Finance",
                "department": "finance",
                "reviewer_user_ids": [Command.set(users["reviewer"].ids)],
            }
        )
        customer = env["res.partner"].create({"name": "Coexistence Customer"})
        product = env["product.product"].create(
            {"name": "Coexistence Widget", "type": "consu", "list_price": 100.0}
        )
        return {
            **{role: ("res.users", user.id) for role, user in users.items()},
            "stage": ("sale.review.stage", stage.id),
            "customer": ("res.partner", customer.id),
            "product": ("product.product", product.id),
        }

    def _on_each_database(self):
        """``(env, fixtures)`` for each database, inside a subtest."""
        for key in ORDERS:
            with self.subTest(installed=key), self.databases.environment(key) as env:
                f = SimpleNamespace(env=env, company=env.company)
                for name, (model, record_id) in self.fixture_ids[key].items():
                    setattr(f, name, env[model].browse(record_id))
                yield env, f

    def _order(self, f, qty=1.0):
        order = (
            f.env["sale.order"]
            .with_user(f.salesperson)
            .create(
                {
                    "partner_id": f.customer.id,
                    "user_id": f.salesperson.id,
                    "payment_term_id": f.env.ref(
                        "account.account_payment_term_30days"
                    ).id,
                    "commitment_date": fields.Datetime.now() + timedelta(days=10),
                    "order_line": [
                        Command.create(
                            {
                                "product_id": f.product.id,
                                "product_uom_qty": qty,
                                "price_unit": 100.0,
                            }
                        )
                    ],
                }
            )
        )
        return order.with_env(f.env)

    def _approve_reviews(self, f, order, submit=True):
        """Submit the order (unless done) and approve its reviews, step by step."""
        if submit:
            order.with_user(f.salesperson).action_submit_for_review()
        for _step in range(5):
            pending = order.governance_review_ids.filtered(
                lambda review: review.state == "pending"
            )
            if not pending:
                break
            for review in pending:
                review.with_user(review.reviewer_user_ids[:1]).action_approve()
        self.assertEqual(order.review_state, "approved")

    def _tier(self, f, name, **vals):
        """An OCA tier definition of sales orders (one reviewer by default)."""
        return f.env["tier.definition"].create(
            {
                "name": name,
                "model_id": f.env["ir.model"]._get_id("sale.order"),
                "review_type": "individual",
                "reviewer_id": f.tier_reviewer.id,
                **vals,
            }
        )

    def _refused(self, env, exception, call):
        """Run ``call`` as an RPC would: refused with ``exception``, rolled back."""
        with self.assertRaises(exception) as caught, env.cr.savepoint():
            call()
        env.invalidate_all()
        return caught.exception
