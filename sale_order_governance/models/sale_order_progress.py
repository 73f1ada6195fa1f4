# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Where an order stands: one progress model, read by everything else.

The stage (reviewed, to produce, in production, to ship, shipped, received,
closed) is computed from Odoo's own records (reviews, transfers and their
moves, manufacturing orders when ``mrp`` is installed, the customer's receipt
of the delivery) and recomputed by their own triggers. Change and cancel
requests (``_governance_assessment``), late risk, closing and the reports read
it; the install hook repeats its rules in SQL (``hooks.fill_tracking_columns``).
"""

from odoo import api, fields, models
from odoo.tools import float_compare, float_is_zero

GOVERNANCE_STAGES = [
    ("draft", "Quotation"),
    ("in_review", "In Review"),
    ("to_produce", "To Produce / Prepare"),
    ("in_production", "In Production"),
    ("to_ship", "To Ship"),
    ("shipped", "Shipped"),
    ("received", "Received"),
    ("closed", "Closed"),
    ("cancel", "Cancelled"),
]
# Confirmed orders whose goods are not ready to leave.
NOT_READY_STAGES = ("to_produce", "in_production")
# Confirmed orders not shipped yet.
NOT_SHIPPED_STAGES = ("to_produce", "in_production", "to_ship")
# Everything left the warehouse.
DELIVERED_STAGES = ("shipped", "received")
PAID_STATES = ("paid", "in_payment", "reversed")
UNPAID_STATES = ("not_paid", "partial")
MO_STARTED_STATES = ("progress", "to_close")
LATE_RISK_DEFAULT_DAYS = 3

# Where an order stands, from "nothing done" to "everything delivered".
ORDER_PROGRESS = [
    ("not_started", "Not Started"),
    ("in_production", "In Production"),
    ("picked", "Picked"),
    ("shipped", "Partially Shipped"),
    ("delivered", "Fully Delivered"),
]
STARTED_PROGRESS = ("in_production", "picked", "shipped", "delivered")


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    governance_stage = fields.Selection(
        GOVERNANCE_STAGES,
        string="Order Stage",
        compute="_compute_governance_stage",
        store=True,
        index=True,
        readonly=True,
        help="Where the order stands, derived from its reviews, transfers, "
        "manufacturing orders, the customer's receipt and its payments.",
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    def _governance_stage_depends(self):
        depends = [
            "state",
            "review_state",
            "closed_date",
            "order_line.product_uom_qty",
            "order_line.qty_delivered",
            "picking_ids.state",
            "picking_ids.move_ids.state",
            "picking_ids.governance_received_date",
        ]
        # Soft dependency: manufacturing orders count only where mrp is installed.
        if "mrp.production" in self.env:
            depends.append("order_line.move_ids.created_production_id.state")
        return depends

    @api.depends(lambda self: self._governance_stage_depends())
    def _compute_governance_stage(self):
        for order in self:
            order.governance_stage = order._governance_stage_value()

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _governance_pickings(self):
        """Outgoing and internal transfers (not returns), not cancelled."""
        self.ensure_one()
        return self.picking_ids.filtered(
            lambda picking: (
                picking.picking_type_code != "incoming" and picking.state != "cancel"
            )
        )

    def _governance_deliveries(self):
        """Done deliveries to the customer."""
        return self._governance_pickings().filtered(
            lambda picking: (
                picking.state == "done" and picking._governance_is_customer_delivery()
            )
        )

    def _governance_productions(self):
        """The manufacturing orders made for the order: those its lines' stock
        moves (the delivery, or a pick of a multi-step delivery) were made
        to order from (``hooks.fill_tracking_columns`` and the fulfilment
        report in SQL)."""
        self.ensure_one()
        if "mrp.production" not in self.env:
            return None
        return self.order_line.move_ids.created_production_id.filtered(
            lambda production: production.state != "cancel"
        )

    def _governance_invoices(self):
        self.ensure_one()
        return self.order_line.invoice_lines.move_id.filtered(
            lambda move: (
                move.state != "cancel"
                and move.move_type in ("out_invoice", "out_refund")
            )
        )

    def _governance_stage_value(self):
        """The stage from the order's records (``fill_tracking_columns`` in SQL)."""
        self.ensure_one()
        if self.state == "cancel":
            return "cancel"
        if self.closed_date:
            return "closed"
        if self.state != "sale":
            return "in_review" if self.review_state == "in_review" else "draft"
        productions = self._governance_productions()
        if productions and productions.filtered(
            lambda production: production.state in MO_STARTED_STATES
        ):
            return "in_production"
        pickings = self._governance_pickings()
        open_pickings = pickings.filtered(lambda picking: picking.state != "done")
        if open_pickings:
            # The moves that can be worked on now (not waiting for another
            # operation): the pick of a two-step delivery, then the ship.
            front = open_pickings.move_ids.filtered(
                lambda move: move.state not in ("done", "cancel", "waiting")
            )
            if front and all(move.state == "assigned" for move in front):
                return "to_ship"
            return "to_produce"
        deliveries = pickings.filtered(
            lambda picking: (
                picking.state == "done" and picking._governance_is_customer_delivery()
            )
        )
        if deliveries:
            if all(deliveries.mapped("governance_received_date")):
                return "received"
            return "shipped"
        lines = self.order_line.filtered(
            lambda line: (
                not line.display_type and not line.is_downpayment and line.product_id
            )
        )
        if lines.filtered(lambda line: line.product_id.type != "service"):
            return "to_produce"
        if lines and all(
            float_compare(
                line.qty_delivered,
                line.product_uom_qty,
                precision_rounding=line.product_uom.rounding or 0.01,
            )
            >= 0
            for line in lines
        ):
            return "received"
        return "to_produce"

    def _governance_production_started(self):
        """Whether manufacturing has started (or finished) for the order."""
        self.ensure_one()
        productions = self._governance_productions()
        return bool(
            productions
            and productions.filtered(
                lambda production: production.state in (*MO_STARTED_STATES, "done")
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
