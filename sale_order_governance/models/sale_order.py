# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib
from typing import NamedTuple

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero
from odoo.tools.translate import LazyTranslate

from . import governance_context as trust
from .governed_fields import GOVERNED_LINE_FIELDS, GOVERNED_ORDER_FIELDS

_lt = LazyTranslate(__name__)

# Order fields whose change sends a submitted order back through review.
REVIEW_RELEVANT_FIELDS = {"order_line", *GOVERNED_ORDER_FIELDS}
# The fingerprints of one confirmation (see _governance_confirmation_scope).
FINGERPRINTS_KEY = "sale_order_governance.confirmation_fingerprints"


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
    _review_applies_to = "order"
    _review_applies_to_name = _lt("Sales Order")
    # A quotation is submitted; it becomes a sales order once cleared.
    _review_state_from = ("draft", "sent")
    _review_state_to = ("sale",)

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
            # The same reasons decide the form's primary action (sale_order_ux.py).
            order.governance_confirm_blocked = bool(items)

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
        if (
            vals.get("state") == "sale"
            and len(vals) > 1
            and self._governance_split(vals)
        ):
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
            self._governance_forget_fingerprints()
            watched = self._governance_watched()
        res = super().write(vals)
        if watched or REVIEW_RELEVANT_FIELDS.intersection(vals):
            self._governance_forget_fingerprints()
        watched._review_check_fingerprint()
        return res

    def _governance_split(self, vals):
        """Whether the values written with a confirmation must be written
        before its state: always, but for the confirmation's own values
        (Odoo's order date) once its flags were checked, which change nothing
        the gate judges."""
        return not (
            trust.allowed(self.env, trust.FLAGS_FRESH)
            and not REVIEW_RELEVANT_FIELDS.intersection(vals)
        )

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

    def _governance_approval_holds(self):
        """Approved, for the content that is there now: an approval holds for
        the content that was reviewed only."""
        self.ensure_one()
        return (
            self.review_state == "approved"
            and self._governance_content_fingerprint()
            == self.governance_review_fingerprint
        )

    @contextlib.contextmanager
    def _governance_confirmation_scope(self):
        """Compute the fingerprint of each order's content once in this block.

        A confirmation asks whether the approval still holds up to three times
        (the flag check, Odoo's error check, the backstop of the state write).
        Inside the block the first answer is kept per order until the order or
        its lines are edited (``write``, line ``create``/``write``/``unlink``
        forget it); the memo ends with the outermost block.
        """
        with trust.memo(self.env, FINGERPRINTS_KEY):
            yield

    def _governance_content_fingerprint(self):
        """The fingerprint of the content there now (kept inside a
        confirmation scope)."""
        self.ensure_one()
        memo = self.env.cr.cache.get(FINGERPRINTS_KEY)
        if memo is None or not isinstance(self.id, int):
            return self._review_compute_fingerprint()
        if self.id not in memo:
            memo[self.id] = self._review_compute_fingerprint()
        return memo[self.id]

    def _governance_forget_fingerprints(self):
        memo = self.env.cr.cache.get(FINGERPRINTS_KEY)
        for order_id in self.ids if memo else ():
            memo.pop(order_id, None)

    def _governance_review_reasons(self):
        """The review engine's reasons: not submitted, in review, rejected,
        changed after its approval."""
        if self.state == "sale":
            return []
        if self.review_state == "approved":
            if self._governance_approval_holds():
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

    def _review_not_submittable_message(self):
        return self.env._(
            "Only quotations can be submitted for review; %(order)s is "
            "already confirmed or cancelled.",
            order=self.name,
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
        self._review_todo(self.env._("Reviews approved: confirm the order"))
