# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The evidence each department reviews an order on, and its labels."""

from collections import defaultdict
from datetime import timedelta

from odoo import fields, models
from odoo.tools import format_amount, format_date
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

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
        forecasts = self._governance_forecasts()
        for line in self.order_line.filtered(lambda line: line.is_storable):
            forecast, date = forecasts.get(line, (0.0, False))
            lines.append(
                {
                    "product": line.product_id.display_name,
                    "quantity": line.product_uom_qty,
                    "forecast": forecast,
                    "date": format_date(self.env, date) if date else "",
                    "short": max(line.product_uom_qty - forecast, 0.0),
                }
            )
        return {
            "items": self._review_evidence_general()["items"][3:],
            "lines": lines,
        }

    def _governance_forecasts(self):
        """``{line: (forecast, date)}`` of the storable lines of a quotation:
        the quantity forecast at their delivery date, as the order form shows
        it (``virtual_available_at_date`` of ``sale_stock``: the product's
        forecast in the line's warehouse, less what the order's earlier lines
        of the same product take, in the line's unit).

        Read in one batch per warehouse and date, without the order form's
        widget computations (kits, quantities to deliver) the evidence does
        not show. Orders no longer quotations read Odoo's own figures, which
        come from their transfers.
        """
        self.ensure_one()
        lines = self.order_line.filtered(
            lambda line: line.is_storable and line.product_id
        )
        if self.state not in ("draft", "sent"):
            return {
                line: (line.virtual_available_at_date or 0.0, line.scheduled_date)
                for line in lines
            }
        groups = defaultdict(lambda: self.env["sale.order.line"])
        for line in lines:
            date = self.commitment_date or line._expected_date()
            groups[line.warehouse_id.id, date] |= line
        taken = defaultdict(float)
        forecasts = {}
        for (warehouse_id, date), group in groups.items():
            products = group.product_id.with_context(
                to_date=date, warehouse_id=warehouse_id
            )
            available = {product.id: product.virtual_available for product in products}
            for line in group:
                product = line.product_id
                forecast = available[product.id] - taken[product.id]
                quantity = line.product_uom_qty
                if line.product_uom and line.product_uom != product.uom_id:
                    forecast = product.uom_id._compute_quantity(
                        forecast, line.product_uom
                    )
                    quantity = line.product_uom._compute_quantity(
                        quantity, product.uom_id
                    )
                taken[product.id] += quantity
                forecasts[line] = (forecast, date)
        return forecasts

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
