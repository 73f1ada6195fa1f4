# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The review engine: submission, steps, the outcome of a decision, restarts.

Every governed model runs the same engine; it differs only by the class
attributes and hooks it declares in ``review_mixin.py``.
"""

import hashlib

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# What a decision on a review means for the record: its review state, whether
# kept approvals survive resubmission, and the to-do left to its owner.
SEND_BACK = {
    "rejected": {
        "review_state": "rejected",
        "governance_review_changes_requested": False,
    },
    "changes": {
        "review_state": "changes",
        "governance_review_changes_requested": True,
    },
}


class SaleGovernanceReviewMixin(models.AbstractModel):
    _inherit = "sale.governance.review.mixin"  # pylint: disable=consider-merging-classes-inherited

    def _review_my_pending(self):
        reviews = self.env["sale.order.review"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("can_decide", "=", True),
            ]
        )
        if not reviews:
            raise UserError(
                self.env._(
                    "No review of %(records)s is waiting for your decision.",
                    records=", ".join(self.mapped("display_name")),
                )
            )
        return reviews

    def _review_lock(self, log_conflict=True):
        """Serialise review changes of these records across transactions.

        A no-op UPDATE takes the row lock and makes any concurrent transaction
        that touches the same rows fail with a serialization error (retried by
        Odoo) instead of working on a stale picture of the reviews.
        ``log_conflict=False`` for callers that expect the conflict and look
        again themselves.
        """
        if self.ids:
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET write_date = write_date WHERE id IN %s",
                    SQL.identifier(self._table),
                    tuple(self.ids),
                ),
                log_exceptions=log_conflict,
            )

    def _review_applicable_stages(self):
        self.ensure_one()
        company = self._review_order().company_id
        stages = (
            self.env["sale.review.stage"]
            .sudo()
            .browse(
                self.env["sale.review.stage"]._get_stage_ids(
                    self._review_applies_to, company.id
                )
            )
        )
        record = self.sudo()
        return stages.filtered(
            lambda stage: (
                not stage.domain or record.filtered_domain(stage._get_domain())
            )
        )

    def _review_compute_fingerprint(self):
        self.ensure_one()
        return hashlib.sha1(
            repr(self.sudo()._review_fingerprint_values()).encode()
        ).hexdigest()

    def _review_submit(self):
        self.ensure_one()
        self._review_lock()
        reviews = self._review_reviews()
        reviews._cancel()
        stages = self._review_applicable_stages()
        kept = self._review_kept_approvals(stages, reviews)
        to_ask = stages - kept.stage_id
        order = self._review_order()
        owners = self._review_owner_users() | self.env.user
        new_round = self.governance_review_round + 1
        vals_list = []
        for stage in to_ask:
            reviewers = stage._get_reviewers(order.company_id) - owners
            if not reviewers:
                raise UserError(
                    self.env._(
                        "Nobody can review stage %(stage)s of %(record)s: it has "
                        "no reviewer in company %(company)s other than the "
                        "salesperson or the submitter. Ask a governance manager "
                        "to assign reviewers to the stage.",
                        stage=stage.name,
                        record=self.display_name,
                        company=order.company_id.name,
                    )
                )
            vals_list.append(self._prepare_review_vals(stage, reviewers, new_round))
        # sudo: submitters create reviews but may not edit them afterwards.
        self.env["sale.order.review"].sudo().create(vals_list)
        self._governance_engine_write(
            {
                "review_state": "in_review" if to_ask else "approved",
                "governance_review_submitted_at": fields.Datetime.now(),
                "governance_review_fingerprint": self._review_compute_fingerprint(),
                "governance_review_round": new_round,
                "governance_review_base_round": self.governance_review_base_round
                if self.governance_review_changes_requested
                else new_round,
                "governance_review_changes_requested": False,
            }
        )
        if kept:
            self._review_post(
                self.env._(
                    "Approvals kept, their evidence did not change: %(stages)s.",
                    stages=", ".join(kept.stage_id.mapped("name")),
                )
            )
        if to_ask:
            self._review_post(
                self.env._(
                    "Submitted for review: %(stages)s.",
                    stages=", ".join(to_ask.mapped("name")),
                )
            )
            self._review_advance()
        else:
            if not stages:
                self._review_post(
                    self.env._("Submitted for review: no review stage applies.")
                )
            self._review_approved()

    def _prepare_review_vals(self, stage, reviewers, review_round):
        """Values of the review of ``stage`` asked of ``reviewers``."""
        self.ensure_one()
        return {
            "res_model": self._name,
            "res_id": self.id,
            "order_id": self._review_order().id,
            "stage_id": stage.id,
            "department": stage.department,
            "sequence": stage.sequence,
            "reviewer_user_ids": [fields.Command.set(reviewers.ids)],
            "submitted_by_id": self.env.uid,
            "round": review_round,
        }

    def _review_kept_approvals(self, stages, reviews):
        """Approvals that survive a resubmission after a request for changes.

        Steps are walked in order: a stage keeps its latest approval of the
        current series of rounds while its evidence is unchanged and no
        earlier step had to be asked again.
        """
        kept = self.env["sale.order.review"]
        if not self.governance_review_changes_requested:
            return kept
        approved = reviews.filtered(
            lambda review: (
                review.state == "approved"
                and review.round >= self.governance_review_base_round
            )
        ).sorted("decided_at")
        latest = {review.stage_id: review for review in approved}
        for sequence in sorted(set(stages.mapped("sequence"))):
            step = stages.filtered(lambda stage, seq=sequence: stage.sequence == seq)
            step_kept = kept.browse(
                [
                    latest[stage].id
                    for stage in step
                    if stage in latest
                    and latest[stage].evidence
                    == self._review_evidence(stage.department)
                ]
            )
            kept |= step_kept
            if len(step_kept) < len(step):
                break
        return kept

    def _review_advance(self):
        """Start the next step when the current one is fully approved."""
        self.ensure_one()
        reviews = self._review_reviews()
        if reviews.filtered(lambda review: review.state == "pending"):
            return
        waiting = reviews.filtered(lambda review: review.state == "waiting")
        if waiting:
            step = min(waiting.mapped("sequence"))
            waiting.filtered(lambda review: review.sequence == step)._start()
            return
        if self.review_state == "in_review":
            # The last reviewer may only read the record.
            self._governance_engine_write({"review_state": "approved"})
            self._review_post(self.env._("Every review is approved."))
            self._review_approved()

    def _review_decided(self, decision, reviews, comment):
        """What a decision on ``reviews`` of this record does to the record.

        ``decision`` is ``approved``, ``rejected`` or ``changes``; the reviews
        already hold it (``sale.order.review._decide``). An approval is
        logged and the record moves on once its step is complete; a
        rejection or a request for changes closes the other open reviews and
        sends the record back to its owner with a to-do.
        """
        self.ensure_one()
        if decision == "approved":
            for review in reviews:
                body = self.env._(
                    "%(stage)s approved by %(user)s.",
                    stage=review.stage_id.name,
                    user=review._decider_label(),
                )
                self._review_post(f"{body} {comment}" if comment else body)
            self._review_advance_after_approval()
            return
        self._review_reviews()._cancel()
        # The reviewer may only read the record.
        self._governance_engine_write(SEND_BACK[decision])
        values = {
            "user": reviews[:1]._decider_label(),
            "stages": ", ".join(reviews.mapped("stage_id.name")),
            "comment": comment,
        }
        if decision == "rejected":
            message = self.env._(
                "Rejected by %(user)s at %(stages)s: %(comment)s", **values
            )
            summary = self.env._("Review rejected: correct and resubmit")
        else:
            message = self.env._(
                "Changes requested by %(user)s at %(stages)s: %(comment)s", **values
            )
            summary = self.env._("Changes requested: edit and resubmit")
        self._review_post(message)
        self._review_todo(summary, note=message)

    def _review_todo(self, summary, note=None, user=None):
        """A to-do on the record for ``user`` (default: its responsible user).

        As superuser: whoever triggers it (a reviewer, a cron) may only read
        the record.
        """
        self.ensure_one()
        user = user or self._review_responsible_user()
        if user:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=note,
                user_id=user.id,
            )

    def _review_reset(self, reason):
        """Cancel open reviews after a relevant change; decided ones stay."""
        for record in self:
            record._review_lock()
            record._review_reviews()._cancel()
            record._governance_engine_write(
                {
                    "review_state": "not_submitted",
                    "governance_review_fingerprint": False,
                    "governance_review_changes_requested": False,
                }
            )
            record._review_post(
                self.env._(
                    "Review restarted: %(reason)s. Submit the record again.",
                    reason=reason,
                )
            )

    def _review_check_fingerprint(self):
        for record in self:
            if record.review_state not in ("in_review", "approved"):
                continue
            if (
                record._review_compute_fingerprint()
                != record.governance_review_fingerprint
            ):
                record._review_reset(
                    self.env._("it was modified after it was submitted")
                )

    def _review_post(self, body, partners=None):
        """An internal note; only ``partners`` (if any) are notified."""
        # sudo: reviewers without write access still leave their trace.
        self.sudo().message_post(
            body=Markup("<p>%s</p>") % body,
            author_id=self.env.user.partner_id.id,
            partner_ids=partners.ids if partners else [],
            subtype_xmlid="mail.mt_note",
        )
