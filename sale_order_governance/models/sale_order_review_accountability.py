# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who answers for a review that went late (审批延误扣分).

The delay points of a review go to the reviewers who held it when its
deadline passed, whatever happened next: a decision by a substitute, a
reassignment to someone else, or the review cancelled because the record was
edited. The engine writes them down (``late_reviewer_ids``) at the first of
these events after the deadline, and the escalation cron does it for the
reviews still waiting; the review-delay analysis scores them per day late.
"""

from odoo import api, fields, models


class SaleOrderReview(models.Model):
    _inherit = "sale.order.review"  # pylint: disable=consider-merging-classes-inherited

    cancelled_at = fields.Datetime(
        string="Cancelled On",
        readonly=True,
        help="When the review stopped waiting without a decision (the record "
        "was edited, resubmitted or cancelled).",
    )
    late_reviewer_ids = fields.Many2many(
        "res.users",
        "sale_order_review_late_reviewer_rel",
        "review_id",
        "user_id",
        string="Accountable for the Delay",
        readonly=True,
        ondelete="restrict",
        context={"active_test": False},
        help="The reviewers who held the review when its deadline passed: they "
        "get its delay points, even if a substitute decided, the review was "
        "reassigned or it was cancelled by an edit afterwards.",
    )

    def _governance_stamp_late_reviewers(self, now=None):
        """Write down who holds the pending reviews already past their deadline.

        Kept once: the first stamp is who held the review when it went late.
        """
        now = now or fields.Datetime.now()
        for review in self:
            if (
                review.state == "pending"
                and review.deadline
                and review.deadline < now
                and not review.late_reviewer_ids
                and review.reviewer_user_ids
            ):
                # sudo: the engine's bookkeeping; reviews are read-only to users.
                review.sudo().write(
                    {
                        "late_reviewer_ids": [
                            fields.Command.set(review.reviewer_user_ids.ids)
                        ]
                    }
                )

    def _decide(self, decision, comment, on_behalf=None, attachment_ids=None):
        self._governance_stamp_late_reviewers()
        return super()._decide(
            decision, comment, on_behalf=on_behalf, attachment_ids=attachment_ids
        )

    def _cancel(self):
        now = fields.Datetime.now()
        self._governance_stamp_late_reviewers(now)
        waiting = self.filtered(lambda review: review.state in ("waiting", "pending"))
        # sudo: the engine's bookkeeping, while the reviews are still open.
        waiting.sudo().write({"cancelled_at": now})
        return super()._cancel()

    def _reassign(self, users, reason):
        if self.env.user.has_group("sale_order_governance.group_governance_manager"):
            self._governance_stamp_late_reviewers()
        return super()._reassign(users, reason)

    @api.model
    def _cron_escalate_overdue(self, batch_size=500):
        reviews = super()._cron_escalate_overdue(batch_size=batch_size)
        reviews._governance_stamp_late_reviewers()
        return reviews
