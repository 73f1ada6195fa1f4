# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount
from odoo.tools.translate import LazyTranslate

from .sale_governance_request_mixin import (
    REQUEST_CONTENT_FIELDS,
    REQUEST_PROTECTED_FIELDS,
)
from .sale_order_change import governance_apply
from .sale_order_progress import ORDER_PROGRESS

_lt = LazyTranslate(__name__)


class SaleOrderCancelRequest(models.Model):
    _name = "sale.order.cancel.request"
    _description = "Sales Order Cancel Request"
    _inherit = ["sale.governance.request.mixin"]
    _review_applies_to = "cancel"
    _review_applies_to_name = _lt("Cancel Request")
    _request_sequence_code = "sale.order.cancel.request"
    _request_kind = _lt("cancel request")
    _request_protected_fields = REQUEST_PROTECTED_FIELDS | {
        "assessment",
        "is_delivered",
        "is_picked",
        "is_invoiced",
        "is_paid",
        "in_production",
        "work_started",
        "cost_handling_required",
        "amount_invoiced",
        "amount_paid",
        "done_at",
    }
    _request_content_fields = REQUEST_CONTENT_FIELDS | {
        "reason_id",
        "note",
        "cost_handling",
    }
    _request_closed_states = ("done", "cancelled")

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    amount_total = fields.Monetary(
        related="order_id.amount_total", string="Order Total"
    )
    reason_id = fields.Many2one(
        "sale.order.cancel.reason",
        required=True,
        ondelete="restrict",
        tracking=True,
    )
    note = fields.Text(help="What the customer said, and any detail of the reason.")
    outcome = fields.Selection(
        selection_add=[("done", "Applied"), ("cancelled",)],
        ondelete={"done": "set null"},
    )
    state = fields.Selection(
        selection_add=[("done", "Applied"), ("cancelled",)],
        ondelete={"done": "cascade"},
    )
    # Assessment, taken from stock and accounting when the request is made
    # and again when it is submitted; stored so that review stages filter on it.
    order_progress = fields.Selection(
        ORDER_PROGRESS, readonly=True, copy=False, default="not_started"
    )
    is_delivered = fields.Boolean(string="Partly Delivered", readonly=True, copy=False)
    is_picked = fields.Boolean(string="Picked", readonly=True, copy=False)
    in_production = fields.Boolean(readonly=True, copy=False)
    is_invoiced = fields.Boolean(string="Invoiced", readonly=True, copy=False)
    is_paid = fields.Boolean(string="Paid", readonly=True, copy=False)
    work_started = fields.Boolean(
        readonly=True,
        copy=False,
        help="The order is in production, picked or partly shipped.",
    )
    cost_handling_required = fields.Boolean(
        readonly=True,
        copy=False,
        help="Work has started, or something is invoiced or paid: the handling "
        "of the costs must be recorded.",
    )
    amount_invoiced = fields.Monetary(
        readonly=True, copy=False, currency_field="company_currency_id"
    )
    amount_paid = fields.Monetary(
        readonly=True, copy=False, currency_field="company_currency_id"
    )
    assessment = fields.Text(
        readonly=True,
        copy=False,
        help="What was delivered, picked, invoiced, paid and produced when the "
        "request was submitted.",
    )
    open_picking_ids = fields.Many2many(
        "stock.picking",
        string="Pickings to Cancel",
        compute="_compute_open_picking_ids",
        compute_sudo=True,
    )
    cost_handling = fields.Text(
        tracking=True,
        help="How the costs of the work already done are handled: returns, "
        "credit notes, what the customer pays, what the company bears.",
    )
    done_at = fields.Datetime(string="Cancelled On", readonly=True, copy=False)

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("order_id", "state")
    def _compute_open_picking_ids(self):
        for request in self:
            request.open_picking_ids = request.order_id.picking_ids.filtered(
                lambda picking: picking.state not in ("done", "cancel")
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model
    def _check_orders_requestable(self, orders):
        if len(set(orders.ids)) < len(orders.ids):
            raise UserError(self.env._("Make one cancel request per order."))
        res = super()._check_orders_requestable(orders)
        orders._governance_check_cancellable()
        self._check_single_open(orders)
        return res

    @api.model
    def _check_single_open(self, orders, exclude=None):
        """One open cancel request per order (besides ``exclude``)."""
        domain = [("order_id", "in", orders.ids), *self._open_domain()]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        # sudo: a request of another salesperson on the same order counts too.
        counts = dict(self.sudo()._read_group(domain, ["order_id"], ["__count"]))
        for order in orders:
            if counts.get(order):
                raise UserError(
                    self.env._(
                        "Order %(order)s already has an open cancel request.",
                        order=order.name,
                    )
                )

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _assessment_text(self, assessment):
        company_currency = self.company_id.currency_id
        progress = dict(
            self._fields["order_progress"]._description_selection(self.env)
        )[assessment["progress"]]
        yes, no = self.env._("yes"), self.env._("no")
        return "\n".join(
            [
                self.env._("Progress: %(progress)s", progress=progress),
                self.env._(
                    "In production: %(value)s",
                    value=yes if assessment["in_production"] else no,
                ),
                self.env._(
                    "Picked: %(value)s", value=yes if assessment["picked"] else no
                ),
                self.env._(
                    "Delivered: %(value)s",
                    value=yes if assessment["delivered"] else no,
                ),
                self.env._(
                    "Invoiced: %(amount)s",
                    amount=format_amount(
                        self.env, assessment["amount_invoiced"], company_currency
                    ),
                ),
                self.env._(
                    "Paid: %(amount)s",
                    amount=format_amount(
                        self.env, assessment["amount_paid"], company_currency
                    ),
                ),
            ]
        )

    def _governance_snapshot(self):
        """Record what is done on the order: delivered, picked, invoiced..."""
        self.ensure_one()
        assessment = self.order_id._governance_assessment()
        work_started = bool(
            assessment["in_production"]
            or assessment["picked"]
            or assessment["delivered"]
        )
        self.write(
            {
                "order_progress": assessment["progress"],
                "is_delivered": assessment["delivered"],
                "is_picked": assessment["picked"],
                "in_production": assessment["in_production"],
                "is_invoiced": assessment["invoiced"],
                "is_paid": assessment["paid"],
                "work_started": work_started,
                "cost_handling_required": work_started
                or assessment["invoiced"]
                or assessment["paid"],
                "amount_invoiced": assessment["amount_invoiced"],
                "amount_paid": assessment["amount_paid"],
                "assessment": self._assessment_text(assessment),
            }
        )
        return assessment

    def _check_submittable_state(self):
        res = super()._check_submittable_state()
        self.order_id._governance_check_cancellable()
        return res

    def _check_reopenable(self):
        res = super()._check_reopenable()
        self._check_single_open(self.order_id, exclude=self)
        return res

    def _governance_execute(self):
        """Cancel the order through Odoo once every review approved it."""
        self.ensure_one()
        self._check_reviewed_content()
        order = self.order_id
        self._check_order_confirmed(self.env._("carried out"))
        order._governance_check_cancellable()
        was_required = self.cost_handling_required
        self._governance_snapshot()
        if self.cost_handling_required and not was_required:
            raise UserError(
                self.env._(
                    "Order %(order)s progressed since cancel request %(request)s "
                    "was submitted (%(assessment)s). Reject the request: it must be "
                    "submitted again with the handling of the costs.",
                    order=order.name,
                    request=self.name,
                    assessment=self.assessment.replace("\n", ", "),
                )
            )
        pickings = self.open_picking_ids
        with governance_apply(self.env) as env:
            # Odoo's own cancellation: open pickings and draft invoices are
            # cancelled with the order.
            order.with_env(env)._action_cancel()
            if "cancel_reason_id" in order._fields:
                # OCA's sale_cancel_reason keeps the reason on the order itself
                # (same reason model): record it there too.
                order.with_env(env).cancel_reason_id = self.reason_id
        open_changes = order.change_request_ids.filtered_domain(
            self.env["sale.order.change.request"]._open_domain()
        )
        if open_changes:
            open_changes.action_cancel()
        self._governance_engine_write(
            {"outcome": "done", "done_at": fields.Datetime.now()}
        )
        message = self.env._(
            "Order cancelled by cancel request %(request)s (%(reason)s). Pickings "
            "cancelled: %(pickings)s.",
            request=self.name,
            reason=self.reason_id.name,
            pickings=", ".join(pickings.mapped("name")) or "-",
        )
        self._request_post_with_order(message)

    # ------------------------------------------------------------
    # REVIEW ENGINE HOOKS
    # ------------------------------------------------------------

    def _review_missing_items(self):
        self.ensure_one()
        missing = []
        if not self.reason_id:
            missing.append(self.env._("Reason"))
        if self.cost_handling_required and not (self.cost_handling or "").strip():
            missing.append(
                self.env._(
                    "Cost handling (work has started, or the order is invoiced or paid)"
                )
            )
        return missing

    def _review_fingerprint_values(self):
        self.ensure_one()
        return (
            self.order_id.id,
            self.reason_id.id,
            self.note or "",
            self.cost_handling or "",
        )

    def _review_evidence(self, department):
        self.ensure_one()
        # sudo: reviewers read the evidence of what they decide on.
        request = self.sudo().with_company(self.company_id)
        return {
            "items": [
                ["request", request.name],
                ["order", request.order_id.name],
                ["customer", request.partner_id.display_name],
                [
                    "amount_total",
                    self._evidence_money(request.amount_total, request.currency_id),
                ],
                ["cancel_reason", request.reason_id.name],
                ["reason", request.note or ""],
                ["assessment", request.assessment or ""],
                ["cost_handling", request.cost_handling or ""],
                ["pickings", ", ".join(request.open_picking_ids.mapped("name"))],
            ]
        }

    def _review_approved(self):
        # sudo: the last reviewer only reads the request and the order; the
        # cancellation they approved is carried out on their behalf.
        self.sudo()._governance_execute()
