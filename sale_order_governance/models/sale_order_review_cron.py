# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The scheduled actions of reviews: reminders and escalations, each review
claimed once across workers."""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL


class SaleOrderReview(models.Model):
    _inherit = "sale.order.review"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # SCHEDULED ACTIONS
    # ------------------------------------------------------------

    @api.model
    def _claim_batch(self, assignments, condition, order_by, batch_size, fnames):
        """Mark up to ``batch_size`` pending reviews matching ``condition``.

        One UPDATE claims the batch: rows another worker holds are skipped, and
        a row claimed by a transaction that committed since this one started
        raises a serialization error, so no review is claimed twice. The cron
        runs again at once while full batches are found.
        """
        self.flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                UPDATE sale_order_review
                   SET %(assignments)s
                 WHERE id IN (
                        SELECT id FROM sale_order_review
                         WHERE state = 'pending' AND %(condition)s
                         ORDER BY %(order_by)s
                         LIMIT %(limit)s
                           FOR UPDATE SKIP LOCKED)
             RETURNING id
                """,
                assignments=assignments,
                condition=condition,
                order_by=SQL.identifier(order_by),
                limit=batch_size,
            )
        )
        self.invalidate_model(fnames)
        if len(rows) == batch_size:
            self.env.ref(
                "sale_order_governance.ir_cron_escalate_overdue_reviews"
            )._trigger()
        return self.browse([row[0] for row in rows])

    @api.model
    def _cron_send_reminders(self, batch_size=500):
        """Remind reviewers once, when the configured share of the SLA is used."""
        now = fields.Datetime.now()
        reviews = self._claim_batch(
            SQL("reminded_at = %s", now),
            SQL("reminded_at IS NULL AND escalated_at IS NULL AND remind_at < %s", now),
            "remind_at",
            batch_size,
            ["reminded_at"],
        )
        for review in reviews:
            users = review._notice_users()
            lang, tz = self._governance_audience(users, review.company_id)
            local = review.with_context(lang=lang)
            review._get_record()._review_post(
                local.env._(
                    "Reminder: review %(stage)s is due on %(deadline)s.",
                    stage=local.stage_id.name,
                    deadline=self._governance_format_time(review.deadline, lang, tz),
                ),
                partners=users.partner_id,
            )
        return reviews

    @api.model
    def _cron_escalate_overdue(self, batch_size=500):
        """Flag and escalate pending reviews past their deadline, once each."""
        now = fields.Datetime.now()
        reviews = self._claim_batch(
            SQL("is_overdue = TRUE, escalated_at = %s", now),
            SQL("escalated_at IS NULL AND deadline < %s", now),
            "deadline",
            batch_size,
            ["is_overdue", "escalated_at"],
        )
        reviews._notify_escalation()
        return reviews

    def _notify_escalation(self):
        """Log the escalation on each record; notify each manager once.

        Batched: the records' notes are written by ``_message_log_batch`` (one
        create, no notification), and every group of escalation users gets ONE
        digest per run listing its records.  A notified ``message_post`` per
        record cost about 12 queries and 10 ms each (mail, inbox, bus,
        follower): 1,000 overdue reviews took 6-11 s instead of about 1 s
        (benchmarks/bench_escalation.py).
        """
        by_record = defaultdict(lambda: self.browse())
        for review in self:
            by_record[review._get_record()] |= review
        escalation_partners = {}
        notes = defaultdict(dict)  # (model, partners) -> {res_id: body}
        digests = defaultdict(list)  # partners -> [item]
        title = self.env._("These reviews missed their deadline and are escalated:")
        for record, reviews in by_record.items():
            partners = self.env["res.partner"]
            for review in reviews:
                key = (review.stage_id, review.company_id)
                if key not in escalation_partners:
                    escalation_partners[key] = review.stage_id._get_escalation_users(
                        review.company_id
                    ).partner_id
                partners |= escalation_partners[key]
            # The note and the managers' digest say when, in the company's time.
            audience = self._governance_audience(partners.user_ids, record.company_id)
            lines = Markup("").join(
                Markup("<li>%s</li>")
                % self.env._(
                    "%(stage)s: due %(deadline)s, reviewers %(users)s",
                    stage=review.stage_id.name,
                    deadline=self._governance_format_time(review.deadline, *audience),
                    users=", ".join(review.reviewer_user_ids.mapped("name")),
                )
                for review in reviews
            )
            notes[record._name, partners][record.id] = Markup(
                "<p>%s</p><ul>%s</ul>"
            ) % (title, lines)
            digests[partners].append(
                Markup('<li><a href="/odoo/%s/%s">%s</a><ul>%s</ul></li>')
                % (record._name, record.id, record.display_name, lines)
            )
        for (model, partners), bodies in notes.items():
            # sudo: the escalation runs from the scheduler.
            self.env[model].browse(list(bodies)).sudo()._message_log_batch(
                bodies=bodies, partner_ids=partners.ids, message_type="comment"
            )
        for partners, items in digests.items():
            if partners:
                # sudo: the escalation runs from the scheduler.
                self.env["mail.thread"].sudo().message_notify(
                    partner_ids=partners.ids,
                    subject=self.env._("Reviews past their deadline"),
                    body=Markup("<p>%s</p><ul>%s</ul>")
                    % (title, Markup("").join(items)),
                )
