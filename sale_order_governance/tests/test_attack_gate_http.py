# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The gate attacked over real HTTP JSON-RPC, as the web client or a script calls."""

from odoo import Command
from odoo.tests import HttpCase, JsonRpcException, tagged

from .test_attack_gate import GateAttackCase


@tagged("post_install", "-at_install")
class TestGateOverJsonRpc(HttpCase, GateAttackCase):
    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def _assert_rpc_refused(self, order, model, method, args, kwargs=None):
        before = self._snapshot(order)
        with self.assertRaises(JsonRpcException) as caught:
            self._call(model, method, args, kwargs)
        self.assertIn("UserError", str(caught.exception.args))
        self.assertEqual(self._snapshot(order), before, "nothing changed")

    def test_engine_field_write(self):
        order = self._create_order()
        self.authenticate(self.salesperson.login, self.salesperson.login)
        self._assert_rpc_refused(
            order, "sale.order", "write", [order.ids, {"review_state": "approved"}]
        )
        self._assert_rpc_refused(
            order,
            "sale.order",
            "write",
            [order.ids, {"review_state": "approved"}],
            {"context": {"sale_order_governance_token": "guessed"}},
        )

    def test_state_write_and_confirmed_create(self):
        order = self._create_order()
        self.authenticate(self.salesperson.login, self.salesperson.login)
        self._assert_rpc_refused(
            order, "sale.order", "write", [order.ids, {"state": "sale"}]
        )
        count = self.env["sale.order"].search_count([])
        with self.assertRaises(JsonRpcException):
            self._call(
                "sale.order",
                "create",
                [
                    {
                        "partner_id": self.customer.id,
                        "user_id": self.salesperson.id,
                        "state": "sale",
                    }
                ],
            )
        self.assertEqual(self.env["sale.order"].search_count([]), count)

    def test_confirmed_order_lines_with_client_flags(self):
        order = self._approved_order()
        order.with_user(self.salesperson).action_confirm()
        self.authenticate(self.salesperson.login, self.salesperson.login)
        self._assert_rpc_refused(
            order,
            "sale.order",
            "write",
            [
                order.ids,
                {
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.service.id,
                                "is_downpayment": True,
                                "price_unit": -500.0,
                            }
                        )
                    ]
                },
            ],
        )
        self._assert_rpc_refused(
            order,
            "sale.order.line",
            "write",
            [order.order_line.ids, {"price_unit": 1.0}],
            {"context": {"sale_order_governance_token": "guessed"}},
        )

    def test_commercial_terms_over_json_rpc(self):
        # Before confirmation: an edit of a reviewed term voids the approval.
        order = self._approved_order()
        term = self.env.ref("account.account_payment_term_immediate")
        self.authenticate(self.salesperson.login, self.salesperson.login)
        self._call("sale.order", "write", [order.ids, {"payment_term_id": term.id}])
        order.invalidate_recordset()
        self.assertEqual(order.review_state, "not_submitted")
        with self.assertRaises(JsonRpcException):
            self._call("sale.order", "action_confirm", [order.ids])
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")
        # After confirmation: the same term changes only by a change request.
        confirmed = self._approved_order()
        confirmed.with_user(self.salesperson).action_confirm()
        self._assert_rpc_refused(
            confirmed,
            "sale.order",
            "write",
            [confirmed.ids, {"payment_term_id": term.id, "note": "<p>Free</p>"}],
        )
