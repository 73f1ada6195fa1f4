# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A decision on reviews: who may decide, the decision recorded once, and
the start and cancellation of the reviews of a step."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .sale_order_review import OPEN_STATES


class SaleOrderReview(models.Model):
    _inherit = "sale.order.review"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # DECISION
    # ------------------------------------------------------------

    @api.model
    def _deciders(self, user=None):
        """``user`` and the reviewers who delegated their reviews to them."""
        user = user or self.env.user
        return user | self.env["sale.review.delegation"]._delegators_of(user)

    def _check_comment(self, comment, message):
        if not comment or not str(comment).strip():
            raise UserError(message)

    def _check_can_decide(self):
        """Refuse users who may not decide; return {review: on behalf of}.

        Four-eyes holds for the user who decides and for the reviewer a
        substitute decides for: neither may be the salesperson or the person
        who submitted the record.
        """
        user = self.env.user
        deciders = self._deciders(user)
        on_behalf = {}
        for review in self:
            record = review._get_record()
            owners = record._review_owner_users() | review.submitted_by_id
            if user in owners:
                raise AccessError(
                    self.env._(
                        "You cannot decide review %(review)s: the salesperson and "
                        "the person who submitted the record never review it "
                        "themselves (four-eyes principle).",
                        review=review.display_name,
                    )
                )
            reviewers = review.reviewer_user_ids - owners
            if user in reviewers:
                on_behalf[review] = self.env["res.users"]
            elif reviewers & deciders:
                on_behalf[review] = (reviewers & deciders)[:1]
            elif review.reviewer_user_ids & deciders:
                raise AccessError(
                    self.env._(
                        "You cannot decide review %(review)s on behalf of "
                        "%(users)s: they are the salesperson or the person who "
                        "submitted the record, who never review it themselves "
                        "(four-eyes principle).",
                        review=review.display_name,
                        users=", ".join(
                            (review.reviewer_user_ids & deciders).mapped("name")
                        ),
                    )
                )
            else:
                raise AccessError(
                    self.env._(
                        "You are not a reviewer of %(review)s. Only %(users)s "
                        "may decide it.",
                        review=review.display_name,
                        users=", ".join(review.reviewer_user_ids.mapped("name")),
                    )
                )
        return on_behalf

    def _decide(self, decision, comment, on_behalf=None, attachment_ids=None):
        """Record a decision.

        ``decision`` is ``approved``, ``rejected`` or ``changes`` (sent back
        for changes: the review closes as cancelled with the request kept).
        A rejection or a request for changes closes the record's other open
        reviews: the record is locked first, so that a concurrent decision
        on it fails with a serialization error and is retried by Odoo on
        fresh data. An approval writes its own reviews only: reviewers of
        parallel stages approving at the same moment do not wait for each
        other, and the record moves on once its step is complete (see
        ``review_mixin_advance.py``).
        """
        now = fields.Datetime.now()
        on_behalf = on_behalf or {}
        attachments = self._decision_attachments(attachment_ids)
        by_record = defaultdict(lambda: self.browse())
        for review in self:
            by_record[review._get_record()] |= review
        for record, reviews in by_record.items():
            if decision != "approved":
                record._review_lock()
            reviews.invalidate_recordset(["state"])
            for review in reviews:
                if review.state != "pending":
                    raise UserError(
                        self.env._(
                            "Review %(review)s is not waiting for a decision any "
                            "more (it is %(state)s). Reload the page.",
                            review=review.display_name,
                            state=dict(
                                review._fields["state"]._description_selection(self.env)
                            )[review.state],
                        )
                    )
            for review in reviews:
                # sudo: the decider's own documents (checked above) now belong
                # to the review they justify, which the decider only reads.
                attachments.sudo().write({"res_model": self._name, "res_id": review.id})
                # sudo: reviewers only read reviews; the decision is written
                # here after _check_can_decide verified who decides.
                review.sudo().write(
                    {
                        "state": decision,
                        "changes_requested": decision == "changes",
                        "decided_by_id": self.env.uid,
                        "decided_on_behalf_of_id": on_behalf.get(review, False)
                        and on_behalf[review].id,
                        "decided_at": now,
                        "comment": comment or False,
                        "evidence": record._review_evidence(review.department),
                        "attachment_ids": [fields.Command.set(attachments.ids)],
                    }
                )
            reviews._close_activities(decision, comment)
            record._review_decided(decision, reviews, comment)

    def _decider_label(self):
        """'Fiona' or 'Fiona on behalf of Frank', for messages."""
        self.ensure_one()
        if self.decided_on_behalf_of_id:
            return self.env._(
                "%(user)s on behalf of %(reviewer)s",
                user=self.decided_by_id.name,
                reviewer=self.decided_on_behalf_of_id.name,
            )
        return self.decided_by_id.name or self.env.user.name

    def _start(self):
        """Request the reviews of one step: deadline, reminder, notices."""
        now = fields.Datetime.now()
        for review in self:
            deadline = review._compute_deadline(now, review.stage_id.sla_hours)
            ratio = review.company_id.governance_review_reminder_ratio
            # sudo: the engine moves reviews on behalf of whoever triggered it.
            review.sudo().write(
                {
                    "state": "pending",
                    "requested_at": now,
                    "deadline": deadline,
                    "remind_at": ratio
                    and 0 < ratio < 1
                    and review.stage_id._plan_reminder(
                        now, deadline, ratio, review.company_id
                    ),
                }
            )
            review._schedule_activities()
            review._notify_reviewers()

    def _cancel(self):
        reviews = self.filtered(lambda review: review.state in OPEN_STATES)
        reviews._close_activities("cancelled", None)
        reviews.sudo().write({"state": "cancelled"})

    def _compute_deadline(self, start, hours):
        """``start`` plus ``hours``, counted as the stage says."""
        self.ensure_one()
        return self.stage_id._plan_deadline(start, self.company_id, hours)
