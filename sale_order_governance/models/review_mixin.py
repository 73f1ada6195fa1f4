# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from . import governance_context as trust
from .engine_fields import ENGINE_OWNED_FIELDS, REVIEW_ENGINE_FIELDS

REVIEW_STATES = [
    ("not_submitted", "Not Submitted"),
    ("in_review", "In Review"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("changes", "Changes Requested"),
]


class SaleGovernanceReviewMixin(models.AbstractModel):
    """The review engine shared by orders, change requests and cancel requests.

    A reviewed model inherits this mixin, sets ``_review_applies_to`` (the
    ``applies_to`` value of its stages) and implements the few hooks below
    (owner, fingerprint, evidence, order).  Reviews are ``sale.order.review``
    rows pointing back with ``res_model``/``res_id``.
    """

    _name = "sale.governance.review.mixin"
    _description = "Sales Governance Review Engine"
    _review_applies_to = "order"

    review_state = fields.Selection(
        REVIEW_STATES,
        default="not_submitted",
        required=True,
        copy=False,
        index=True,
        tracking=True,
        readonly=True,
    )
    governance_review_submitted_at = fields.Datetime(
        string="Review Submitted At", copy=False, readonly=True
    )
    governance_review_round = fields.Integer(
        string="Review Round", copy=False, readonly=True
    )
    governance_review_base_round = fields.Integer(
        string="Review Base Round",
        copy=False,
        readonly=True,
        help="First round whose approvals may be kept after a request for changes.",
    )
    governance_review_changes_requested = fields.Boolean(
        string="Changes Requested",
        copy=False,
        readonly=True,
        help="A reviewer sent the record back for changes; on resubmission the "
        "stages whose evidence did not change keep their approval.",
    )
    governance_review_fingerprint = fields.Char(
        string="Review Fingerprint", copy=False, readonly=True
    )
    governance_review_can_decide = fields.Boolean(
        string="Review Can Decide", compute="_compute_review_can_decide"
    )
    governance_review_overdue = fields.Boolean(
        string="Review Overdue",
        compute="_compute_review_overdue",
        search="_search_review_overdue",
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    def _review_reviews(self):
        # sudo: the engine works on every review of the record, including
        # those the current user may not read (another department's).
        return (
            self.env["sale.order.review"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        )

    @api.depends_context("uid")
    @api.depends("review_state")
    def _compute_review_can_decide(self):
        pending = self.env["sale.order.review"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("can_decide", "=", True),
            ]
        )
        ids = set(pending.mapped("res_id"))
        for record in self:
            record.governance_review_can_decide = record.id in ids

    @api.depends("review_state")
    def _compute_review_overdue(self):
        overdue = self.env["sale.order.review"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("state", "=", "pending"),
                ("is_overdue", "=", True),
            ]
        )
        ids = set(overdue.mapped("res_id"))
        for record in self:
            record.governance_review_overdue = record.id in ids

    def _search_review_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue reviews."))
        query = self.env["sale.order.review"]._search(
            [
                ("res_model", "=", self._name),
                ("state", "=", "pending"),
                ("is_overdue", "=", True),
            ]
        )
        ids_query = query.subselect("res_id")
        op = "in" if (operator == "=") == value else "not in"
        return [("id", op, ids_query)]

    # ------------------------------------------------------------
    # CRUD: ENGINE-OWNED FIELDS
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._governance_check_engine_fields(vals)
        owned = self._governance_engine_fields()
        # Context defaults are the caller's input too: ignored.
        context = {
            key: value
            for key, value in self.env.context.items()
            if not (key.startswith("default_") and key[len("default_") :] in owned)
        }
        records = self
        if len(context) < len(self.env.context):
            # Replaces the context: the ignored defaults must be absent.
            records = self.with_context(context)  # pylint: disable=context-overridden
        return super(SaleGovernanceReviewMixin, records).create(vals_list)

    def write(self, vals):
        self._governance_check_engine_fields(vals)
        return super().write(vals)

    @api.model
    def _governance_engine_fields(self):
        """The fields of this model that only the engine writes."""
        return ENGINE_OWNED_FIELDS.get(self._name, REVIEW_ENGINE_FIELDS)

    @api.model
    def _governance_check_engine_fields(self, names):
        """Refuse callers setting engine-owned fields (``names``: vals keys)."""
        if trust.allowed(self.env, trust.ENGINE):
            return
        owned = [name for name in names if name in self._governance_engine_fields()]
        if owned:
            raise UserError(
                self.env._(
                    "%(fields)s of %(model)s are kept by the sales governance "
                    "engine and cannot be set directly. Use the actions on the "
                    "record (Submit for Review, Approve, Request a change...).",
                    fields=", ".join(
                        self._fields[name]._description_string(self.env)
                        for name in sorted(owned)
                    ),
                    model=self._description,
                )
            )

    def _governance_engine_write(self, vals):
        """The engine's own bookkeeping on these records, as superuser.

        The only path that writes engine-owned fields: callers' values never
        reach it, only the engine's.
        """
        with trust.trusted(self.env, trust.ENGINE) as env:
            return self.with_env(env).sudo().write(vals)

    # ------------------------------------------------------------
    # HOOKS FOR THE REVIEWED MODEL
    # ------------------------------------------------------------

    def _review_order(self):
        """The sales order a review of this record belongs to."""
        raise NotImplementedError

    def _review_owner_users(self):
        """Users who may never review this record (four-eyes)."""
        raise NotImplementedError

    def _review_responsible_user(self):
        """Who gets the record back on rejection."""
        raise NotImplementedError

    def _review_missing_items(self):
        """Labels of the items that must be filled before submission."""
        return []

    def _review_fingerprint_values(self):
        """Values whose change sends the record back through review."""
        raise NotImplementedError

    def _review_evidence(self, department):
        """Evidence dict {"items": [[key, value]], "lines": [{...}]}."""
        return {}

    def _review_evidence_labels(self):
        return {}

    def _review_check_submittable(self):
        """Raise when the record is in no state to be submitted."""

    def _review_approved(self):
        """Called once every review of the record is approved."""

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_submit_for_review(self):
        """Check completeness, then request the applicable reviews."""
        self._review_check_submittable()
        missing = []
        for record in self:
            items = record._review_missing_items()
            if items:
                missing.append(
                    self.env._(
                        "%(record)s is missing: %(items)s",
                        record=record.display_name,
                        items=", ".join(items),
                    )
                )
        if missing:
            raise UserError(
                self.env._(
                    "Complete these items before submitting for review:\n%(items)s",
                    items="\n".join(missing),
                )
            )
        for record in self:
            record._review_submit()
        return True

    def action_review_approve(self):
        reviews = self._review_my_pending()
        reviews.action_approve()
        return True

    def action_review_reject(self):
        reviews = self._review_my_pending()
        return self.env["sale.order.review.decision"]._action_open(reviews, "reject")

    def action_review_request_changes(self):
        reviews = self._review_my_pending()
        return self.env["sale.order.review.decision"]._action_open(reviews, "changes")

    # ------------------------------------------------------------
    # ENGINE
    # ------------------------------------------------------------

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
            vals_list.append(
                {
                    "res_model": self._name,
                    "res_id": self.id,
                    "order_id": order.id,
                    "stage_id": stage.id,
                    "department": stage.department,
                    "sequence": stage.sequence,
                    "reviewer_user_ids": [fields.Command.set(reviewers.ids)],
                    "submitted_by_id": self.env.uid,
                    "round": new_round,
                }
            )
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

    def _review_log_approval(self, reviews, comment):
        for review in reviews:
            body = self.env._(
                "%(stage)s approved by %(user)s.",
                stage=review.stage_id.name,
                user=review._decider_label(),
            )
            if comment:
                body = f"{body} {comment}"
            self._review_post(body)

    def _review_rejected(self, reviews, comment):
        self.ensure_one()
        self._review_reviews()._cancel()
        # The reviewer may only read the record.
        self._governance_engine_write({"review_state": "rejected"})
        stages = ", ".join(reviews.mapped("stage_id.name"))
        message = self.env._(
            "Rejected by %(user)s at %(stages)s: %(reason)s",
            user=reviews[:1]._decider_label(),
            stages=stages,
            reason=comment,
        )
        self._review_post(message)
        responsible = self._review_responsible_user()
        if responsible:
            # sudo: the reviewer may not write on the record.
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Review rejected: correct and resubmit"),
                note=message,
                user_id=responsible.id,
            )

    def _review_changes_requested(self, reviews, comment):
        """Back to the owner for changes; kept approvals survive resubmission."""
        self.ensure_one()
        self._review_reviews()._cancel()
        # The reviewer may only read the record.
        self._governance_engine_write(
            {
                "review_state": "changes",
                "governance_review_changes_requested": True,
            }
        )
        message = self.env._(
            "Changes requested by %(user)s at %(stages)s: %(comment)s",
            user=reviews[:1]._decider_label(),
            stages=", ".join(reviews.mapped("stage_id.name")),
            comment=comment,
        )
        self._review_post(message)
        responsible = self._review_responsible_user()
        if responsible:
            # sudo: the reviewer may not write on the record.
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Changes requested: edit and resubmit"),
                note=message,
                user_id=responsible.id,
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
