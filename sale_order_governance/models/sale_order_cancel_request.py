# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from .sale_order_change import (
    ORDER_PROGRESS,
    governance_apply,
    governance_apply_allowed,
)

REQUEST_STATES = [
    ("draft", "Draft"),
    ("in_review", "In Review"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
OPEN_STATES = ("draft", "in_review", "approved", "rejected")
EDITABLE_STATES = ("draft", "rejected")

# Set by the request's own actions only (through sudo, after an access check).
PROTECTED_FIELDS = {
    "name",
    "state",
    "requested_by_id",
    "order_progress",
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
    "review_state",
    "review_submitted_at",
    "review_fingerprint",
    "review_round",
    "review_base_round",
    "review_changes_requested",
}
CONTENT_FIELDS = {"order_id", "reason_id", "note", "cost_handling"}


class SaleOrderCancelRequest(models.Model):
    _name = "sale.order.cancel.request"
    _description = "Sales Order Cancel Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "sale.governance.review.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _review_applies_to = "cancel"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    order_id = fields.Many2one(
        "sale.order",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
        domain=[("state", "=", "sale")],
    )
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="order_id.currency_id")
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    partner_id = fields.Many2one(
        related="order_id.partner_id", string="Customer", store=True, index=True
    )
    user_id = fields.Many2one(
        related="order_id.user_id", string="Salesperson", store=True, index=True
    )
    amount_total = fields.Monetary(
        related="order_id.amount_total", string="Order Total"
    )
    requested_by_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        readonly=True,
        copy=False,
    )
    reason_id = fields.Many2one(
        "sale.order.cancel.reason",
        required=True,
        ondelete="restrict",
        tracking=True,
    )
    note = fields.Text(help="What the customer said, and any detail of the reason.")
    state = fields.Selection(
        REQUEST_STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    review_ids = fields.One2many(
        "sale.order.review",
        "res_id",
        string="Reviews",
        domain=[("res_model", "=", "sale.order.cancel.request")],
        readonly=True,
        copy=False,
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

    @api.model_create_multi
    def create(self, vals_list):
        # Checked before anything is created: a refused request leaves no trace.
        order_ids = [vals["order_id"] for vals in vals_list if vals.get("order_id")]
        if len(set(order_ids)) < len(order_ids):
            raise UserError(self.env._("Make one cancel request per order."))
        orders = self.env["sale.order"].browse(order_ids)
        orders._governance_check_confirmed()
        orders._governance_check_cancellable()
        self._check_single_open(orders)
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "sale.order.cancel.request"
                ) or self.env._("New")
        requests = super().create(vals_list)
        for request in requests:
            # sudo: the assessment is protected, written by the request itself.
            request.sudo()._governance_assess()
        return requests

    def write(self, vals):
        if not self.env.su and not governance_apply_allowed(self.env):
            protected = PROTECTED_FIELDS.intersection(vals)
            if protected:
                raise UserError(
                    self.env._(
                        "These fields of a cancel request are set by its actions "
                        "(submit, approval) and cannot be written: %(fields)s",
                        fields=", ".join(sorted(protected)),
                    )
                )
            if CONTENT_FIELDS.intersection(vals):
                self._check_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        for request in self:
            if request.state != "draft" or request.review_ids:
                raise UserError(
                    self.env._(
                        "Cancel request %(request)s was submitted: it stays as a "
                        "record. Withdraw it instead.",
                        request=request.name,
                    )
                )

    def _check_editable(self):
        locked = self.filtered(lambda request: request.state not in EDITABLE_STATES)
        if locked:
            raise UserError(
                self.env._(
                    "Cancel request %(request)s was submitted and can no longer be "
                    "edited. Withdraw it and make a new request.",
                    request=locked[0].name,
                )
            )

    @api.model
    def _check_single_open(self, orders, exclude=None):
        """One open cancel request per order (besides ``exclude``)."""
        domain = [("order_id", "in", orders.ids), ("state", "in", OPEN_STATES)]
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
    # ACTIONS
    # ------------------------------------------------------------

    def action_submit(self):
        """Assess the order again, then request the reviews."""
        self.check_access("write")
        for request in self:
            request._check_submittable_state()
            # sudo: the assessment and review fields are protected.
            request.sudo()._governance_assess()
        self.action_submit_for_review()
        return True

    def action_cancel(self):
        """Withdraw the request; the order stays as it is."""
        self.check_access("write")
        for request in self:
            if request.state in ("done", "cancelled"):
                raise UserError(
                    self.env._(
                        "Cancel request %(request)s is already closed.",
                        request=request.name,
                    )
                )
        # sudo: the state is protected; write access was checked above.
        requests = self.sudo()
        for request in requests:
            request._review_lock()
            request._review_reviews()._cancel()
        requests.write({"state": "cancelled"})
        for request in requests:
            request._review_post(self.env._("Cancel request withdrawn."))
        return True

    def action_draft(self):
        self.check_access("write")
        if self.filtered(lambda request: request.state != "rejected"):
            raise UserError(
                self.env._("Only rejected cancel requests can be reopened.")
            )
        self._check_single_open(self.order_id, exclude=self)
        # sudo: the state is protected; write access was checked above.
        self.sudo().write({"state": "draft", "review_state": "not_submitted"})
        return True

    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }

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

    def _governance_assess(self):
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
        self.ensure_one()
        if self.state not in EDITABLE_STATES:
            raise UserError(
                self.env._(
                    "Cancel request %(request)s was already submitted.",
                    request=self.name,
                )
            )
        if self.order_id.state != "sale":
            raise UserError(
                self.env._(
                    "Order %(order)s is no longer confirmed: cancel request "
                    "%(request)s cannot be submitted.",
                    order=self.order_id.name,
                    request=self.name,
                )
            )
        self.order_id._governance_check_cancellable()

    def _governance_execute(self):
        """Cancel the order through Odoo once every review approved it."""
        self.ensure_one()
        order = self.order_id
        if order.state != "sale":
            raise UserError(
                self.env._(
                    "Order %(order)s is no longer confirmed: cancel request "
                    "%(request)s cannot be carried out.",
                    order=order.name,
                    request=self.name,
                )
            )
        order._governance_check_cancellable()
        was_required = self.cost_handling_required
        self._governance_assess()
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
        open_changes = order.change_request_ids.filtered(
            lambda request: (
                request.state in ("draft", "in_review", "approved", "rejected")
            )
        )
        if open_changes:
            open_changes.action_cancel()
        self.write({"state": "done", "done_at": fields.Datetime.now()})
        message = self.env._(
            "Order cancelled by cancel request %(request)s (%(reason)s). Pickings "
            "cancelled: %(pickings)s.",
            request=self.name,
            reason=self.reason_id.name,
            pickings=", ".join(pickings.mapped("name")) or "-",
        )
        self._review_post(message)
        order.message_post(
            body=Markup("<p>%s</p>") % message, subtype_xmlid="mail.mt_note"
        )

    # ------------------------------------------------------------
    # REVIEW ENGINE HOOKS
    # ------------------------------------------------------------

    def _review_order(self):
        return self.order_id

    def _review_owner_users(self):
        return self.order_id.user_id | self.requested_by_id

    def _review_responsible_user(self):
        return self.requested_by_id or self.order_id.user_id or self.create_uid

    def _review_check_submittable(self):
        for request in self:
            request._check_submittable_state()

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

    def _review_evidence_labels(self):
        return self.env["sale.order"]._review_evidence_labels()

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
                    format_amount(self.env, request.amount_total, request.currency_id),
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
        request = self.sudo()
        request.write({"state": "approved"})
        request._governance_execute()

    def _review_rejected(self, reviews, comment):
        res = super()._review_rejected(reviews, comment)
        # sudo: the reviewer only reads the request.
        self.sudo().write({"state": "rejected"})
        return res

    def _review_changes_requested(self, reviews, comment):
        res = super()._review_changes_requested(reviews, comment)
        # sudo: the reviewer only reads the request; back to its owner.
        self.sudo().write({"state": "draft"})
        return res

    def _review_reset(self, reason):
        res = super()._review_reset(reason)
        # sudo: the state is protected; the engine restarts the review.
        self.sudo().write({"state": "draft"})
        return res

    def _review_submit(self):
        res = super()._review_submit()
        if self.review_state == "in_review":
            # sudo: the state is protected; it follows the engine's.
            self.sudo().write({"state": "in_review"})
        return res
