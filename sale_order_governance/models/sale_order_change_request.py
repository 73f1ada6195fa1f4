# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.tools.translate import LazyTranslate

from .sale_governance_request_mixin import (
    REQUEST_CONTENT_FIELDS,
    REQUEST_PROTECTED_FIELDS,
)
from .sale_order_progress import ORDER_PROGRESS, STARTED_PROGRESS

_lt = LazyTranslate(__name__)


LOSS_BEARERS = [
    ("none", "No Loss"),
    ("company", "Our Company"),
    ("customer", "Customer"),
    ("shared", "Shared"),
]


class SaleOrderChangeRequest(models.Model):
    _name = "sale.order.change.request"
    _description = "Sales Order Change Request"
    _inherit = ["sale.governance.request.mixin"]
    _review_applies_to = "change"
    _review_applies_to_name = _lt("Change Request")
    _request_sequence_code = "sale.order.change.request"
    _request_kind = _lt("change request")
    _request_protected_fields = REQUEST_PROTECTED_FIELDS | {
        "order_fingerprint",
        "old_commitment_date",
        "applied_at",
        "applied_by_id",
    }
    _request_content_fields = REQUEST_CONTENT_FIELDS | {
        "reason",
        "line_ids",
        "new_commitment_date",
        "loss_amount",
        "loss_borne_by",
    }
    _request_reopenable_states = ("rejected", "cancelled")
    _request_closed_states = ("applied", "cancelled")

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    reason = fields.Text(required=True, tracking=True)
    line_ids = fields.One2many(
        "sale.order.change.request.line",
        "request_id",
        string="Changes",
        copy=True,
    )
    old_commitment_date = fields.Datetime(
        string="Current Delivery Date",
        readonly=True,
        copy=False,
        help="The committed delivery date of the order when the request was made.",
    )
    new_commitment_date = fields.Datetime(
        string="New Delivery Date",
        tracking=True,
        help="Leave empty to keep the committed delivery date of the order.",
    )
    outcome = fields.Selection(
        selection_add=[("applied", "Applied"), ("cancelled",)],
        ondelete={"applied": "set null"},
    )
    state = fields.Selection(
        selection_add=[("applied", "Applied"), ("cancelled",)],
        ondelete={"applied": "cascade"},
    )
    # What the change touches: stored so that review stages filter on them.
    touches_quantity = fields.Boolean(
        compute="_compute_touches",
        store=True,
        help="Quantities change, lines are added or removed.",
    )
    touches_price = fields.Boolean(
        compute="_compute_touches",
        store=True,
        help="Prices or discounts change, or lines are added.",
    )
    touches_lines = fields.Boolean(
        compute="_compute_touches", store=True, help="Lines are added or removed."
    )
    touches_date = fields.Boolean(
        compute="_compute_touches",
        store=True,
        help="The committed delivery date changes.",
    )
    amount_increases = fields.Boolean(
        compute="_compute_impact", store=True, help="The order total grows."
    )
    order_progress = fields.Selection(
        ORDER_PROGRESS,
        readonly=True,
        copy=False,
        default="not_started",
        help="Where the order stood when the request was submitted.",
    )
    loss_required = fields.Boolean(compute="_compute_loss_required")
    # Impact.
    amount_delta = fields.Monetary(
        string="Total Change",
        compute="_compute_impact",
        store=True,
        help="Change of the order total, taxes included.",
    )
    amount_untaxed_delta = fields.Monetary(
        string="Untaxed Change", compute="_compute_impact", store=True
    )
    margin_delta = fields.Monetary(
        string="Margin Change", compute="_compute_impact", store=True
    )
    credit_exposure = fields.Monetary(
        string="Current Credit Exposure",
        compute="_compute_credit_exposure",
        currency_field="company_currency_id",
        compute_sudo=True,
    )
    new_credit_exposure = fields.Monetary(
        string="Credit Exposure After",
        compute="_compute_credit_exposure",
        currency_field="company_currency_id",
        compute_sudo=True,
        help="The customer's credit exposure once the change is applied.",
    )
    delivered_line_count = fields.Integer(
        string="Changed Lines Delivered",
        compute="_compute_execution_impact",
        compute_sudo=True,
        help="Changed lines of which something is already delivered.",
    )
    invoiced_line_count = fields.Integer(
        string="Changed Lines Invoiced",
        compute="_compute_execution_impact",
        compute_sudo=True,
        help="Changed lines of which something is already invoiced.",
    )
    picking_ids = fields.Many2many(
        "stock.picking",
        string="Pickings Affected",
        compute="_compute_execution_impact",
        compute_sudo=True,
    )
    picking_count = fields.Integer(
        compute="_compute_execution_impact", compute_sudo=True
    )
    loss_amount = fields.Monetary(
        string="Loss",
        tracking=True,
        help="Estimated cost of the change for work already done (production, "
        "picking, shipping). Required once the order is in production or shipped.",
    )
    loss_borne_by = fields.Selection(
        LOSS_BEARERS,
        tracking=True,
    )
    order_fingerprint = fields.Char(readonly=True, copy=False)
    applied_at = fields.Datetime(readonly=True, copy=False)
    applied_by_id = fields.Many2one("res.users", readonly=True, copy=False)

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends(
        "line_ids.change_type",
        "line_ids.old_qty",
        "line_ids.new_qty",
        "line_ids.old_price_unit",
        "line_ids.new_price_unit",
        "line_ids.old_discount",
        "line_ids.new_discount",
        "new_commitment_date",
        "old_commitment_date",
        "order_id",
    )
    def _compute_touches(self):
        for request in self:
            lines = request.line_ids
            request.touches_lines = any(
                line.change_type in ("add", "remove") for line in lines
            )
            request.touches_quantity = request.touches_lines or any(
                line.change_type == "update" and line._qty_changes() for line in lines
            )
            request.touches_price = any(
                line.change_type == "add"
                or (line.change_type == "update" and line._price_changes())
                for line in lines
            )
            request.touches_date = request._date_changes()

    @api.depends(
        "line_ids.amount_delta",
        "line_ids.amount_untaxed_delta",
        "line_ids.margin_delta",
    )
    def _compute_impact(self):
        for request in self:
            request.amount_delta = sum(request.line_ids.mapped("amount_delta"))
            request.amount_untaxed_delta = sum(
                request.line_ids.mapped("amount_untaxed_delta")
            )
            request.margin_delta = sum(request.line_ids.mapped("margin_delta"))
            request.amount_increases = bool(request.currency_id) and (
                request.currency_id.compare_amounts(request.amount_delta, 0.0) > 0
            )

    @api.depends("amount_delta", "order_id")
    def _compute_credit_exposure(self):
        for request in self:
            order = request.order_id
            if not order:
                request.credit_exposure = request.new_credit_exposure = 0.0
                continue
            # The customer's exposure with this order (sale.credit.exposure).
            exposure = order.credit_exposure
            request.credit_exposure = exposure
            request.new_credit_exposure = (
                exposure + request._delta_in_company_currency()
            )

    @api.depends("line_ids.change_type", "line_ids.sale_line_id", "touches_date")
    def _compute_execution_impact(self):
        for request in self:
            changed = request.line_ids.filtered(lambda line: line.change_type != "none")
            sale_lines = changed.sale_line_id
            request.delivered_line_count = len(
                sale_lines.filtered(lambda line: line.qty_delivered)
            )
            request.invoiced_line_count = len(
                sale_lines.filtered(lambda line: line.qty_invoiced)
            )
            pickings = request.order_id.picking_ids.filtered(
                lambda picking: picking.state not in ("done", "cancel")
            )
            if not request.touches_date and not changed.filtered(
                lambda line: line.change_type == "add"
            ):
                pickings = sale_lines.move_ids.picking_id & pickings
            request.picking_ids = pickings
            request.picking_count = len(pickings)

    @api.depends("order_progress")
    def _compute_loss_required(self):
        for request in self:
            request.loss_required = request.order_progress in STARTED_PROGRESS

    def _has_changes(self):
        """Whether the request changes anything on the order."""
        self.ensure_one()
        return self.touches_date or any(
            line.change_type != "none" for line in self.line_ids
        )

    def _date_changes(self):
        self.ensure_one()
        if not self.new_commitment_date:
            return False
        current = self.old_commitment_date or self.order_id.commitment_date
        return self.new_commitment_date != current

    def _delta_in_company_currency(self):
        self.ensure_one()
        company = self.company_id or self.env.company
        return (
            self.currency_id._convert(
                self.amount_delta,
                company.currency_id,
                company,
                fields.Date.context_today(self),
            )
            if self.currency_id
            else 0.0
        )

    # ------------------------------------------------------------
    # ONCHANGE METHODS
    # ------------------------------------------------------------

    @api.onchange("order_id")
    def _onchange_order_id(self):
        """Prefill one line per product line of the order, unchanged."""
        if not self.order_id:
            return
        self.line_ids = [Command.clear()] + [
            Command.create({"sale_line_id": line.id})
            for line in self.order_id._governance_product_lines()
        ]
        self.new_commitment_date = self.order_id.commitment_date

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_apply(self):
        """Apply every line of the approved request to the order at once."""
        self.check_access("write")
        for request in self:
            request._check_appliable()
            request._apply()
        return True

    def action_view_pickings(self):
        self.ensure_one()
        return self.order_id._get_action_view_picking(self.picking_ids)

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------
