# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_amount, format_datetime
from odoo.tools.translate import LazyTranslate

from .sale_governance_request_mixin import (
    REQUEST_CONTENT_FIELDS,
    REQUEST_PROTECTED_FIELDS,
)
from .sale_order_change import (
    ORDER_PROGRESS,
    STARTED_PROGRESS,
    governance_apply,
)

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
    state = fields.Selection(
        selection_add=[("applied", "Applied"), ("cancelled",)],
        ondelete={"applied": "set default"},
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

    def _governance_snapshot(self):
        """Record the order as it is now: what the request is based on."""
        self.ensure_one()
        order = self.order_id
        assessment = order._governance_assessment()
        self.write(
            {
                "order_fingerprint": order._governance_change_fingerprint(),
                "order_progress": assessment["progress"],
                "old_commitment_date": order.commitment_date,
            }
        )
        for line in self.line_ids.filtered("sale_line_id"):
            sale_line = line.sale_line_id
            vals = {
                "old_qty": sale_line.product_uom_qty,
                "old_price_unit": sale_line.price_unit,
                "old_discount": sale_line.discount,
            }
            # Values the request leaves unchanged follow the order, so that a
            # line nobody touched never turns into a change.
            if not line._qty_changes():
                vals["new_qty"] = sale_line.product_uom_qty
            if not line._value_changes("new_price_unit", "old_price_unit"):
                vals["new_price_unit"] = sale_line.price_unit
            if not line._value_changes("new_discount", "old_discount"):
                vals["new_discount"] = sale_line.discount
            line.write(vals)

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
            if (
                float_compare(
                    line.new_qty, sale_line.qty_delivered, precision_digits=precision
                )
                < 0
            ):
                problems.append(
                    self.env._(
                        "%(product)s: the new quantity %(new)s is below the %(done)s "
                        "already delivered.",
                        product=line.product_id.display_name,
                        new=line.new_qty,
                        done=sale_line.qty_delivered,
                    )
                )
            if (
                float_compare(
                    line.new_qty, sale_line.qty_invoiced, precision_digits=precision
                )
                < 0
            ):
                problems.append(
                    self.env._(
                        "%(product)s: the new quantity %(new)s is below the %(done)s "
                        "already invoiced.",
                        product=line.product_id.display_name,
                        new=line.new_qty,
                        done=sale_line.qty_invoiced,
                    )
                )
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
        if order.state != "sale":
            raise UserError(
                self.env._(
                    "Order %(order)s is no longer confirmed: change request "
                    "%(request)s cannot be applied.",
                    order=order.name,
                    request=self.name,
                )
            )
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
            # sudo: the state is protected; write access was checked.
            self.sudo().write(
                {
                    "state": "applied",
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
        self._review_post(message)
        # sudo: once the salesperson changed, the applier may no longer see
        # the order; the note stays theirs.
        order.sudo().message_post(
            body=Markup("<p>%s</p>") % message,
            author_id=self.env.user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )

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

    # ------------------------------------------------------------
    # REVIEW ENGINE HOOKS
    # ------------------------------------------------------------

    def _review_missing_items(self):
        self.ensure_one()
        missing = []
        if not (self.reason or "").strip():
            missing.append(self.env._("Reason"))
        changed = self.line_ids.filtered(lambda line: line.change_type != "none")
        if not self._has_changes():
            missing.append(self.env._("At least one change to the order"))
        for line in changed.filtered(lambda line: line.change_type == "add"):
            if not line.product_id:
                missing.append(self.env._("A product on every new line"))
            elif line.new_qty <= 0:
                missing.append(
                    self.env._(
                        "A quantity for the new line %(product)s",
                        product=line.product_id.display_name,
                    )
                )
        for line in changed.filtered(lambda line: line.change_type == "update"):
            if line.new_qty < 0 or line.new_price_unit < 0:
                missing.append(
                    self.env._(
                        "A positive quantity and price for %(product)s",
                        product=line.product_id.display_name,
                    )
                )
        if self.loss_required:
            if not self.loss_borne_by:
                missing.append(
                    self.env._(
                        "Who bears the loss (the order is in production or shipped)"
                    )
                )
            elif (
                self.loss_borne_by != "none"
                and self.currency_id.compare_amounts(self.loss_amount, 0.0) <= 0
            ):
                missing.append(
                    self.env._(
                        "The loss amount (the order is in production or shipped)"
                    )
                )
        problems = self._governance_problems()
        return missing + problems

    def _review_fingerprint_values(self):
        self.ensure_one()
        return (
            self.order_id.id,
            self.order_fingerprint or "",
            self.order_progress or "",
            self.reason,
            str(self.new_commitment_date or ""),
            self.loss_amount,
            self.loss_borne_by or "",
            sorted(line._review_fingerprint_values() for line in self.line_ids),
        )

    def _review_evidence(self, department):
        self.ensure_one()
        # sudo: reviewers read the evidence of what they decide on; only the
        # figures needed for the decision are kept.
        request = self.sudo().with_company(self.company_id)
        currency = request.currency_id
        company_currency = request.company_id.currency_id
        progress = dict(
            request._fields["order_progress"]._description_selection(self.env)
        )
        bearers = dict(
            request._fields["loss_borne_by"]._description_selection(self.env)
        )
        items = [
            ["request", request.name],
            ["order", request.order_id.name],
            ["customer", request.partner_id.display_name],
            ["reason", request.reason or ""],
            ["order_progress", progress.get(request.order_progress, "")],
            ["amount_delta", self._evidence_money(request.amount_delta, currency)],
        ]
        if department in ("finance", "management", "sales"):
            items += [
                [
                    "margin_delta",
                    self._evidence_money(request.margin_delta, currency),
                ],
                [
                    "new_credit_exposure",
                    self._evidence_money(request.new_credit_exposure, company_currency),
                ],
            ]
        if request.touches_date:
            items.append(
                [
                    "new_commitment_date",
                    format_datetime(self.env, request.new_commitment_date),
                ]
            )
        if request.loss_required or request.loss_borne_by:
            items += [
                ["loss_amount", self._evidence_money(request.loss_amount, currency)],
                ["loss_borne_by", bearers.get(request.loss_borne_by, "")],
            ]
        items.append(["pickings", ", ".join(request.picking_ids.mapped("name"))])
        change_types = dict(
            request.line_ids._fields["change_type"]._description_selection(self.env)
        )
        lines = [
            {
                "product": line.product_id.display_name,
                "change": change_types[line.change_type],
                "old_qty": line.old_qty,
                "new_qty": line._effective_new_qty(),
                "old_price": line.old_price_unit,
                "new_price": line.new_price_unit,
                "old_discount": line.old_discount,
                "new_discount": line.new_discount,
                "delivered": line.sale_line_id.qty_delivered,
                "invoiced": line.sale_line_id.qty_invoiced,
            }
            for line in request.line_ids
            if line.change_type != "none"
        ]
        return {"items": items, "lines": lines}

    def _review_approved(self):
        # sudo: the last reviewer only reads the request.
        self.sudo().write({"state": "approved"})
        responsible = self._review_responsible_user()
        if responsible:
            # sudo: the reviewer may not write on the request.
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Change approved: apply it to the order"),
                user_id=responsible.id,
            )


class SaleOrderChangeRequestLine(models.Model):
    _name = "sale.order.change.request.line"
    _description = "Sales Order Change Request Line"
    _order = "request_id, sequence, id"
    _check_company_auto = True

    request_id = fields.Many2one(
        "sale.order.change.request",
        string="Change Request",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    order_id = fields.Many2one(related="request_id.order_id")
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="request_id.currency_id")
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Order Line",
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('order_id', '=', order_id), ('display_type', '=', False), "
        "('is_downpayment', '=', False)]",
        help="The order line to change; leave empty to add a new line.",
    )
    product_id = fields.Many2one(
        "product.product",
        compute="_compute_product_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain=[("sale_ok", "=", True)],
    )
    product_uom_id = fields.Many2one(
        "uom.uom", string="Unit", compute="_compute_product_uom_id"
    )
    old_qty = fields.Float(
        string="Quantity Before",
        digits="Product Unit of Measure",
        compute="_compute_old_values",
        store=True,
        readonly=True,
        precompute=True,
    )
    old_price_unit = fields.Float(
        string="Price Before",
        digits="Product Price",
        compute="_compute_old_values",
        store=True,
        readonly=True,
        precompute=True,
    )
    old_discount = fields.Float(
        string="Discount Before (%)",
        digits="Discount",
        compute="_compute_old_values",
        store=True,
        readonly=True,
        precompute=True,
    )
    new_qty = fields.Float(
        string="New Quantity",
        digits="Product Unit of Measure",
        compute="_compute_new_values",
        store=True,
        readonly=False,
        precompute=True,
    )
    new_price_unit = fields.Float(
        string="New Price",
        digits="Product Price",
        compute="_compute_new_values",
        store=True,
        readonly=False,
        precompute=True,
    )
    new_discount = fields.Float(
        string="New Discount (%)",
        digits="Discount",
        compute="_compute_new_values",
        store=True,
        readonly=False,
        precompute=True,
    )
    remove = fields.Boolean(help="Remove the line: its quantity is set to zero.")
    qty_delivered = fields.Float(
        related="sale_line_id.qty_delivered", string="Delivered"
    )
    qty_invoiced = fields.Float(related="sale_line_id.qty_invoiced", string="Invoiced")
    change_type = fields.Selection(
        [
            ("none", "No Change"),
            ("update", "Change"),
            ("add", "New Line"),
            ("remove", "Removal"),
        ],
        string="Change",
        compute="_compute_change_type",
        store=True,
    )
    amount_delta = fields.Monetary(
        string="Total Change", compute="_compute_deltas", store=True
    )
    amount_untaxed_delta = fields.Monetary(
        string="Untaxed Change", compute="_compute_deltas", store=True
    )
    margin_delta = fields.Monetary(
        string="Margin Change", compute="_compute_deltas", store=True
    )

    _sql_constraints = [
        (
            "sale_line_unique",
            "UNIQUE(request_id, sale_line_id)",
            "An order line can be changed only once per change request.",
        ),
    ]

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("sale_line_id")
    def _compute_product_id(self):
        for line in self:
            if line.sale_line_id:
                line.product_id = line.sale_line_id.product_id

    @api.depends("sale_line_id", "product_id")
    def _compute_product_uom_id(self):
        for line in self:
            line.product_uom_id = (
                line.sale_line_id.product_uom or line.product_id.uom_id
            )

    @api.depends("sale_line_id")
    def _compute_old_values(self):
        for line in self:
            sale_line = line.sale_line_id
            line.old_qty = sale_line.product_uom_qty
            line.old_price_unit = sale_line.price_unit
            line.old_discount = sale_line.discount

    @api.depends("sale_line_id", "product_id")
    def _compute_new_values(self):
        for line in self:
            sale_line = line.sale_line_id
            if sale_line:
                line.new_qty = sale_line.product_uom_qty
                line.new_price_unit = sale_line.price_unit
                line.new_discount = sale_line.discount
            elif line.product_id:
                line.new_qty = line.new_qty or 1.0
                line.new_price_unit = line._pricelist_price()
                line.new_discount = line.new_discount or 0.0
            else:
                line.new_qty = line.new_qty or 0.0
                line.new_price_unit = line.new_price_unit or 0.0
                line.new_discount = line.new_discount or 0.0

    @api.depends(
        "sale_line_id",
        "product_id",
        "remove",
        "old_qty",
        "new_qty",
        "old_price_unit",
        "new_price_unit",
        "old_discount",
        "new_discount",
    )
    def _compute_change_type(self):
        for line in self:
            if not line.sale_line_id:
                line.change_type = "add" if line.product_id else "none"
            elif line.remove:
                line.change_type = "remove"
            elif line._qty_changes() or line._price_changes():
                line.change_type = "update"
            else:
                line.change_type = "none"

    @api.depends("change_type", "new_qty", "new_price_unit", "new_discount")
    def _compute_deltas(self):
        for line in self:
            if line.change_type == "none" or not line.product_id:
                line.amount_delta = line.amount_untaxed_delta = line.margin_delta = 0.0
                continue
            old_untaxed, old_total, old_margin = line._amounts(
                line.old_qty if line.sale_line_id else 0.0,
                line.old_price_unit,
                line.old_discount,
                line._taxes(),
            )
            new_untaxed, new_total, new_margin = line._amounts(
                line._effective_new_qty(),
                line.new_price_unit,
                line.new_discount,
                line._new_taxes(),
            )
            line.amount_untaxed_delta = new_untaxed - old_untaxed
            line.amount_delta = new_total - old_total
            line.margin_delta = new_margin - old_margin

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    # The content reviewers decide on is frozen with its request, under sudo
    # too: lines are neither created in, moved into or out of, edited in nor
    # deleted from a request that is not editable.
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._check_derived_values(vals_list)
        default_request = self.env.context.get("default_request_id")
        request_ids = {vals.get("request_id", default_request) for vals in vals_list}
        self.env["sale.order.change.request"].browse(
            [request_id for request_id in request_ids if request_id]
        ).exists()._check_editable()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_derived_values([vals])
        self.request_id._check_editable()
        if vals.get("request_id"):
            self.request_id.browse(vals["request_id"])._check_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        self.request_id.exists()._check_editable()

    def _check_derived_values(self, vals_list):
        """Refuse client values of what the request derives from the order."""
        derived = {
            name
            for name, field in self._fields.items()
            if field.related or (field.compute and field.readonly)
        }
        given = {name for vals in vals_list for name in derived if name in vals}
        if given:
            raise UserError(
                self.env._(
                    "These fields of a change request line are taken from the "
                    "order and the change, and cannot be written: %(fields)s",
                    fields=", ".join(sorted(given)),
                )
            )

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _review_fingerprint_values(self):
        """What reviewers approve of this line."""
        self.ensure_one()
        return (
            self.id,
            self.sale_line_id.id,
            self.product_id.id,
            self.change_type or "",
            self.old_qty,
            self.new_qty,
            self.old_price_unit,
            self.new_price_unit,
            self.old_discount,
            self.new_discount,
            self.remove,
        )

    def _precision(self, name):
        digits = self._fields[name].get_digits(self.env)
        return digits[1] if digits else 6

    def _value_changes(self, new_field, old_field):
        self.ensure_one()
        return bool(
            float_compare(
                self[new_field],
                self[old_field],
                precision_digits=self._precision(new_field),
            )
        )

    def _qty_changes(self):
        return self._value_changes("new_qty", "old_qty")

    def _price_changes(self):
        return self._value_changes(
            "new_price_unit", "old_price_unit"
        ) or self._value_changes("new_discount", "old_discount")

    def _effective_new_qty(self):
        self.ensure_one()
        return 0.0 if self.remove else self.new_qty

    def _taxes(self):
        self.ensure_one()
        if self.sale_line_id:
            return self.sale_line_id.tax_id
        order = self.request_id.order_id
        taxes = self.product_id.taxes_id._filter_taxes_by_company(order.company_id)
        return order.fiscal_position_id.map_tax(taxes)

    def _cost(self):
        self.ensure_one()
        if self.sale_line_id:
            return self.sale_line_id.purchase_price
        order = self.request_id.order_id
        product = self.product_id.with_company(order.company_id)
        return product.cost_currency_id._convert(
            product.standard_price,
            order.currency_id,
            order.company_id,
            order.date_order or fields.Date.context_today(self),
        )

    def _new_taxes(self):
        """The taxes of the line once the change is applied."""
        return self._taxes()

    def _amounts(self, qty, price_unit, discount, taxes):
        """Untaxed amount, total and margin of ``qty`` at this price."""
        self.ensure_one()
        currency = self.request_id.currency_id
        order = self.request_id.order_id
        price = price_unit * (1 - (discount or 0.0) / 100.0)
        untaxed = currency.round(price * qty) if currency else price * qty
        total = untaxed
        if taxes and currency:
            total = taxes.compute_all(
                price,
                currency=currency,
                quantity=qty,
                product=self.product_id,
                partner=order.partner_shipping_id,
            )["total_included"]
        margin = untaxed - self._cost() * qty
        return untaxed, total, margin

    def _pricelist_price(self):
        self.ensure_one()
        order = self.request_id.order_id
        if not order.pricelist_id:
            return self.product_id.lst_price
        return order.pricelist_id._get_product_price(
            self.product_id,
            self.new_qty or 1.0,
            currency=order.currency_id,
            date=order.date_order,
        )

    def _prepare_sale_line_update_vals(self):
        """What the change writes on its order line."""
        self.ensure_one()
        vals = {
            # Written with the quantity so that a pricelist never silently
            # reprices what the reviewers approved.
            "price_unit": self.new_price_unit,
            "discount": self.new_discount,
        }
        if self._qty_changes():
            vals["product_uom_qty"] = self.new_qty
        return vals

    def _prepare_sale_line_vals(self):
        self.ensure_one()
        return {
            "product_id": self.product_id.id,
            "product_uom_qty": self.new_qty,
            "price_unit": self.new_price_unit,
            "discount": self.new_discount,
        }
