# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_datetime
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
        with self.env["sale.review.delegation"]._delegators_memo():
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
        with self.env["sale.review.delegation"]._delegators_memo():
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
        with self.env["sale.review.delegation"]._delegators_memo():
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
