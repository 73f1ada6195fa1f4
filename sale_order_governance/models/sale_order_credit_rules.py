# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The credit rules of an order: why it is blocked (limit, hold, overdue,
prepayment), the overrides that release it, and the evidence finance sees.
The figures come from the credit exposure service (``sale_credit_exposure.py``)."""

from odoo import fields, models
from odoo.tools import format_date
from odoo.tools.translate import LazyTranslate

from .sale_credit_decision import credit_today

_lt = LazyTranslate(__name__)

# Computed credit fields of an order, refreshed before each gate decision.
from .sale_order_credit import (
    CREDIT_ORDER_FIELDS,
    CREDIT_PARTNER_FIGURES,
)


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

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
