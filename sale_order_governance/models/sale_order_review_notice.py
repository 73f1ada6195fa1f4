# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What reviewers are told: to-dos, notices with signed decision links, and
reassignment."""

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_datetime, hmac


class SaleOrderReview(models.Model):
    _inherit = "sale.order.review"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # NOTICES
    # ------------------------------------------------------------

    def _activity_summary(self):
        self.ensure_one()
        return self.env._(
            "Review %(stage)s of %(record)s",
            stage=self.stage_id.name,
            record=self._get_record().display_name,
        )

    def _schedule_activities(self, users=None):
        """An activity with the deadline for each reviewer (and substitute).

        The assignment e-mail of the activity is not sent: reviewers get one
        notice, with decision links, from ``_notify_reviewers``.
        """
        for review in self:
            activity_type = review._activity_type()
            record = review._get_record()
            targets = users or review._notice_users()
            activities = self.env["mail.activity"]
            for user in targets:
                deadline = fields.Datetime.context_timestamp(
                    review.with_user(user), review.deadline
                ).date()
                # sudo: reviewers need not have write access on the record.
                activities |= (
                    record.sudo()
                    .with_context(mail_activity_quick_update=True)
                    .activity_schedule(
                        activity_type_id=activity_type.id,
                        date_deadline=deadline,
                        # In the reviewer's language.
                        summary=review.with_context(lang=user.lang)._activity_summary(),
                        note=review.with_context(lang=user.lang).stage_id.name,
                        user_id=user.id,
                    )
                )
            review.sudo().activity_ids |= activities

    def _notice_users(self):
        """Who is told it is their turn: the reviewers and their substitutes."""
        self.ensure_one()
        substitutes = self.env["sale.review.delegation"]._substitutes_of(
            self.reviewer_user_ids
        )
        users = self.reviewer_user_ids
        for subs in substitutes.values():
            users |= subs
        return users

    def _decision_token(self, user, action):
        """Signed link token: this review, user, action, deadline and reviewers.

        Reassigning the review (new reviewers) or a new deadline voids the
        links already sent; the link controller also refuses decided reviews.
        """
        self.ensure_one()
        return hmac(
            self.env(su=True),
            "sale_order_governance-review-decision",
            (
                self.id,
                user.id,
                action,
                str(self.deadline),
                sorted(self.sudo().reviewer_user_ids.ids),
            ),
        )

    def _decision_url(self, user, action):
        self.ensure_one()
        base = self.get_base_url()
        token = self._decision_token(user, action)
        return f"{base}/sale_governance/review/{self.id}/{action}?token={token}"

    def _notice_text(self, user):
        """The notice's sentences, translated whole in the reviewer's language."""
        self.ensure_one()
        record = self._get_record()
        order = self.order_id
        return [
            self.env._("Hello %(name)s,", name=user.name),
            self.env._(
                "%(record)s of %(customer)s waits for your review %(stage)s. "
                "Please answer by %(deadline)s.",
                record=record.display_name,
                customer=order.partner_id.display_name,
                stage=self.stage_id.name,
                deadline=format_datetime(
                    self.env,
                    self.deadline,
                    tz=user.tz,
                    dt_format="short",
                    lang_code=user.lang,
                ),
            ),
        ]

    def _notify_reviewers(self, users=None):
        """One notice per reviewer whose turn it is, with decision links."""
        template = self.env.ref(
            "sale_order_governance.review_request_notice", raise_if_not_found=False
        )
        if not template:
            return
        for review in self:
            record = review._get_record()
            for user in users or review._notice_users():
                body = self.env["ir.qweb"]._render(
                    template.id,
                    {
                        "review": review.with_user(user),
                        "record": record,
                        "user": user,
                        "approve_url": review._decision_url(user, "approve"),
                        "reject_url": review._decision_url(user, "reject"),
                        "open_url": review._decision_url(user, "open"),
                        "greeting": review.with_context(lang=user.lang)._notice_text(
                            user
                        ),
                    },
                    lang=user.lang,
                )
                # sudo: the notice goes to the reviewer only, not to followers.
                record.sudo().message_notify(
                    partner_ids=user.partner_id.ids,
                    subject=review.with_context(lang=user.lang)._activity_summary(),
                    body=body,
                    email_layout_xmlid="mail.mail_notification_light",
                    subtype_xmlid="mail.mt_note",
                )

    def _close_activities(self, decision, comment):
        activities = self.sudo().activity_ids.exists()
        mine = activities.filtered(lambda act: act.user_id == self.env.user)
        if mine and decision in ("approved", "rejected", "changes"):
            mine.action_feedback(feedback=comment or False)
        (activities - mine).exists().unlink()

    def _reassign(self, users, reason):
        """Hand pending reviews to other users; the snapshot is otherwise kept."""
        if not self.env.user.has_group(
            "sale_order_governance.group_governance_manager"
        ):
            raise AccessError(
                self.env._("Only a governance manager can reassign reviews.")
            )
        self._check_comment(
            reason, self.env._("Give the reason for reassigning the reviews.")
        )
        for review in self:
            if review.state != "pending":
                raise UserError(
                    self.env._(
                        "Only reviews waiting for a decision can be reassigned; "
                        "%(review)s is not.",
                        review=review.display_name,
                    )
                )
            record = review._get_record()
            excluded = record._review_owner_users() | review.submitted_by_id
            if users & excluded:
                raise UserError(
                    self.env._(
                        "%(users)s cannot review %(record)s: the salesperson and "
                        "the submitter never review their own record.",
                        users=", ".join((users & excluded).mapped("name")),
                        record=record.display_name,
                    )
                )
            previous = review.reviewer_user_ids
            review._close_activities("cancelled", None)
            # sudo: authority was checked above (governance manager).
            review.sudo().write({"reviewer_user_ids": [fields.Command.set(users.ids)]})
            review._schedule_activities()
            review._notify_reviewers()
            record._review_post(
                self.env._(
                    "Review %(stage)s reassigned from %(old)s to %(new)s by "
                    "%(user)s: %(reason)s",
                    stage=review.stage_id.name,
                    old=", ".join(previous.mapped("name")),
                    new=", ".join(users.mapped("name")),
                    user=self.env.user.name,
                    reason=reason,
                )
            )
