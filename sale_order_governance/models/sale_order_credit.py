# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date
from odoo.tools.sql import create_index
from odoo.tools.translate import LazyTranslate

from .sale_credit_decision import credit_today
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

    # ------------------------------------------------------------
    # CREDIT LOGIC
    # ------------------------------------------------------------

    def _credit_refresh(self):
        """Forget cached credit figures: the gate decides on current data."""
        self.invalidate_recordset(CREDIT_ORDER_FIELDS)

    def _credit_pending_deliveries(self):
        self.ensure_one()
        return self.picking_ids.filtered(
            lambda picking: (
                picking.state not in ("done", "cancel")
                and picking._credit_is_customer_delivery()
            )
        )

    def _credit_prepaid_amount(self):
        """Paid in advance on this order, in the order currency.

        Online transactions (authorized or done) plus the paid part of its
        posted invoices, down payments included, not paid by those same
        transactions.
        """
        self.ensure_one()
        # sudo: transactions and invoices are read for the gate, whoever runs it.
        order = self.sudo()
        today = fields.Date.context_today(self)
        transactions = order.transaction_ids.filtered(
            lambda tx: tx.state in ("authorized", "done")
        )
        paid = sum(
            tx.currency_id._convert(
                tx.amount, order.currency_id, order.company_id, today, round=False
            )
            for tx in transactions
        )
        invoices = order.invoice_ids.filtered(
            lambda move: (
                move.state == "posted"
                and move.move_type in ("out_invoice", "out_refund")
                and not (move.transaction_ids & transactions)
            )
        )
        for invoice in invoices:
            sign = -1 if invoice.move_type == "out_refund" else 1
            paid += sign * invoice.currency_id._convert(
                invoice.amount_total - invoice.amount_residual,
                order.currency_id,
                order.company_id,
                today,
                round=False,
            )
        return order.currency_id.round(paid)

    def _credit_raw_reasons(self, stage, extra=0.0, batch=0.0):
        """Credit reasons before overrides.

        ``stage`` is ``confirmation`` (the gate, and growth of a confirmed
        order) or ``delivery`` (validating an outgoing delivery). ``extra`` is
        a growth not on the order yet (order currency), ``batch`` what the
        orders confirmed with it add (company currency).
        """
        self.ensure_one()
        # sudo: credit figures come from accounting; the gate answers the same
        # for a salesperson, a warehouse user, the portal or a payment.
        order = self.sudo()
        company = order.company_id or self.env.company
        partner = order.partner_id.commercial_partner_id.with_company(company)
        if not partner:
            return []
        today = fields.Date.context_today(self)
        extra_company = self.env["sale.credit.exposure"]._converter(company, today)(
            order.currency_id.id, extra
        )
        reasons = []
        if stage == "confirmation" or company.governance_credit_block_delivery:
            reasons += partner._credit_partner_reasons(
                company,
                order.credit_exposure + extra_company + batch,
                {name: order[name] for name in CREDIT_PARTNER_FIGURES},
            )
        prepayment_stage = (
            "delivery"
            if company.governance_credit_prepayment_mode == "delivery"
            else "confirmation"
        )
        if partner.credit_require_prepayment and stage == prepayment_stage:
            paid = order._credit_prepaid_amount()
            required = order._get_prepayment_required_amount() + extra
            if order.currency_id.compare_amounts(paid, required) < 0:
                if stage == "delivery":
                    message = self.env._(
                        "Customer %(partner)s must pay before delivery: %(paid)s "
                        "paid of the %(required)s required for %(order)s.",
                        partner=partner.display_name,
                        paid=self._format_money(paid, order.currency_id),
                        required=self._format_money(required, order.currency_id),
                        order=order.name,
                    )
                else:
                    message = self.env._(
                        "Customer %(partner)s must pay in advance: %(paid)s paid of "
                        "the %(required)s required for %(order)s.",
                        partner=partner.display_name,
                        paid=self._format_money(paid, order.currency_id),
                        required=self._format_money(required, order.currency_id),
                        order=order.name,
                    )
                reasons.append(message)
        return reasons

    def _credit_valid_override(self, extra=0.0, batch=0.0):
        """The credit override that releases this order now, if any."""
        return self._credit_valid_overrides(extra=extra, batch=batch)[:1]

    def _credit_valid_overrides(self, extra=0.0, batch=0.0):
        """Unexpired overrides of this order covering its current exposure,
        given by a controller who is none of its owners (four-eyes: an
        override stops counting when its author becomes the salesperson)."""
        self.ensure_one()
        order = self.sudo()
        company = order.company_id or self.env.company
        today = credit_today(self, company)
        exposure = order._credit_decision_exposure(extra, batch)
        partner = order.partner_id.commercial_partner_id
        owners = order._credit_owner_users()
        return order.credit_override_ids.filtered(
            lambda override: (
                override.partner_id == partner
                and override.company_id == company
                and override.approved_by_id not in owners
                and override.expiry_date >= today
                and company.currency_id.compare_amounts(override.amount, exposure) >= 0
            )
        ).sorted("id", reverse=True)

    def _credit_decision_exposure(self, extra=0.0, batch=0.0):
        """The exposure a decision compares (company currency): the order's,
        plus ``extra`` (order currency) and ``batch`` (company currency)."""
        self.ensure_one()
        order = self.sudo()
        company = order.company_id or self.env.company
        convert = self.env["sale.credit.exposure"]._converter(
            company, fields.Date.context_today(self)
        )
        return order.credit_exposure + convert(order.currency_id.id, extra) + batch

    def _credit_blocking_reasons(self, stage, extra=0.0):
        """Credit reasons that stop this order; empty when it may proceed."""
        self.ensure_one()
        raw = self._credit_raw_reasons(stage, extra=extra)
        return self._credit_release(raw, extra=extra)[0]

    def _credit_release(self, raw_reasons, extra=0.0, batch=0.0):
        """``(reasons, override)``: ``raw_reasons`` once overrides apply.

        A valid override releases the order (no reason left, the override
        returned); otherwise the reasons stay, with a hint about the latest
        override if there is one.
        """
        self.ensure_one()
        no_override = self.env["sale.credit.override"]
        if not raw_reasons:
            return [], no_override
        override = self._credit_valid_override(extra=extra, batch=batch)
        if override:
            return [], override
        reasons = list(raw_reasons)
        latest = self.sudo().credit_override_ids.sorted("id", reverse=True)[:1]
        if latest:
            today = credit_today(self, self.company_id or self.env.company)
            if latest.approved_by_id in self._credit_owner_users():
                hint = self.env._(
                    "The credit override of %(user)s no longer counts: they are "
                    "now the salesperson, the creator or a submitter of the "
                    "order, and nobody releases their own order (four-eyes "
                    "principle).",
                    user=latest.approved_by_id.name,
                )
            elif latest.expiry_date < today:
                hint = self.env._(
                    "The credit override of %(user)s expired on %(date)s.",
                    user=latest.approved_by_id.name,
                    date=format_date(self.env, latest.expiry_date),
                )
            else:
                hint = self.env._(
                    "The credit override of %(user)s allows %(amount)s, less than "
                    "the exposure of %(exposure)s.",
                    user=latest.approved_by_id.name,
                    amount=self._format_money(latest.amount, latest.currency_id),
                    exposure=self._format_money(
                        self._credit_decision_exposure(extra, batch),
                        latest.currency_id,
                    ),
                )
            reasons.append(hint)
        return reasons, no_override

    def _credit_used_override(self):
        """The override a confirmation relies on (credit reasons otherwise)."""
        self.ensure_one()
        return self._credit_confirmation_decision()[1]

    def _credit_controllers(self):
        self.ensure_one()
        group = self.env.ref("sale_order_governance.group_credit_controller")
        # sudo: the portal or payment flow may not read users and groups.
        return group.sudo().users.filtered(
            lambda user: self.company_id in user.company_ids and user.active
        )

    def _credit_notify_controllers(self, event, reasons):
        """Give the credit controllers an order accepted online while blocked."""
        self.ensure_one()
        # sudo: called from the portal and payment flows.
        order = self.sudo()
        note = self.env._(
            "%(event)s while credit control blocks it: %(reasons)s "
            "Decide on a credit override or contact the customer.",
            event=event,
            reasons=" ".join(reasons),
        )
        controllers = order._credit_controllers()
        for user in controllers:
            order.activity_schedule(
                "sale_order_governance.mail_activity_type_credit_decision",
                summary=self.env._("Credit decision: order accepted online"),
                note=note,
                user_id=user.id,
            )
        if not controllers:
            order._review_post(
                self.env._(
                    "No credit controller in %(company)s to decide on this order.",
                    company=order.company_id.name,
                )
            )

    # ------------------------------------------------------------
    # EVIDENCE
    # ------------------------------------------------------------

    def _review_evidence_labels(self):
        labels = super()._review_evidence_labels()
        labels.update(
            {
                "credit_exposure_receivable": _lt("Open receivables"),
                "credit_exposure_orders": _lt("Confirmed orders not invoiced"),
                "credit_exposure_draft": _lt("Draft invoices (minus draft refunds)"),
                "credit_exposure_order": _lt("This order"),
                "credit_exposure": _lt("Credit exposure"),
                "credit_limit": _lt("Credit limit"),
                "credit_overdue_tolerance": _lt("Overdue tolerance (days)"),
                "credit_hold": _lt("Credit hold"),
                "credit_prepayment": _lt("Prepayment required"),
                "credit_blocked_reason": _lt("Credit block"),
            }
        )
        return labels

    def _review_evidence_finance(self):
        # Fresh figures, computed once for the receivables of the general
        # part (see _review_receivable_figures) and the credit part.
        self._credit_refresh()
        evidence = super()._review_evidence_finance()
        order = self.sudo()
        company = order.company_id
        currency = company.currency_id
        partner = order.partner_id.commercial_partner_id.with_company(company)
        evidence.setdefault("items", []).extend(
            [
                [
                    "credit_exposure_receivable",
                    self._evidence_money(order.credit_exposure_receivable, currency),
                ],
                [
                    "credit_exposure_orders",
                    self._evidence_money(order.credit_exposure_orders, currency),
                ],
                [
                    "credit_exposure_draft",
                    self._evidence_money(order.credit_exposure_draft, currency),
                ],
                [
                    "credit_exposure_order",
                    self._evidence_money(order.credit_exposure_order, currency),
                ],
                [
                    "credit_exposure",
                    self._evidence_money(order.credit_exposure, currency),
                ],
                [
                    "credit_limit",
                    self._evidence_money(order.credit_limit_active, currency)
                    if order.credit_limit_active
                    else False,
                ],
                ["credit_overdue_tolerance", partner.credit_overdue_tolerance_days],
                [
                    "credit_hold",
                    (partner.credit_hold_reason or True)
                    if partner.credit_hold
                    else False,
                ],
                ["credit_prepayment", bool(partner.credit_require_prepayment)],
                ["credit_blocked_reason", order.credit_blocked_reason or ""],
            ]
        )
        return evidence


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"  # pylint: disable=consider-merging-classes-inherited

    def init(self):
        res = super().init()
        # The open order lines are in the running totals of the credit
        # exposure (sale_credit_exposure_totals.py): no covering index.
        self.env.cr.execute(
            SQL("DROP INDEX IF EXISTS sale_order_line_governance_credit_open_idx")
        )
        # Down payments of one customer, deducted from its open orders.
        create_index(
            self.env.cr,
            "sale_order_line_governance_credit_down_idx",
            self._table,
            ["order_partner_id", "company_id"],
            where="is_downpayment",
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        order_ids = {vals.get("order_id") for vals in vals_list if vals.get("order_id")}
        confirmed = (
            self.env["sale.order"]
            .browse(order_ids)
            .filtered(lambda order: order.state == "sale")
        )
        before = {order.id: order.amount_total for order in confirmed}
        lines = super().create(vals_list)
        confirmed._credit_check_growth(before)
        return lines

    def write(self, vals):
        if not CREDIT_AMOUNT_LINE_FIELDS.intersection(vals):
            return super().write(vals)
        confirmed = self.order_id.filtered(lambda order: order.state == "sale")
        before = {order.id: order.amount_total for order in confirmed}
        res = super().write(vals)
        confirmed._credit_check_growth(before)
        return res
