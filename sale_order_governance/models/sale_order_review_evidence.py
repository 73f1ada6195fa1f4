# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Evidence shown to reviewers: the governed record's own figures, formatted
for people in the reader's language and currency, with the labels of the
record's model (``_review_evidence_labels``), rendered with the QWeb template
``review_evidence``."""

from markupsafe import Markup, escape

from odoo import api, models
from odoo.tools import format_amount, formatLang
from odoo.tools.translate import LazyGettext

from .sale_order_review import OPEN_STATES

# Evidence keys whose numbers are days, percentages, quantities or prices.
DAY_KEYS = {"overdue_days", "lead_days", "credit_overdue_tolerance"}
PERCENT_KEYS = {"margin_percent", "max_discount", "old_discount", "new_discount"}
QUANTITY_KEYS = {
    "quantity",
    "forecast",
    "short",
    "old_qty",
    "new_qty",
    "delivered",
    "invoiced",
}
PRICE_KEYS = {"old_price", "new_price"}


def is_money(value):
    return isinstance(value, dict) and "amount" in value and "currency_id" in value


def is_empty(value):
    return value is None or value == "" or value == [] or value == {}


class SaleOrderReview(models.Model):
    _inherit = "sale.order.review"  # pylint: disable=consider-merging-classes-inherited

    @api.depends_context("lang")
    @api.depends("evidence", "state", "stage_id")
    def _compute_evidence_html(self):
        # In the reader's language: one value per language.
        for review in self:
            data = review.evidence
            if not data and review.state in OPEN_STATES and review.res_id:
                data = review._get_record()._review_evidence(review.department)
            review.evidence_html = self._render_evidence(data or {}, review.res_model)

    @api.model
    def _evidence_text(self, key, value):
        """One evidence value as text in the reader's language."""
        env = self.env
        if isinstance(value, bool):
            return env._("Yes") if value else env._("No")
        if is_money(value):
            currency = env["res.currency"].browse(value["currency_id"]).exists()
            if currency:
                return format_amount(env, value["amount"], currency)
            return formatLang(env, value["amount"])
        if isinstance(value, int | float):
            if key in DAY_KEYS:
                return formatLang(env, round(value), digits=0)
            if key in PERCENT_KEYS:
                return formatLang(env, value, digits=2)
            if key in QUANTITY_KEYS:
                return formatLang(env, value, dp="Product Unit of Measure")
            if key in PRICE_KEYS:
                return formatLang(env, value, dp="Product Price")
            if isinstance(value, int):
                return formatLang(env, value, digits=0)
            return formatLang(env, value)
        return value

    @api.model
    def _evidence_label(self, labels, key):
        """The label of ``key`` in the reader's language."""
        label = labels.get(key, key)
        if isinstance(label, LazyGettext):
            return label._translate(self.env.lang or "en_US")
        return label

    @api.model
    def _evidence_cell(self, key, value):
        """HTML of one value: one line per item of a list or of a text."""
        if isinstance(value, list):
            lines = [str(self._evidence_text(key, item)) for item in value]
        else:
            lines = str(self._evidence_text(key, value)).splitlines()
        return Markup("<br/>").join(escape(line) for line in lines if line.strip())

    @api.model
    def _render_evidence(self, data, model=None):
        """Evidence dict -> HTML tables, labels (of ``model``, the governed
        record's) and values for the reader. Empty values leave no row, nor
        empty columns in the lines."""
        if not data:
            return False
        labels = self.env[model or "sale.order"]._review_evidence_labels()
        lines = data.get("lines") or []
        columns = [
            column
            for column in (lines[0] if lines else [])
            if any(not is_empty(line.get(column)) for line in lines)
        ]
        return self.env["ir.qweb"]._render(
            "sale_order_governance.review_evidence",
            {
                "items": [
                    (self._evidence_label(labels, key), self._evidence_cell(key, value))
                    for key, value in data.get("items", [])
                    if not is_empty(value)
                ],
                "columns": [self._evidence_label(labels, column) for column in columns],
                "rows": [
                    [
                        self._evidence_cell(column, line.get(column))
                        for column in columns
                    ]
                    for line in lines
                ],
            },
        )


class SaleGovernanceReviewMixin(models.AbstractModel):
    _inherit = "sale.governance.review.mixin"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _evidence_money(self, amount, currency):
        """An amount of the evidence, formatted when it is read."""
        return {"amount": amount, "currency_id": currency.id}
