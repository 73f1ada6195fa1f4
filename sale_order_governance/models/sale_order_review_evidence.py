# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Evidence shown to reviewers: the governed record's own figures, rendered
with the QWeb template ``review_evidence`` and the labels of the record's model
(``_review_evidence_labels``), translated at display time."""

from markupsafe import escape

from odoo import api, models

from .sale_order_review import OPEN_STATES


class SaleOrderReview(models.Model):
    _inherit = "sale.order.review"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # EVIDENCE
    # ------------------------------------------------------------

    @api.depends("evidence", "state", "stage_id")
    def _compute_evidence_html(self):
        for review in self:
            data = review.evidence
            if not data and review.state in OPEN_STATES and review.res_id:
                data = review._get_record()._review_evidence(review.department)
            review.evidence_html = self._render_evidence(data or {}, review.res_model)

    @api.model
    def _evidence_value(self, value):
        if isinstance(value, bool):
            return self.env._("Yes") if value else self.env._("No")
        return escape(value)

    @api.model
    def _render_evidence(self, data, model=None):
        """Evidence dict -> HTML, labels of ``model`` (the governed record's)."""
        if not data:
            return False
        labels = self.env[model or "sale.order"]._review_evidence_labels()

        def label(key):
            text = labels.get(key, key)
            return (
                text._translate(self.env.lang or "en_US")
                if hasattr(text, "_translate")
                else text
            )

        lines = data.get("lines") or []
        columns = list(lines[0]) if lines else []
        return self.env["ir.qweb"]._render(
            "sale_order_governance.review_evidence",
            {
                "items": [
                    (label(key), self._evidence_value(value))
                    for key, value in data.get("items", [])
                ],
                "columns": [label(column) for column in columns],
                "rows": [
                    [self._evidence_value(line[column]) for column in columns]
                    for line in lines
                ],
            },
        )
