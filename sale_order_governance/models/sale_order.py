# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from typing import NamedTuple

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero, format_amount, format_date
from odoo.tools.translate import LazyTranslate

from . import governance_context as trust
from .governed_fields import GOVERNED_LINE_FIELDS, GOVERNED_ORDER_FIELDS

_lt = LazyTranslate(__name__)

# Order fields whose change sends a submitted order back through review.
REVIEW_RELEVANT_FIELDS = {"order_line", *GOVERNED_ORDER_FIELDS}


class BlockingReason(NamedTuple):
    """Why an order may not be confirmed: one translated sentence.

    ``kind`` names the rule (``review``, ``credit``, ...); ``own_banner``
    says the order form shows it in a banner of its own (credit control),
    not among the reasons of ``governance_blocking_reason``.
    """

    kind: str
    message: str
    own_banner: bool = False


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "sale.governance.review.mixin"]

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    governance_review_ids = fields.One2many(
        "sale.order.review",
        "order_id",
        string="Reviews",
        domain=[("res_model", "=", "sale.order")],
        copy=False,
        readonly=True,
    )
    governance_review_count = fields.Integer(
        string="Review Count", compute="_compute_review_count"
    )
    governance_blocking_reason = fields.Text(
        string="Why It Cannot Be Confirmed",
        compute="_compute_governance_blocking_reason",
    )
    governance_held_online = fields.Boolean(
        string="Accepted Online, On Hold",
        copy=False,
        readonly=True,
        help="The customer signed or paid this quotation online while it could "
        "not be confirmed yet; it waits for its reviews.",
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("governance_review_ids")
    def _compute_review_count(self):
        counts = dict(
            self.env["sale.order.review"]._read_group(
                [("order_id", "in", self.ids), ("res_model", "=", "sale.order")],
                ["order_id"],
                ["__count"],
            )
        )
        for order in self:
            order.governance_review_count = counts.get(order, 0)

    @api.depends("state", "review_state", "order_line", "partner_id")
    def _compute_governance_blocking_reason(self):
        for order in self:
            items = (
                order._governance_blocking_reason_items()
                if order.state in ("draft", "sent")
                else []
            )
            order.governance_blocking_reason = (
                "\n".join(item.message for item in items if not item.own_banner)
                or False
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # An order created confirmed passes the gate like any confirmation: it
        # is created as a quotation, then its state is written (see write).
        vals_list = [dict(vals) for vals in vals_list]
        states = [
            vals.pop("state") if vals.get("state") == "sale" else None
            for vals in vals_list
        ]
        orders = super().create(vals_list)
        for order, state in zip(orders, states, strict=True):
            if state:
                order.write({"state": state})
        return orders

    def write(self, vals):
        if vals.get("state") == "sale" and len(vals) > 1:
            # The other values first, so that the gate judges what is
            # confirmed (an edit written with the state resets the review).
            others = dict(vals)
            state = others.pop("state")
            # Still part of the confirmation for add-ons that lock the order
            # until then (see sale_order_tier_validation.py).
            with trust.trusted(self.env, trust.CONFIRMING):
                self.write(others)
            return self.write({"state": state})
        if vals.get("state") == "sale":
            # Backstop for code that confirms by writing the state directly,
            # from any state: quotation, sent or cancelled.
            for order in self.filtered(lambda o: o.state != "sale"):
                reasons = order._governance_blocking_reasons()
                if reasons:
                    raise UserError(order._governance_blocking_message(reasons))
        watched = self.browse()
        if REVIEW_RELEVANT_FIELDS.intersection(vals):
            watched = self._governance_watched()
        res = super().write(vals)
        watched._review_check_fingerprint()
        return res

    def _action_cancel(self):
        """A cancelled order loses its approval: set back to quotation, it is
        reviewed again before it can be confirmed."""
        res = super()._action_cancel()
        voided = self.filtered(lambda order: order.review_state != "not_submitted")
        voided._review_reset(self.env._("the order was cancelled"))
        return res

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_order_governance.sale_order_review_action"
        )
        action["domain"] = [("order_id", "=", self.id), ("res_model", "=", self._name)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------
    # CONFIRMATION GATE
    # ------------------------------------------------------------

    def _governance_blocking_reasons(self):
        """Why this order may not be confirmed now; empty list when it may.

        Reads stored data only (never the current user), so it answers the
        same for a salesperson, a portal customer, a payment or a cron.
        """
        return [item.message for item in self._governance_blocking_reason_items()]

    def _governance_blocking_reason_items(self):
        """The reasons of :meth:`_governance_blocking_reasons`, structured.

        A list of :class:`BlockingReason`; each rule of the gate adds its own.
        """
        self.ensure_one()
        return [
            BlockingReason("review", message)
            for message in self._governance_review_reasons()
        ]

    def _governance_review_reasons(self):
        """The review engine's reasons: not submitted, in review, rejected,
        changed after its approval."""
        if self.state == "sale":
            return []
        if self.review_state == "approved":
            if self._review_compute_fingerprint() == self.governance_review_fingerprint:
                return []
            # An approval holds for the content that was reviewed only.
            return [
                self.env._(
                    "Order %(order)s was changed after its reviews approved it: "
                    "submit it for review again.",
                    order=self.name,
                )
            ]
        if self.review_state == "in_review":
            waiting = self.governance_review_ids.filtered(
                lambda r: r.state == "pending"
            )
            return [
                self.env._(
                    "Order %(order)s is still in review, waiting for: %(stages)s.",
                    order=self.name,
                    stages=", ".join(waiting.mapped("stage_id.name")),
                )
            ]
        if self.review_state == "rejected":
            rejected = self.governance_review_ids.filtered(
                lambda r: r.state == "rejected"
            )[:1]
            return [
                self.env._(
                    "Order %(order)s was rejected at review %(stage)s (%(reason)s). "
                    "Correct it and submit it for review again.",
                    order=self.name,
                    stage=rejected.stage_id.name,
                    reason=rejected.comment,
                )
            ]
        if self._review_applicable_stages():
            return [
                self.env._(
                    "Order %(order)s must be reviewed before it is confirmed: "
                    "use Submit for Review.",
                    order=self.name,
                )
            ]
        return []

    def _governance_blocking_message(self, reasons):
        return self.env._(
            "The order cannot be confirmed yet.\n%(reasons)s",
            reasons="\n".join(reasons),
        )

    def _confirmation_error_message(self):
        message = super()._confirmation_error_message()
        if message:
            return message
        reasons = self._governance_blocking_reasons()
        return self._governance_blocking_message(reasons) if reasons else False

    def _validate_order(self):
        """Unattended confirmation (portal signature, checkout): never raise.

        A signed or paid quotation that may not be confirmed yet is kept as a
        sent quotation, put through review and handed to its salesperson.
        """
        held = self.filtered(lambda order: order._governance_blocking_reasons())
        held._governance_hold_unattended(
            self.env._("The customer accepted the quotation online")
        )
        return super(SaleOrder, self - held)._validate_order()

    def _governance_hold_unattended(self, event):
        """Keep a blocked order visible and actionable instead of failing."""
        for order in self:
            # sudo: called from the portal, payment and checkout flows.
            order = order.sudo()
            if order.state == "draft":
                order.with_context(tracking_disable=True).action_quotation_sent()
            order._governance_engine_write({"governance_held_online": True})
            if order.review_state in ("not_submitted", "rejected", "changes"):
                missing = order._review_missing_items()
                if not missing:
                    try:
                        with self.env.cr.savepoint():
                            order.with_user(
                                order.user_id or order.create_uid
                            )._review_submit()
                    except UserError as error:
                        missing = [str(error)]
                if missing:
                    order._review_post(
                        self.env._(
                            "Could not submit for review: %(items)s",
                            items=", ".join(missing),
                        )
                    )
            reasons = order._governance_blocking_reasons()
            note = self.env._(
                "%(event)s, but the order cannot be confirmed yet: %(reasons)s "
                "Confirm it once it is cleared.",
                event=event,
                reasons=" ".join(reasons),
            )
            order._review_post(note)
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Accepted online: confirm once cleared"),
                note=note,
                user_id=(order.user_id or order.create_uid).id,
            )

    def _governance_demo_approve(self):
        """Demo data: each quotation is submitted by its salesperson and every
        review approved by one of its reviewers, step by step."""
        for order in self:
            order.with_user(order.user_id).action_submit_for_review()
            pending = order.governance_review_ids.filtered(
                lambda review: review.state == "pending"
            )
            while pending:
                for review in pending:
                    review.with_user(review.reviewer_user_ids[:1]).action_approve()
                pending = order.governance_review_ids.filtered(
                    lambda review: review.state == "pending"
                )

    # ------------------------------------------------------------
    # REVIEW ENGINE HOOKS
    # ------------------------------------------------------------

    def _review_order(self):
        return self

    def _review_owner_users(self):
        return self.user_id

    def _review_responsible_user(self):
        return self.user_id or self.create_uid

    def _review_check_submittable(self):
        for order in self:
            if order.state not in ("draft", "sent"):
                raise UserError(
                    self.env._(
                        "Only quotations can be submitted for review; %(order)s is "
                        "already confirmed or cancelled.",
                        order=order.name,
                    )
                )
            if order.review_state == "in_review":
                raise UserError(
                    self.env._(
                        "%(order)s is already in review.",
                        order=order.name,
                    )
                )

    def _review_missing_items(self):
        self.ensure_one()
        rules = (
            self.env["sale.governance.required.field"]
            .sudo()
            .search([("company_id", "in", [False, self.company_id.id])])
        )
        missing = rules._missing_labels(self)
        product_lines = self.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )
        if not product_lines:
            missing.append(self.env._("Order lines"))
        if product_lines.filtered(lambda line: not line.product_id):
            missing.append(self.env._("A product on every line"))
        if self.company_id.governance_require_line_prices:
            unpriced = product_lines.filtered(
                lambda line: (
                    line.product_id
                    and float_is_zero(
                        line.price_unit, precision_rounding=self.currency_id.rounding
                    )
                )
            )
            if unpriced:
                missing.append(
                    self.env._(
                        "A price for %(products)s",
                        products=", ".join(unpriced.mapped("product_id.display_name")),
                    )
                )
        return list(dict.fromkeys(missing))

    def _review_fingerprint_values(self):
        """Every commercial term the reviewers approved, lines included."""
        self.ensure_one()
        return (
            [self._governance_field_key(self, name) for name in GOVERNED_ORDER_FIELDS],
            sorted(
                (
                    line.id,
                    [
                        self._governance_field_key(line, name)
                        for name in GOVERNED_LINE_FIELDS
                    ],
                )
                for line in self.order_line
            ),
        )

    @api.model
    def _governance_field_key(self, record, name):
        """A stable, comparable form of ``record[name]`` for fingerprints."""
        value = record[name]
        if isinstance(value, models.BaseModel):
            return tuple(sorted(value.ids))
        if isinstance(value, float):
            return repr(value)
        return str(value or "")

    def _governance_watched(self):
        """Orders whose review a relevant edit must restart."""
        return self.filtered(
            lambda order: (
                order.state in ("draft", "sent")
                and order.review_state in ("in_review", "approved")
            )
        )

    def _review_approved(self):
        responsible = self._review_responsible_user()
        if responsible:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Reviews approved: confirm the order"),
                user_id=responsible.id,
            )

    # ------------------------------------------------------------
    # EVIDENCE
    # ------------------------------------------------------------

    def _review_evidence_labels(self):
        labels = super()._review_evidence_labels()
        labels.update(
            {
                "amount_total": _lt("Total"),
                "amount_due": _lt("Receivable due"),
                "overdue_amount": _lt("Overdue amount"),
                "overdue_days": _lt("Oldest overdue (days)"),
                "margin": _lt("Margin"),
                "margin_percent": _lt("Margin (%)"),
                "max_discount": _lt("Largest discount (%)"),
                "below_pricelist": _lt("Lines below the pricelist price"),
                "payment_term": _lt("Payment terms"),
                "customer": _lt("Customer"),
                "requested_date": _lt("Requested delivery date"),
                "product": _lt("Product"),
                "quantity": _lt("Ordered"),
                "forecast": _lt("Forecast at date"),
                "date": _lt("Date"),
                "short": _lt("Short"),
                "lead_days": _lt("Lead time (days)"),
                "earliest": _lt("Earliest possible date"),
                "late": _lt("Late"),
            }
        )
        return labels

    def _review_evidence(self, department):
        self.ensure_one()
        # sudo: evidence is read from accounting and stock on the reviewer's
        # behalf; only what is needed for the decision is kept.
        order = self.sudo().with_company(self.company_id)
        builders = {
            "finance": order._review_evidence_finance,
            "warehouse": order._review_evidence_warehouse,
            "production": order._review_evidence_production,
            "management": order._review_evidence_management,
        }
        builder = builders.get(department, order._review_evidence_general)
        return builder()

    def _format_money(self, amount, currency=None):
        return format_amount(self.env, amount, currency or self.currency_id)

    def _review_evidence_general(self):
        return {
            "items": [
                ["customer", self.partner_id.display_name],
                [
                    "amount_total",
                    self._evidence_money(self.amount_total, self.currency_id),
                ],
                ["payment_term", self.payment_term_id.name or ""],
                [
                    "requested_date",
                    format_date(self.env, self.commitment_date)
                    if self.commitment_date
                    else "",
                ],
            ]
        }

    def _review_receivable_figures(self):
        """Open receivables, overdue amount and oldest overdue days of the
        customer in this company: the figures of its credit exposure
        (``sale.credit.exposure``)."""
        # sudo: the figures come from accounting, whoever reviews the order.
        order = self.sudo()
        return (
            order.credit_exposure_receivable,
            order.credit_overdue_amount,
            order.credit_overdue_days,
        )

    def _review_discount_figures(self):
        lines = self.order_line.filtered(
            lambda line: line.product_id and not line.display_type
        )
        max_discount = max(lines.mapped("discount"), default=0.0)
        below = lines.filtered(
            lambda line: (
                line.price_unit * (1 - line.discount / 100.0)
                < line._get_pricelist_price() - self.currency_id.rounding
            )
        )
        return max_discount, len(below)

    def _review_evidence_finance(self):
        due, overdue, days = self._review_receivable_figures()
        max_discount, below = self._review_discount_figures()
        company_currency = self.company_id.currency_id
        return {
            "items": [
                ["customer", self.partner_id.commercial_partner_id.display_name],
                [
                    "amount_total",
                    self._evidence_money(self.amount_total, self.currency_id),
                ],
                ["amount_due", self._evidence_money(due, company_currency)],
                ["overdue_amount", self._evidence_money(overdue, company_currency)],
                ["overdue_days", days],
                ["payment_term", self.payment_term_id.name or ""],
                ["margin_percent", round(self.margin_percent * 100, 2)],
                ["max_discount", max_discount],
                ["below_pricelist", below],
            ]
        }

    def _review_evidence_warehouse(self):
        lines = []
        for line in self.order_line.filtered(lambda line: line.is_storable):
            forecast = line.virtual_available_at_date or 0.0
            lines.append(
                {
                    "product": line.product_id.display_name,
                    "quantity": line.product_uom_qty,
                    "forecast": forecast,
                    "date": format_date(self.env, line.scheduled_date)
                    if line.scheduled_date
                    else "",
                    "short": max(line.product_uom_qty - forecast, 0.0),
                }
            )
        return {
            "items": self._review_evidence_general()["items"][3:],
            "lines": lines,
        }

    def _review_evidence_production(self):
        now = fields.Datetime.now()
        requested = self.commitment_date
        lines = []
        for line in self.order_line.filtered(lambda line: line.product_id.is_storable):
            product = line.product_id
            lead = max(
                [product.sale_delay, line.customer_lead]
                + product.seller_ids.mapped("delay")
            )
            earliest = now + timedelta(days=lead)
            lines.append(
                {
                    "product": product.display_name,
                    "quantity": line.product_uom_qty,
                    "lead_days": lead,
                    "earliest": format_date(self.env, earliest),
                    "late": bool(requested and earliest > requested),
                }
            )
        return {
            "items": self._review_evidence_general()["items"][3:],
            "lines": lines,
        }

    def _review_evidence_management(self):
        max_discount, below = self._review_discount_figures()
        return {
            "items": [
                ["customer", self.partner_id.display_name],
                [
                    "amount_total",
                    self._evidence_money(self.amount_total, self.currency_id),
                ],
                ["margin", self._evidence_money(self.margin, self.currency_id)],
                ["margin_percent", round(self.margin_percent * 100, 2)],
                ["max_discount", max_discount],
                ["below_pricelist", below],
            ]
        }
