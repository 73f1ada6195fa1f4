# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The same attacks through real HTTP JSON-RPC, as a script or a browser sends
them to ``/web/dataset/call_kw``: the request's content and the credit gate."""

import json

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .request_common import RequestCase, any_flag
from .test_credit import CreditCase


class JsonRpcMixin:
    def _call_kw(self, model, method, args, **kwargs):
        """The decoded JSON-RPC answer of ``model.method(*args, **kwargs)``."""
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": kwargs,
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        return response.json()

    def _assert_refused(self, answer, error, fragment):
        self.assertIn("error", answer, answer)
        data = answer["error"]["data"]
        self.assertEqual(data["name"], f"odoo.exceptions.{error}")
        self.assertIn(fragment, data["message"])
        self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestRequestHttpAttacks(JsonRpcMixin, HttpCase, RequestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_change_stages(
            (
                "Production (HTTP)",
                cls.production_user,
                "production",
                any_flag("touches_quantity"),
                10,
            )
        )

    def test_content_of_an_approved_request_over_json_rpc(self):
        order = self._confirmed_order([(self.product, 5, 100.0)])
        line = order.order_line
        approved = self._change_request(order, {line: {"new_qty": 4.0}})
        self._submit_request(approved, self.production_user)
        self.assertEqual(approved.state, "approved")
        draft = self._change_request(order, {line: {"new_qty": 50.0}})
        self.authenticate("gov_salesperson", "gov_salesperson")
        model = "sale.order.change.request.line"
        # Move a line of the draft into the approved request.
        answer = self._call_kw(
            model, "write", [draft.line_ids.ids, {"request_id": approved.id}]
        )
        self._assert_refused(answer, "UserError", "can no longer be edited")
        # Create one in it.
        answer = self._call_kw(
            model,
            "create",
            [{"request_id": approved.id, "product_id": self.product_b.id}],
        )
        self._assert_refused(answer, "UserError", "can no longer be edited")
        # Create a request that is already approved.
        answer = self._call_kw(
            "sale.order.change.request",
            "create",
            [
                {
                    "order_id": order.id,
                    "reason": "Forged",
                    "state": "approved",
                    "review_state": "approved",
                    "line_ids": [Command.create({"product_id": self.product_b.id})],
                }
            ],
        )
        self._assert_refused(answer, "UserError", "cannot be given")
        self.assertEqual(draft.line_ids.request_id, draft)
        self.assertEqual(approved.line_ids.new_qty, 4.0)
        self.assertEqual(len(approved.line_ids), 1)
        self.assertEqual(len(order.change_request_ids), 2)
        # The channel works: what is allowed goes through.
        answer = self._call_kw(model, "write", [draft.line_ids.ids, {"new_qty": 6.0}])
        self.assertIs(answer.get("result"), True, answer)
        answer = self._call_kw(
            "sale.order.change.request", "action_apply", [approved.ids]
        )
        self.assertIs(answer.get("result"), True, answer)
        self.env.invalidate_all()
        self.assertEqual(line.product_uom_qty, 4.0)


@tagged("post_install", "-at_install")
class TestCreditHttpAttacks(JsonRpcMixin, HttpCase, CreditCase):
    def test_split_confirmation_over_json_rpc(self):
        orders = self.env["sale.order"]
        for _index in range(3):
            orders |= self._create_order(lines=[(self.product, 4, 100.0)])
        self.authenticate("gov_salesperson", "gov_salesperson")
        answer = self._call_kw("sale.order", "action_confirm", [orders.ids])
        self._assert_refused(answer, "UserError", "above its credit limit")
        answer = self._call_kw("sale.order", "write", [orders.ids, {"state": "sale"}])
        self._assert_refused(answer, "UserError", "above its credit limit")
        self.assertEqual(set(orders.mapped("state")), {"draft"})
        self.assertFalse(orders.picking_ids)
        answer = self._call_kw("sale.order", "action_confirm", [orders[:2].ids])
        self.assertIn("result", answer, answer)
        self.env.invalidate_all()
        self.assertEqual(orders.mapped("state"), ["sale", "sale", "draft"])

    def test_self_release_over_json_rpc(self):
        self._invoice(900.0)
        seller_controller = new_test_user(
            self.env,
            login="gov_selling_controller",
            groups="sale_order_governance.group_credit_controller",
            name="Sasha Selling-Controller",
        )
        order = self._create_order(user=seller_controller)
        self.authenticate("gov_selling_controller", "gov_selling_controller")
        values = {"order_id": order.id, "amount": 5000.0, "reason": "Mine"}
        answer = self._call_kw("sale.credit.override", "create", [values])
        self._assert_refused(answer, "AccessError", "four-eyes")
        # Nor in the name of another controller.
        answer = self._call_kw(
            "sale.credit.override",
            "create",
            [{**values, "approved_by_id": self.controller.id}],
        )
        self._assert_refused(answer, "UserError", "cannot be given")
        self.assertFalse(order.credit_override_ids)
        answer = self._call_kw("sale.order", "action_confirm", [order.ids])
        self._assert_refused(answer, "UserError", "above its credit limit")
        self.assertEqual(order.state, "draft")
