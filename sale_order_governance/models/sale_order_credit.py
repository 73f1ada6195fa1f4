# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date
from odoo.tools.translate import LazyTranslate

from .sale_order import BlockingReason

_lt = LazyTranslate(__name__)

# Computed credit fields of an order, refreshed before each gate decision.
CREDIT_ORDER_FIELDS = [
    "credit_exposure_receivable",
    "credit_exposure_orders",
    "credit_exposure_draft",
    "credit_exposure_order",
    "credit_exposure",
    "credit_overdue_amount",
    "credit_overdue_days",
    "credit_limit_active",
    "credit_limit_exceeded",
    "credit_blocked_reason",
    "credit_blocked",
]

# The exposure figures the customer's credit reasons read.
CREDIT_PARTNER_FIGURES = (
    "credit_overdue_days",
    "credit_overdue_amount",
    "credit_limit_active",
)

# Key, in the cursor's scratch cache, of the credit decisions taken during one
# confirmation and of the orders it confirms (see
# SaleOrder._credit_decision_scope).
CREDIT_DECISIONS_KEY = "sale_order_governance.credit_decisions"

# Line fields whose change may raise the amount of a confirmed order.
CREDIT_AMOUNT_LINE_FIELDS = {
    "product_id",
    "product_uom_qty",
    "product_uom",
    "price_unit",
    "discount",
    "tax_id",
}


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = [  # pylint: disable=consider-merging-classes-inherited
        "sale.order",
        "sale.credit.exposure.mixin",
    ]

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    credit_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    credit_exposure_order = fields.Monetary(
        string="This Order",
        compute="_compute_credit_exposure",
        currency_field="credit_currency_id",
        compute_sudo=True,
        help="What this order adds: its total, or what remains to invoice once "
        "it is confirmed.",
    )
    credit_exposure = fields.Monetary(
        compute="_compute_credit_exposure",
        currency_field="credit_currency_id",
        compute_sudo=True,
        help="Open receivables + confirmed orders not invoiced + draft invoices "
        "+ this order, for the commercial customer in this company, in company "
        "currency at today's rate.",
    )
    credit_blocked_reason = fields.Text(
        string="Credit Block",
        compute="_compute_credit_blocked_reason",
        compute_sudo=True,
        help="Why credit control stops this order (confirmation, or delivery "
        "once confirmed); empty when it may proceed.",
    )
    credit_blocked = fields.Boolean(
        string="Blocked by Credit Control",
        compute="_compute_credit_blocked_reason",
        search="_search_credit_blocked",
        compute_sudo=True,
    )
    credit_override_ids = fields.One2many(
        "sale.credit.override",
        "order_id",
        string="Credit Overrides",
        readonly=True,
        copy=False,
    )
    credit_override_count = fields.Integer(compute="_compute_credit_override_count")

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends(
        "partner_id",
        "company_id",
        "currency_id",
        "state",
        "order_line.price_total",
        "order_line.product_uom_qty",
        "order_line.qty_delivered",
        "order_line.qty_invoiced",
    )
    def _compute_credit_exposure(self):
        figures = self.env["sale.credit.exposure"]._order_figures(self)
        for order in self:
            order.update(figures[order])

    @api.depends(
        "state",
        "partner_id",
        "company_id",
        "amount_total",
        "credit_override_ids",
        "picking_ids.state",
    )
    def _compute_credit_blocked_reason(self):
        for order in self:
            reasons = []
            if order.state in ("draft", "sent"):
                reasons = order._credit_blocking_reasons("confirmation")
            elif order.state == "sale" and order._credit_pending_deliveries():
                reasons = order._credit_blocking_reasons("delivery")
            order.credit_blocked_reason = "\n".join(reasons) or False
            order.credit_blocked = bool(reasons)

    def _search_credit_blocked(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on credit-blocked orders."))
        candidates = self.search(
            [
                "|",
                ("state", "in", ("draft", "sent")),
                "&",
                ("state", "=", "sale"),
                (
                    "picking_ids",
                    "any",
                    [
                        ("state", "not in", ("done", "cancel")),
                        ("picking_type_code", "=", "outgoing"),
                    ],
                ),
            ]
        )
        blocked = candidates.filtered("credit_blocked")
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", blocked.ids)]

    @api.depends("credit_override_ids")
    def _compute_credit_override_count(self):
        for order in self:
            order.credit_override_count = len(order.credit_override_ids)

    # ------------------------------------------------------------
    # CRUD / HOOKS
    # ------------------------------------------------------------

    def _action_confirm(self):
        for order in self:
            override = order._credit_used_override()
            if override:
                order._review_post(
                    self.env._(
                        "Confirmed under the credit override of %(user)s (allows "
                        "%(amount)s until %(date)s).",
                        user=override.approved_by_id.name,
                        amount=self._format_money(
                            override.amount, override.currency_id
                        ),
                        date=format_date(self.env, override.expiry_date),
                    )
                )
        return super()._action_confirm()

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_credit_release(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_order_governance.sale_credit_release_action"
        )
        action["context"] = {"default_order_id": self.id}
        return action

    def action_open_credit_overrides(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_order_governance.sale_credit_override_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------
    # CONFIRMATION GATE
    # ------------------------------------------------------------

    def _governance_blocking_reason_items(self):
        items = super()._governance_blocking_reason_items()
        if self.state != "sale":
            # Quotations, and cancelled orders written back to "sale". Shown
            # in the credit banner of the form, not in the gate's.
            items += [
                BlockingReason("credit", reason, own_banner=True)
                for reason in self._credit_confirmation_decision()[0]
            ]
        return items

    def action_confirm(self):
        # Button, RPC, mass confirmation, portal and payment: the gate, the
        # state-write backstop and the override log share one decision.
        with self._credit_decision_scope():
            return super().action_confirm()

    def _validate_order(self):
        # Portal signature and checkout: the hold check and the confirmation
        # share one decision.
        with self._credit_decision_scope():
            return super()._validate_order()

    @contextlib.contextmanager
    def _credit_decision_scope(self):
        """Take the credit decision of an order once during this block.

        A confirmation asks the credit gate up to three times (its error
        check, the ``write`` backstop of the state, the override it relies
        on); each would recompute the exposure. Inside the block the first
        answer, computed on fresh figures, is kept per order and reused; it is
        forgotten when the outermost block ends, so that any later check
        reads the data again.

        The orders of the block are confirmed together: each is judged with
        the quotations of the same customer before it in the block, and the
        customer's credit decisions are serialised across transactions.
        """
        cache = self.env.cr.cache
        scope = cache.get(CREDIT_DECISIONS_KEY)
        if scope is not None:
            scope["batch"].extend(
                order_id for order_id in self.ids if order_id not in scope["batch"]
            )
            yield
            return
        cache[CREDIT_DECISIONS_KEY] = {"decisions": {}, "batch": list(self.ids)}
        try:
            # The review gate's checks of the same confirmation, likewise.
            with self._governance_confirmation_scope():
                yield
        finally:
            cache.pop(CREDIT_DECISIONS_KEY, None)

    def _credit_confirmation_decision(self):
        """``(reasons, override)`` of confirming this order now.

        ``reasons``: the credit reasons that stop it (empty when it may be
        confirmed); ``override``: the valid credit override it relies on, if
        credit control would stop it otherwise. Decided on fresh figures, once
        per order inside a :meth:`_credit_decision_scope`.
        """
        self.ensure_one()
        scope = self.env.cr.cache.get(CREDIT_DECISIONS_KEY)
        decisions = scope["decisions"] if scope is not None else None
        decision = decisions.get(self.id) if decisions is not None else None
        if decision is None:
            self._credit_refresh()
            batch = 0.0
            if scope is not None:
                # A confirmation: the orders confirmed with this one count,
                # and no other transaction decides for the customer meanwhile.
                self._credit_lock()
                batch = self._credit_batch_exposure(scope["batch"])
            # A cancelled order adds nothing to the exposure until it is back.
            extra = (
                self.env["sale.credit.exposure"]._order_open_amount(self)
                if self.state == "cancel"
                else 0.0
            )
            decision = self._credit_release(
                self._credit_raw_reasons("confirmation", extra=extra, batch=batch),
                extra=extra,
                batch=batch,
            )
            if decisions is not None and self.id:
                decisions[self.id] = decision
        reasons, override = decision
        return list(reasons), override

    def _governance_hold_unattended(self, event):
        """Credit-blocked orders accepted online also go to the controllers."""
        res = super()._governance_hold_unattended(event)
        for order in self:
            reasons = order._credit_blocking_reasons("confirmation")
            if reasons:
                order._credit_notify_controllers(event, reasons)
        return res

    def _governance_check_credit_on_increase(self, amount_increase=0.0):
        """Refuse growing a confirmed order of a customer blocked for credit.

        Call it after the increase is written (same transaction, so that a
        refusal rolls it back), or before with ``amount_increase``, the
        growth not yet on the order, in the order currency. A valid credit
        override that covers the new exposure lets the change through.
        """
        messages = []
        for order in self.filtered(lambda o: o.state == "sale"):
            order._credit_refresh()
            order._credit_lock()
            reasons = order._credit_blocking_reasons(
                "confirmation", extra=amount_increase
            )
            if reasons:
                messages.append(
                    self.env._(
                        "%(order)s cannot grow: %(reasons)s",
                        order=order.name,
                        reasons="\n".join(reasons),
                    )
                )
        if messages:
            raise UserError(
                self.env._(
                    "Credit control refuses this increase; ask a credit controller "
                    "to release the order first.\n%(messages)s",
                    messages="\n".join(messages),
                )
            )
        return True

    def _credit_check_growth(self, amounts_before):
        """Re-check credit for the confirmed orders whose total went up."""
        grown = self.filtered(
            lambda order: (
                order.currency_id.compare_amounts(
                    order.amount_total, amounts_before.get(order.id, 0.0)
                )
                > 0
            )
        )
        if grown:
            grown._governance_check_credit_on_increase()
