# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SaleOrderReview(models.Model):
    _inherit = "sale.order.review"  # pylint: disable=consider-merging-classes-inherited

    hours_taken = fields.Float(
        string="Hours Taken (Working Hours)",
        compute="_compute_hours_taken",
        store=True,
        readonly=True,
        aggregator="avg",
        help="Working hours of the company's calendar between the request and "
        "the decision, fixed when the review is decided.",
    )

    # A stored compute is written by the ORM's flush, not through write():
    # the guard refusing writes on decided reviews does not apply to it.
    @api.depends("requested_at", "decided_at")
    def _compute_hours_taken(self):
        for review in self:
            start, end = review.requested_at, review.decided_at
            if not (start and end) or end <= start:
                review.hours_taken = 0.0
                continue
            calendar = review.company_id.resource_calendar_id
            review.hours_taken = (
                calendar.get_work_hours_count(start, end, compute_leaves=True)
                if calendar
                else (end - start).total_seconds() / 3600
            )
