# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib

from odoo import api, fields, models
from odoo.exceptions import UserError

from . import governance_context as trust
from .governed_fields import GOVERNED_LINE_FIELDS, GOVERNED_ORDER_FIELDS


def governance_apply(env):
    """Allow the guarded writes on confirmed orders for the block's duration.

    A context manager yielding a trusted environment (see
    ``governance_context``): only an approved change or cancel request being
    applied opens it.
    """
    return trust.trusted(env, trust.APPLY)


def governance_apply_allowed(env):
    return trust.allowed(env, trust.APPLY)


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    change_request_ids = fields.One2many(
        "sale.order.change.request",
        "order_id",
        string="Change Requests",
        copy=False,
        readonly=True,
    )
    governance_change_request_count = fields.Integer(
        string="Change Request Count", compute="_compute_request_counts"
    )
    cancel_request_ids = fields.One2many(
        "sale.order.cancel.request",
        "order_id",
        string="Cancel Requests",
        copy=False,
        readonly=True,
    )
    governance_cancel_request_count = fields.Integer(
        string="Cancel Request Count", compute="_compute_request_counts"
    )
    governance_request_review_ids = fields.One2many(
        "sale.order.review",
        "order_id",
        string="Request Reviews",
        domain=[
            (
                "res_model",
                "in",
                ("sale.order.change.request", "sale.order.cancel.request"),
            )
        ],
        copy=False,
        readonly=True,
        help="Reviews of the change and cancel requests of this order.",
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("change_request_ids", "cancel_request_ids")
    def _compute_request_counts(self):
        change_counts = dict(
            self.env["sale.order.change.request"]._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        cancel_counts = dict(
            self.env["sale.order.cancel.request"]._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.governance_change_request_count = change_counts.get(order, 0)
            order.governance_cancel_request_count = cancel_counts.get(order, 0)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_cancel(self):
        confirmed = self.filtered(lambda order: order.state == "sale")
        if confirmed:
            raise UserError(confirmed[:1]._governance_cancel_refused_message())
        return super().action_cancel()

    def action_request_change(self):
        self.ensure_one()
        self._governance_check_confirmed()
        return self._governance_request_action("change", new=True)

    def action_request_cancellation(self):
        self.ensure_one()
        self._governance_check_confirmed()
        self._governance_check_cancellable()
        return self._governance_request_action("cancel", new=True)

    def action_view_change_requests(self):
        self.ensure_one()
        return self._governance_request_action("change")

    def action_view_cancel_requests(self):
        self.ensure_one()
        return self._governance_request_action("cancel")

    def _governance_request_action(self, kind, new=False):
        """The change or cancel requests of this order, or a new one."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            f"sale_order_governance.sale_order_{kind}_request_action"
        )
        action["context"] = {"default_order_id": self.id}
        if new:
            action.update(
                {"views": [(False, "form")], "view_mode": "form", "target": "current"}
            )
        else:
            action["domain"] = [("order_id", "=", self.id)]
        return action

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _governance_change_refused_message(self):
        self.ensure_one()
        return self.env._(
            "Order %(order)s is confirmed: its quantities, prices, discounts, lines "
            'and committed date change only through "Request a change" on the '
            "order, reviewed by the departments the change touches.",
            order=self.name,
        )

    def _governance_cancel_refused_message(self):
        self.ensure_one()
        return self.env._(
            "Confirmed order %(order)s cannot be cancelled directly. Use "
            '"Request cancellation" on the order: the request records the '
            "reason and what was already done, and is approved before the "
            "order is cancelled.",
            order=self.name,
        )

    def _governance_check_confirmed(self):
        for order in self:
            if order.state != "sale":
                raise UserError(
                    self.env._(
                        "Order %(order)s is not a confirmed order. Quotations are "
                        "edited or cancelled directly.",
                        order=order.name,
                    )
                )

    def _governance_product_lines(self):
        return self.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )

    def _governance_change_fingerprint(self):
        """Hash of what a change request was based on: the order's state and
        commercial terms, and its product lines."""
        self.ensure_one()
        values = (
            self.state,
            [self._governance_field_key(self, name) for name in GOVERNED_ORDER_FIELDS],
            sorted(
                (
                    line.id,
                    [
                        self._governance_field_key(line, name)
                        for name in GOVERNED_LINE_FIELDS
                    ],
                )
                for line in self._governance_product_lines()
            ),
        )
        return hashlib.sha1(repr(values).encode()).hexdigest()

    def _governance_check_cancellable(self):
        """Cancel is not the tool for delivered or invoiced orders."""
        for order in self:
            assessment = order._governance_assessment()
            if assessment["fully_delivered"] or assessment["fully_invoiced"]:
                raise UserError(
                    self.env._(
                        "Order %(order)s is fully delivered or fully invoiced: it "
                        "cannot be cancelled. Take the goods back with a return on "
                        "the delivery and refund the customer with a credit note "
                        "on the invoice.",
                        order=order.name,
                    )
                )
