# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures of the attack tests: real users with the smallest useful roles.

Each attack is made the way an RPC client makes it (``with_user`` and the
public ORM methods, or real JSON-RPC over HTTP) and asserts both the refusal
and that nothing changed.
"""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user
from odoo.tests.common import JsonRpcException

from .test_reviewer_experience import ReviewerCase

# Attackers beside the users of GovernanceCase and ReviewerCase (the deputy).
ATTACKERS = {
    "other_salesperson": (
        "gov_other_sales",
        "sales_team.group_sale_salesman",
        "Oscar Other",
    ),
    "all_docs_salesperson": (
        "gov_all_docs",
        "sales_team.group_sale_salesman_all_leads",
        "Alice All",
    ),
    "controller": (
        "gov_controller",
        "sale_order_governance.group_credit_controller",
        "Carl Credit",
    ),
    "portal_user": ("gov_portal", "base.group_portal", "Pat Portal"),
}


class AttackCase(ReviewerCase):
    """Three review departments, two salespeople, a substitute, a controller.

    - ``salesperson`` (Sally) and ``other_salesperson`` (Oscar): "own
      documents only";
    - ``all_docs_salesperson`` (Alice): "all documents";
    - ``sales_manager`` (Sam), ``finance_user`` (Fiona), ``warehouse_user``
      (Walter): reviewers of one department each;
    - ``deputy`` (Dora): a reviewer who may be named substitute;
    - ``controller`` (Carl): credit controller;
    - ``portal_user`` (Pat): a customer contact with portal access.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for attribute, (login, groups, name) in ATTACKERS.items():
            setattr(cls, attribute, cls._user(login, groups, name))

    @classmethod
    def _user(cls, login, groups, name):
        return new_test_user(cls.env, login=login, groups=groups, name=name)

    def _review(self, order, department):
        return order.governance_review_ids.filtered(
            lambda review: review.department == department
        )

    def _delegate(self, user, substitute, days=3):
        """A delegation ``user`` makes from today, as the UI makes it."""
        today = fields.Date.today()
        return (
            self.env["sale.review.delegation"]
            .with_user(user)
            .create(
                {
                    "user_id": user.id,
                    "substitute_id": substitute.id,
                    "date_from": today,
                    "date_to": today + timedelta(days=days),
                }
            )
            .with_env(self.env)
        )

    def _values(self, records, fnames):
        """The stored values of ``records``, read afresh from the database."""
        self.env.invalidate_all()
        return records.sudo().read(fnames)


class AttackHttpCase(HttpCase, AttackCase):
    """Attacks through real JSON-RPC calls of a logged-in browser session."""

    def _rpc(self, login, model, method, args, kwargs=None):
        """Call ``model.method`` through /web/dataset/call_kw as ``login``."""
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def _assert_rpc_refused(self, error, login, model, method, args, kwargs=None):
        """The call fails with ``error`` (e.g. ``odoo.exceptions.AccessError``)."""
        with self.assertRaises(JsonRpcException) as caught:
            self._rpc(login, model, method, args, kwargs)
        self.assertEqual(caught.exception.args[0], error)
