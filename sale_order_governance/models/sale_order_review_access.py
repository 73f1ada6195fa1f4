# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who sees a review, and which documents a decision may keep.

Reviews are read under the record rules of ``security/ir_rules_access.xml``:
the reviewers concerned (``is_my_review``), the order's salesperson as
Odoo's own sales rules allow, credit controllers for finance reviews, and
managers.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

DECISION_WIZARD = "sale.order.review.decision"


class SaleOrderReview(models.Model):
    _inherit = "sale.order.review"  # pylint: disable=consider-merging-classes-inherited

    is_my_review = fields.Boolean(
        string="Mine to Review",
        compute="_compute_is_my_review",
        search="_search_is_my_review",
        help="You are one of its reviewers, or the substitute of one of them today.",
    )

    @api.depends_context("uid")
    @api.depends("reviewer_user_ids")
    def _compute_is_my_review(self):
        deciders = self._deciders()
        for review in self:
            review.is_my_review = bool(review.reviewer_user_ids & deciders)

    def _search_is_my_review(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the reviews of a user."))
        # The reviewers and the substitutes of today: evaluated at each search,
        # so that a delegation counts from its first day to its last.
        domain = [("reviewer_user_ids", "in", self._deciders().ids)]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.model
    def _decision_attachments(self, attachment_ids):
        """The documents given with a decision: the decider's own, or refused.

        Accepted are attachments the decider uploaded that belong to no record
        yet, or to a decision wizard the decider opened. An attachment of any
        other record (an invoice PDF, another review's documents) is refused,
        never moved to the review.
        """
        attachments = self.env["ir.attachment"]
        if not attachment_ids:
            return attachments
        if isinstance(attachment_ids, int):
            attachment_ids = [attachment_ids]
        if not isinstance(attachment_ids, list | tuple) or not all(
            type(attachment_id) is int for attachment_id in attachment_ids
        ):
            raise UserError(
                self.env._("Give the decision documents as a list of attachment ids.")
            )
        # sudo: ownership is judged on the stored values, whatever the caller
        # may read; nothing is written here.
        candidates = attachments.sudo().browse(attachment_ids)
        existing = candidates.exists()
        refused = [
            attachment_id
            for attachment_id in attachment_ids
            if attachment_id not in existing.ids
        ]
        for attachment in existing:
            if not self._is_own_decision_document(attachment):
                refused.append(attachment.id)
        if refused:
            raise AccessError(
                self.env._(
                    "Only documents you uploaded for this decision can be kept "
                    "with it; attachments %(ids)s belong to another record or to "
                    "someone else. Upload the document itself instead.",
                    ids=", ".join(str(attachment_id) for attachment_id in refused),
                )
            )
        mine = existing.sudo(False)
        mine.check("read")
        return mine

    @api.model
    def _is_own_decision_document(self, attachment):
        """Uploaded by the current user, attached to nothing but their wizard."""
        if attachment.create_uid.id != self.env.uid or attachment.res_field:
            return False
        if not attachment.res_model:
            return not attachment.res_id
        if attachment.res_model != DECISION_WIZARD:
            return False
        if not attachment.res_id:
            return True
        wizard = self.env[DECISION_WIZARD].sudo().browse(attachment.res_id).exists()
        return wizard.create_uid.id == self.env.uid
