# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero
from odoo.tools.translate import LazyTranslate

from . import governance_context as trust
from .governed_fields import GOVERNED_LINE_FIELDS, GOVERNED_ORDER_FIELDS

_lt = LazyTranslate(__name__)


# Where an order stands, from "nothing done" to "everything delivered".
ORDER_PROGRESS = [
    ("not_started", "Not Started"),
    ("in_production", "In Production"),
    ("picked", "Picked"),
    ("shipped", "Partially Shipped"),
    ("delivered", "Fully Delivered"),
]
STARTED_PROGRESS = ("in_production", "picked", "shipped", "delivered")


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
    _inherit = "sale.order"

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

    def _governance_production_started(self):
        """Whether manufacturing has started for the order (``mrp`` optional)."""
        self.ensure_one()
        if "mrp_production_ids" not in self._fields:
            return False
        return bool(
            self.mrp_production_ids.filtered(
                lambda production: production.state in ("progress", "to_close", "done")
            )
        )

    def _governance_assessment(self):
        """What has been done on the order, read from stock and accounting."""
        self.ensure_one()
        rounding = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        lines = self._governance_product_lines().filtered(
            lambda line: (
                not float_is_zero(line.product_uom_qty, precision_digits=rounding)
            )
        )
        delivered_lines = self._governance_product_lines().filtered(
            lambda line: (
                not float_is_zero(line.qty_delivered, precision_digits=rounding)
            )
        )
        fully_delivered = bool(lines) and all(
            line.qty_delivered >= line.product_uom_qty for line in lines
        )
        fully_invoiced = bool(lines) and all(
            line.qty_invoiced >= line.product_uom_qty for line in lines
        )
        pickings = self.picking_ids
        picked = bool(
            pickings.filtered(
                lambda picking: (
                    picking.state == "done" and picking.picking_type_code != "outgoing"
                )
            )
            or pickings.filtered(
                lambda picking: picking.state not in ("done", "cancel")
            ).move_ids.filtered("picked")
        )
        in_production = self._governance_production_started()
        invoices = self.invoice_ids.filtered(lambda move: move.state == "posted")
        amount_invoiced = sum(
            invoices.filtered(lambda move: move.move_type == "out_invoice").mapped(
                "amount_total_signed"
            )
        ) + sum(
            invoices.filtered(lambda move: move.move_type == "out_refund").mapped(
                "amount_total_signed"
            )
        )
        amount_paid = sum(
            move.amount_total_signed - move.amount_residual_signed for move in invoices
        )
        unbilled_tx = self.transaction_ids.filtered(
            lambda tx: tx.state == "done" and not tx.invoice_ids
        )
        company_currency = self.company_id.currency_id
        for tx in unbilled_tx:
            amount_paid += tx.currency_id._convert(
                tx.amount, company_currency, self.company_id, fields.Date.today()
            )
        if fully_delivered:
            progress = "delivered"
        elif delivered_lines:
            progress = "shipped"
        elif picked:
            progress = "picked"
        elif in_production:
            progress = "in_production"
        else:
            progress = "not_started"
        return {
            "progress": progress,
            "delivered": bool(delivered_lines),
            "fully_delivered": fully_delivered,
            "picked": picked,
            "in_production": in_production,
            "invoiced": bool(invoices),
            "fully_invoiced": fully_invoiced,
            "paid": not company_currency.is_zero(amount_paid),
            "amount_invoiced": amount_invoiced,
            "amount_paid": amount_paid,
            "open_pickings": pickings.filtered(
                lambda picking: picking.state not in ("done", "cancel")
            ),
        }

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

    def _review_evidence_labels(self):
        labels = super()._review_evidence_labels()
        labels.update(
            {
                "order": _lt("Order"),
                "request": _lt("Request"),
                "reason": _lt("Reason"),
                "amount_delta": _lt("Amount change"),
                "margin_delta": _lt("Margin change"),
                "new_credit_exposure": _lt("Credit exposure after the change"),
                "order_progress": _lt("Order progress"),
                "new_commitment_date": _lt("New delivery date"),
                "loss_amount": _lt("Loss"),
                "loss_borne_by": _lt("Loss borne by"),
                "change": _lt("Change"),
                "old_qty": _lt("Quantity before"),
                "new_qty": _lt("Quantity after"),
                "old_price": _lt("Price before"),
                "new_price": _lt("Price after"),
                "old_discount": _lt("Discount before (%)"),
                "new_discount": _lt("Discount after (%)"),
                "delivered": _lt("Delivered"),
                "invoiced": _lt("Invoiced"),
                "pickings": _lt("Pickings affected"),
                "cancel_reason": _lt("Cancellation reason"),
                "assessment": _lt("Assessment"),
                "cost_handling": _lt("Cost handling"),
                "amount_invoiced": _lt("Invoiced amount"),
                "amount_paid": _lt("Paid amount"),
            }
        )
        return labels
