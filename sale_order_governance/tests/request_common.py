# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import Form

from .common import GovernanceCase


def any_flag(*flags):
    """The filter of a stage for requests with any of ``flags`` set."""
    return str(["|"] * (len(flags) - 1) + [(flag, "=", True) for flag in flags])


class RequestCase(GovernanceCase):
    """Confirmed orders with real stock, deliveries and invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.production_user = cls._create_reviewer(
            "gov_production", "production", "Paula Production"
        )
        cls.purchase_user = cls._create_reviewer(
            "gov_purchase", "purchase", "Peter Purchase"
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.product_b = cls.env["product.product"].create(
            {
                "name": "Governed Gadget",
                "type": "consu",
                "is_storable": True,
                "list_price": 40.0,
                "standard_price": 25.0,
            }
        )
        for product in (cls.product, cls.product_b):
            cls.env["stock.quant"]._update_available_quantity(
                product, cls.warehouse.lot_stock_id, 100.0
            )
        cls.reason = cls.env["sale.order.cancel.reason"].create(
            {"name": "Customer changed their mind"}
        )

    @classmethod
    def _create_change_stages(cls, *stages):
        """Change-request stages, one per ``(name, reviewer, department,
        domain, sequence)``."""
        return [
            cls._create_stage(
                name,
                user,
                sequence,
                department=department,
                applies_to="change",
                domain=domain,
            )
            for name, user, department, domain, sequence in stages
        ]

    def _confirmed_order(self, lines=None, user=None):
        order = self._create_order(lines=lines, user=user)
        order.with_user(user or self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        return order

    def _open_picking(self, order):
        return order.picking_ids.filtered(
            lambda picking: picking.state not in ("done", "cancel")
        )

    def _deliver(self, order, quantities):
        """Validate the open delivery with ``{product: qty}``; keep a backorder."""
        picking = self._open_picking(order)
        self.assertEqual(len(picking), 1)
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = quantities.get(move.product_id, 0.0)
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict):
            Form.from_action(self.env, result).save().process()
        self.assertEqual(picking.state, "done")
        return picking

    def _invoice(self, order):
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    def _line(self, order, product):
        return order.order_line.filtered(lambda line: line.product_id == product)

    def _move_qty(self, order, product):
        moves = self._open_picking(order).move_ids.filtered(
            lambda move: move.product_id == product and move.state != "cancel"
        )
        return sum(moves.mapped("product_uom_qty"))

    def _change_request(self, order, changes, user=None, **vals):
        """A change request of ``user``; ``changes`` maps lines to new values."""
        user = user or self.salesperson
        commands = []
        for key, values in changes.items():
            if isinstance(key, str):  # a new line
                commands.append(Command.create(values))
            else:
                commands.append(Command.create({"sale_line_id": key.id, **values}))
        request = (
            self.env["sale.order.change.request"]
            .with_user(user)
            .create(
                {
                    "order_id": order.id,
                    "reason": "The customer asked for it",
                    "line_ids": commands,
                    **vals,
                }
            )
        )
        return request.with_env(self.env)

    def _cancel_request(self, order, user=None, **vals):
        user = user or self.salesperson
        request = (
            self.env["sale.order.cancel.request"]
            .with_user(user)
            .create({"order_id": order.id, "reason_id": self.reason.id, **vals})
        )
        return request.with_env(self.env)

    def _approve_request(self, request, user, comment=None):
        reviews = self._approve_pending(request, user, comment)
        self._assert_evidence_labelled(reviews)
        return reviews

    def _assert_evidence_labelled(self, reviews):
        """Reviewers read labels, never the evidence's internal keys."""
        for review in reviews:
            labels = self.env[review.res_model]._review_evidence_labels()
            keys = {key for key, _value in review.evidence.get("items", [])}
            for line in review.evidence.get("lines", []):
                keys |= set(line)
            self.assertFalse(keys - labels.keys(), review.display_name)

    def _submit_request(self, request, *approvers, user=None):
        """Submit ``request`` as ``user`` (the salesperson by default), then
        approve its pending reviews as each of ``approvers`` in turn."""
        request.with_user(user or self.salesperson).action_submit()
        for approver in approvers:
            self._approve_request(request, approver)
        return request
