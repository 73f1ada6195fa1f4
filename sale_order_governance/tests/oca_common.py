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

import psycopg2.errors

import odoo
from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.module import get_module_path
from odoo.modules.registry import Registry
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
