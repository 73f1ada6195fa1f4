# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import format_datetime, hmac
from odoo.tools.sql import create_index

from .sale_review_stage import DEPARTMENTS

OPEN_STATES = ("waiting", "pending")


class SaleOrderReview(models.Model):
    _name = "sale.order.review"
    _description = "Sales Order Review"
    _order = "requested_at desc, sequence, id"
    _rec_names_search = ["order_id", "stage_id"]

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    res_model = fields.Char(
        string="Reviewed Model", required=True, index=True, readonly=True
    )
    res_id = fields.Many2oneReference(
        string="Reviewed Record",
        model_field="res_model",
        required=True,
        index=True,
        readonly=True,
    )
    # History outlives what it audits: no database cascade or "set null"
    # removes a review or who decided it; the ORM refuses instead.
    order_id = fields.Many2one(
        "sale.order",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    stage_id = fields.Many2one(
        "sale.review.stage",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    department = fields.Selection(DEPARTMENTS, required=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    state = fields.Selection(
        [
            ("waiting", "Waiting"),
            ("pending", "To Review"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("changes", "Changes Requested"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="waiting",
        readonly=True,
        index=True,
    )
    reviewer_user_ids = fields.Many2many(
        "res.users",
        "sale_order_review_reviewer_rel",
        "review_id",
        "user_id",
        string="Reviewers",
        readonly=True,
        ondelete="restrict",
        context={"active_test": False},
        help="Who may decide, as configured when the record was submitted.",
    )
    submitted_by_id = fields.Many2one("res.users", readonly=True, ondelete="restrict")
    requested_at = fields.Datetime(readonly=True, index=True)
    deadline = fields.Datetime(readonly=True)
    is_overdue = fields.Boolean(string="Overdue", readonly=True, index=True)
    escalated_at = fields.Datetime(readonly=True)
    decided_by_id = fields.Many2one("res.users", readonly=True, ondelete="restrict")
    decided_at = fields.Datetime(readonly=True)
    comment = fields.Text(readonly=True)
    evidence = fields.Json(
        string="Evidence Snapshot",
        readonly=True,
        help="What the reviewer was shown when deciding, kept as it was then.",
    )
    evidence_html = fields.Html(
        string="Evidence", compute="_compute_evidence_html", sanitize=False
    )
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, readonly=True
    )
    user_id = fields.Many2one(
        related="order_id.user_id", string="Salesperson", store=True, readonly=True
    )
    partner_id = fields.Many2one(
        related="order_id.partner_id", string="Customer", readonly=True
    )
    activity_ids = fields.Many2many(
        "mail.activity",
        "sale_order_review_activity_rel",
        "review_id",
        "activity_id",
        readonly=True,
    )
    can_decide = fields.Boolean(
        compute="_compute_can_decide", search="_search_can_decide"
    )
    pending_reviewer_ids = fields.Many2many(
        "res.users",
        "sale_order_review_pending_reviewer_rel",
        "review_id",
        "user_id",
        string="Awaiting Decision From",
        compute="_compute_pending_reviewer_ids",
        store=True,
        help="The reviewers while the review waits for a decision, empty "
        'otherwise: a small table of open work that "My Reviews" searches '
        "instead of every reviewer snapshot ever taken.",
    )
    decided_on_behalf_of_id = fields.Many2one(
        "res.users",
        string="On Behalf Of",
        readonly=True,
        ondelete="restrict",
        help="The reviewer a substitute decided for.",
    )
    round = fields.Integer(
        readonly=True,
        help="Submission this review belongs to; a resubmission starts a new round.",
    )
    changes_requested = fields.Boolean(
        readonly=True,
        help="The reviewer sent the record back for changes instead of deciding.",
    )
    remind_at = fields.Datetime(readonly=True)
    reminded_at = fields.Datetime(readonly=True)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "sale_order_review_attachment_rel",
        "review_id",
        "attachment_id",
        string="Decision Documents",
        readonly=True,
        ondelete="restrict",
        help="Documents given with the decision, e.g. the signed contract or a "
        "bank guarantee.",
    )

    def init(self):
        res = super().init()
        # Partial indexes on the few open rows (see benchmarks/README.md):
        # "My Reviews" / "Overdue Reviews" page through pending reviews in
        # _order and stop after one page instead of sorting them all ...
        create_index(
            self.env.cr,
            "sale_order_review_pending_order_index",
            self._table,
            ["requested_at DESC", "sequence", "id"],
            where="state = 'pending'",
        )
        # ... and the escalation cron claims its batch without scanning
        # every open review.
        create_index(
            self.env.cr,
            "sale_order_review_escalation_index",
            self._table,
            ["deadline"],
            where="state = 'pending' AND escalated_at IS NULL",
        )
        return res

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("order_id", "stage_id")
    def _compute_display_name(self):
        for review in self:
            review.display_name = f"{review.order_id.name} / {review.stage_id.name}"

    @api.depends_context("uid")
    @api.depends("state", "reviewer_user_ids")
    def _compute_can_decide(self):
        deciders = self._deciders()
        for review in self:
            review.can_decide = review.state == "pending" and bool(
                review.reviewer_user_ids & deciders
            )

    @api.depends("state", "reviewer_user_ids")
    def _compute_pending_reviewer_ids(self):
        for review in self:
            review.pending_reviewer_ids = (
                review.reviewer_user_ids if review.state == "pending" else False
            )

    def _search_can_decide(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on reviews to decide."))
        # A many2many condition does not flush the field: compute it first.
        self.flush_model(["pending_reviewer_ids"])
        domain = [
            ("state", "=", "pending"),
            ("pending_reviewer_ids", "in", self._deciders().ids),
        ]
        return domain if (operator == "=") == value else ["!", "&", *domain]

    @api.depends("evidence", "state", "stage_id")
    def _compute_evidence_html(self):
        for review in self:
            data = review.evidence
            if not data and review.state in OPEN_STATES and review.res_id:
                data = review._get_record()._review_evidence(review.department)
            review.evidence_html = self._render_evidence(data or {})

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        decided = self.filtered(lambda review: review.state not in OPEN_STATES)
        if decided:
            raise UserError(
                self.env._(
                    "Review %(review)s was decided on %(date)s and cannot be "
                    "changed: decisions are kept as they were made.",
                    review=decided[0].display_name,
                    date=format_datetime(
                        self.env, decided[0].decided_at or decided[0].write_date
                    ),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "Reviews are part of the history of the records they review and "
                "cannot be deleted, not even before they are requested."
            )
        )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_approve(self, comment=None, attachment_ids=None):
        """Approve the reviews as the current user and move the record on."""
        on_behalf = self._check_can_decide()
        self._decide("approved", comment, on_behalf, attachment_ids)
        return True

    def action_reject(self, comment, attachment_ids=None):
        """Reject the reviews; the record goes back to its owner."""
        self._check_comment(
            comment,
            self.env._(
                "Give the reason of the rejection: the salesperson needs it to "
                "correct the order."
            ),
        )
        on_behalf = self._check_can_decide()
        self._decide("rejected", comment, on_behalf, attachment_ids)
        return True

    def action_request_changes(self, comment, attachment_ids=None):
        """Send the record back to its owner without rejecting it.

        On resubmission only the stages whose evidence changed, and the steps
        after them, are asked again.
        """
        self._check_comment(
            comment,
            self.env._("Say what the salesperson should change."),
        )
        on_behalf = self._check_can_decide()
        self._decide("changes", comment, on_behalf, attachment_ids)
        return True

    def action_bulk_approve(self):
        """Approve the selected reviews one by one; report what was refused."""
        done = self.browse()
        refused = []
        for review in self:
            try:
                with self.env.cr.savepoint():
                    review.action_approve()
                done |= review
            except (UserError, AccessError) as error:
                refused.append(f"{review.display_name}: {error}")
        message = self.env._("%(count)s review(s) approved.", count=len(done))
        if refused:
            message = "\n".join(
                [
                    message,
                    self.env._("%(count)s refused:", count=len(refused)),
                    *refused,
                ]
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Bulk approval"),
                "message": message,
                "type": "warning" if refused else "success",
                "sticky": bool(refused),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_reject_wizard(self):
        return self.env["sale.order.review.decision"]._action_open(self, "reject")

    def action_open_changes_wizard(self):
        return self.env["sale.order.review.decision"]._action_open(self, "changes")

    def action_open_approve_wizard(self):
        return self.env["sale.order.review.decision"]._action_open(self, "approve")

    def action_open_reassign_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reassign Reviews"),
            "res_model": "sale.order.review.reassign",
            "view_mode": "form",
            "target": "new",
            "context": {"default_review_ids": self.ids},
        }

    def action_open_record(self):
        self.ensure_one()
        record = self._get_record()
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _get_record(self):
        self.ensure_one()
        return self.env[self.res_model].browse(self.res_id)

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
            if decision == "rejected":
                record._review_rejected(reviews, comment)
            elif decision == "changes":
                record._review_changes_requested(reviews, comment)
            else:
                record._review_log_approval(reviews, comment)
                record._review_advance_after_approval()

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

    @api.model
    def _evidence_value(self, value):
        if isinstance(value, bool):
            return self.env._("Yes") if value else self.env._("No")
        return escape(value)

    @api.model
    def _render_evidence(self, data):
        """Evidence dict -> HTML table, labels translated at display time."""
        if not data:
            return False
        labels = self.env["sale.order"]._review_evidence_labels()
        rows = Markup("").join(
            Markup("<tr><th>%s</th><td>%s</td></tr>")
            % (labels.get(key, key), self._evidence_value(value))
            for key, value in data.get("items", [])
        )
        html = (
            Markup('<table class="table table-sm o_governance_evidence">%s</table>')
            % rows
        )
        if data.get("lines"):
            columns = data["lines"][0].keys()
            head = Markup("").join(
                Markup("<th>%s</th>") % labels.get(column, column) for column in columns
            )
            body = Markup("").join(
                Markup("<tr>%s</tr>")
                % Markup("").join(
                    Markup("<td>%s</td>") % self._evidence_value(line[column])
                    for column in columns
                )
                for line in data["lines"]
            )
            html += Markup(
                '<table class="table table-sm o_governance_evidence_lines">'
                "<thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
            ) % (head, body)
        return html
