# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .governance_deadline import plan_deadline


class SaleGovernanceReviewMixin(models.AbstractModel):
    """The deadline of the whole review, beside the deadline of each stage."""

    _inherit = "sale.governance.review.mixin"  # pylint: disable=consider-merging-classes-inherited

    governance_review_deadline = fields.Datetime(
        string="Review Deadline",
        copy=False,
        readonly=True,
        help="When the whole review is due: the deadlines of its steps one "
        "after the other (the longest stage of each step), capped by the "
        "company's maximum. Set at submission.",
    )
    governance_review_late = fields.Boolean(
        string="Review Past Its Deadline",
        compute="_compute_governance_review_late",
        search="_search_governance_review_late",
        help="Still in review after the deadline of the whole review.",
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("review_state", "governance_review_deadline")
    def _compute_governance_review_late(self):
        now = fields.Datetime.now()
        for record in self:
            deadline = record.governance_review_deadline
            record.governance_review_late = bool(
                record.review_state == "in_review" and deadline and deadline < now
            )

    def _search_governance_review_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on late reviews."))
        domain = [
            ("review_state", "=", "in_review"),
            ("governance_review_deadline", "<", fields.Datetime.now()),
        ]
        return domain if (operator == "=") == value else ["!", "&", *domain]

    # ------------------------------------------------------------
    # ENGINE
    # ------------------------------------------------------------

    def _review_submit(self):
        res = super()._review_submit()
        # The engine's bookkeeping, as the review state.
        self._governance_engine_write(
            {"governance_review_deadline": self._review_plan_deadline()}
        )
        return res

    def _review_plan_deadline(self):
        """The deadline of the reviews just requested, from now."""
        self.ensure_one()
        reviews = self._review_reviews().filtered(
            lambda review: (
                review.round == self.governance_review_round
                and review.state in ("waiting", "pending")
            )
        )
        if not reviews:
            return False
        company = self._review_order().company_id
        start = fields.Datetime.now()
        deadline = start
        for sequence in sorted(set(reviews.mapped("sequence"))):
            step = reviews.filtered(lambda review, seq=sequence: review.sequence == seq)
            deadline = max(
                review.stage_id._plan_deadline(deadline, company) for review in step
            )
        cap = company.governance_review_max_hours
        if cap > 0:
            deadline = min(
                deadline, plan_deadline(company.resource_calendar_id, start, cap)
            )
        return deadline
