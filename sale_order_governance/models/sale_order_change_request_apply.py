# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Carrying out an approved change request on its order, through Odoo."""

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_amount
from odoo.tools.translate import LazyTranslate

from .sale_order_change import governance_apply

_lt = LazyTranslate(__name__)


class SaleOrderChangeRequest(models.Model):
    _inherit = "sale.order.change.request"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # APPLY
    # ------------------------------------------------------------

    def _governance_problems(self):
        """What makes this request impossible to apply; empty when it can be."""
        self.ensure_one()
        problems = []
        order = self.order_id
        for line in self.line_ids:
            sale_line = line.sale_line_id
            if sale_line and sale_line.order_id != order:
                problems.append(
                    self.env._(
                        "%(product)s: the line belongs to another order.",
                        product=line.product_id.display_name,
                    )
                )
                continue
            if line.change_type == "remove" and sale_line.qty_delivered:
                problems.append(
                    self.env._(
                        "%(product)s cannot be removed: %(qty)s already delivered. "
                        "Return the goods from the delivery instead.",
                        product=line.product_id.display_name,
                        qty=sale_line.qty_delivered,
                    )
                )
                continue
            if line.change_type != "update":
                continue
            precision = self.env["decimal.precision"].precision_get(
                "Product Unit of Measure"
            )
            for done, message in (
                (
                    sale_line.qty_delivered,
                    self.env._(
                        "%(product)s: the new quantity %(new)s is below the %(done)s "
                        "already delivered.",
                        product=line.product_id.display_name,
                        new=line.new_qty,
                        done=sale_line.qty_delivered,
                    ),
                ),
                (
                    sale_line.qty_invoiced,
                    self.env._(
                        "%(product)s: the new quantity %(new)s is below the %(done)s "
                        "already invoiced.",
                        product=line.product_id.display_name,
                        new=line.new_qty,
                        done=sale_line.qty_invoiced,
                    ),
                ),
            ):
                if float_compare(line.new_qty, done, precision_digits=precision) < 0:
                    problems.append(message)
        for line in self.line_ids.filtered(lambda line: line.change_type == "remove"):
            if line.sale_line_id.qty_invoiced and not line.sale_line_id.qty_delivered:
                problems.append(
                    self.env._(
                        "%(product)s cannot be removed: %(qty)s already invoiced.",
                        product=line.product_id.display_name,
                        qty=line.sale_line_id.qty_invoiced,
                    )
                )
        return problems

    def _check_appliable(self):
        self.ensure_one()
        order = self.order_id
        if self.state != "approved" or self.review_state != "approved":
            raise UserError(
                self.env._(
                    "Change request %(request)s is not approved: it can be applied "
                    "only once every review has approved it.",
                    request=self.name,
                )
            )
        self._check_reviewed_content()
        if self._review_reviews().filtered(lambda r: r.state in ("waiting", "pending")):
            raise UserError(
                self.env._(
                    "Change request %(request)s still has open reviews.",
                    request=self.name,
                )
            )
        self._check_order_confirmed(self.env._("applied"))
        if order._governance_change_fingerprint() != self.order_fingerprint:
            raise UserError(
                self.env._(
                    "Order %(order)s changed since change request %(request)s was "
                    "submitted (lines, prices or dates): the request is stale and "
                    "was not applied. Cancel it and request the change again from "
                    "the order as it is now.",
                    order=order.name,
                    request=self.name,
                )
            )
        problems = self._governance_problems()
        if problems:
            raise UserError(
                self.env._(
                    "Change request %(request)s cannot be applied; nothing was "
                    "changed:\n%(problems)s",
                    request=self.name,
                    problems="\n".join(problems),
                )
            )

    def _order_write_vals(self):
        self.ensure_one()
        commands = []
        for line in self.line_ids:
            if line.change_type == "add":
                commands.append(Command.create(line._prepare_sale_line_vals()))
            elif line.change_type == "remove":
                # Odoo keeps confirmed lines for traceability: zero, not delete.
                commands.append(
                    Command.update(line.sale_line_id.id, {"product_uom_qty": 0.0})
                )
            elif line.change_type == "update":
                commands.append(
                    Command.update(
                        line.sale_line_id.id, line._prepare_sale_line_update_vals()
                    )
                )
        vals = {"order_line": commands} if commands else {}
        if self.touches_date:
            vals["commitment_date"] = self.new_commitment_date
        return vals

    def _apply(self):
        self.ensure_one()
        order = self.order_id
        pickings = self.picking_ids
        vals = self._order_write_vals()
        with self.env.cr.savepoint(), governance_apply(self.env) as env:
            order_env = order.with_env(env)
            locked = order_env.locked
            if locked:
                # Odoo neither procures nor edits locked orders: unlock for
                # the change only.
                order_env.write({"locked": False})
            order_env = self._apply_prepare(order_env)
            order_env.write(vals)
            self._apply_finish(order_env)
            if locked:
                order_env.write({"locked": True})
            if self.amount_increases:
                self._check_credit_on_increase(order_env)
            # The outcome is protected; write access was checked.
            self._governance_engine_write(
                {
                    "outcome": "applied",
                    "applied_at": fields.Datetime.now(),
                    "applied_by_id": self.env.uid,
                }
            )
        pickings = (pickings | order.picking_ids).filtered(
            lambda picking: picking.state not in ("done", "cancel")
        )
        message = self.env._(
            "Change request %(request)s applied to the order (total change "
            "%(amount)s). Pickings affected: %(pickings)s.",
            request=self.name,
            amount=format_amount(self.env, self.amount_delta, self.currency_id),
            pickings=", ".join(pickings.mapped("name")) or "-",
        )
        self._request_post_with_order(message)

    def _apply_prepare(self, order):
        """Hook before the change is written on ``order``; returns the order
        to write on (e.g. with a context for Odoo's own write)."""
        return order

    def _apply_finish(self, order):
        """Hook after the change is written on ``order``, still unlocked."""

    def _check_credit_on_increase(self, order):
        """Let the credit control re-check the grown order, when installed.

        Called after the change is written, inside the savepoint of the
        apply: a refusal rolls the whole change back.
        """
        if hasattr(order, "_governance_check_credit_on_increase"):
            order._governance_check_credit_on_increase()
