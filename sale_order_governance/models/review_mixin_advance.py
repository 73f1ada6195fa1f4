# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from psycopg2 import errors

from odoo import api, models

_logger = logging.getLogger(__name__)

# Key, in the data of the cursor's post-commit callbacks, of the records to
# look at again once the transaction is committed.
ADVANCE_KEY = "sale_order_governance.review_advance"
# A look that fails on a concurrent change is done again at once: it failed
# because the other transaction committed, so the next look sees its work.
ADVANCE_ATTEMPTS = 3
# Context keys of the decision that must not reach the look after commit.
POST_COMMIT_DROPPED_KEYS = ("governance_post_buffer",)


class SaleGovernanceReviewMixin(models.AbstractModel):
    """Approvals of parallel stages: no lock between reviewers.

    Two reviewers approving the two parallel stages of one record at the same
    moment write their own review only; neither waits for the other nor is
    retried (Odoo waits up to 2 s before retrying a transaction that failed
    on a concurrent update). The record moves on once, when its step is
    complete:

    - an approval that sees every review of the step approved locks the
      record and moves it on (a concurrent move fails and is retried, it
      then finds the record moved);
    - an approval that still sees another review of the step pending cannot
      tell whether that one is being approved at this very moment in another
      transaction, invisible to it: it looks again right after its commit,
      in a new transaction. The later of two concurrent approvals sees both
      there, and moves the record on;
    - a record left complete but not moved on (the server stopped between a
      commit and that look) is moved on by ``_cron_advance_stalled``.
    """

    _inherit = "sale.governance.review.mixin"  # pylint: disable=consider-merging-classes-inherited

    def _review_advance_after_approval(self):
        """Move this record on if its current step is complete (see class)."""
        self.ensure_one()
        if self._review_reviews().filtered(lambda review: review.state == "pending"):
            self._review_advance_after_commit()
            return
        self._review_lock()
        self._review_advance()

    def _review_advance_after_commit(self):
        """Look at this record again once the transaction is committed."""
        postcommit = self.env.cr.postcommit
        if ADVANCE_KEY not in postcommit.data:
            targets = postcommit.data[ADVANCE_KEY] = set()
            registry, uid = self.env.registry, self.env.uid
            # The decision's own bookkeeping (the buffer of its chatter entry,
            # already written at its end) stays with it.
            context = {
                key: value
                for key, value in self.env.context.items()
                if key not in POST_COMMIT_DROPPED_KEYS
            }

            @postcommit.add
            def advance():
                _advance_committed(registry, uid, context, targets)

        postcommit.data[ADVANCE_KEY].add((self._name, self.id))

    def _review_advance_if_complete(self):
        """Move on the records whose step is complete; one transaction."""
        for record in self.exists():
            if record.review_state != "in_review":
                continue
            if record._review_reviews().filtered(lambda r: r.state == "pending"):
                continue
            record._review_lock(log_conflict=False)
            record._review_advance()

    @api.model
    def _cron_advance_stalled(self):
        """Move on the records in review whose reviews are all decided."""
        stalled = self.search(
            [
                ("review_state", "=", "in_review"),
                ("governance_review_ids", "not any", [("state", "=", "pending")]),
            ]
        )
        stalled._review_advance_if_complete()
        return stalled


def _advance_committed(registry, uid, context, targets):
    """Post-commit: move on the ``(model, id)`` targets whose step is complete."""
    for model, record_id in sorted(targets):
        for _attempt in range(ADVANCE_ATTEMPTS):
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, uid, context)
                    env[model].browse(record_id)._review_advance_if_complete()
                break
            except (errors.SerializationFailure, errors.LockNotAvailable):
                continue  # another transaction moved it on: look again
        else:
            _logger.warning(
                "%s %s: could not look at its reviews after an approval; the "
                "review cron moves it on if its step is complete.",
                model,
                record_id,
            )


class SaleOrderReview(models.Model):
    _inherit = "sale.order.review"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_advance_stalled_records(self):
        """Safety net of the move after approval, for every governed model."""
        for name in self.env["sale.review.stage"]._governed_models().values():
            self.env[name].sudo()._cron_advance_stalled()
