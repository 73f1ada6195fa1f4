# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import datetime, dateutil, safe_eval, time

from .governance_deadline import (
    DEFAULT_SLA_MODE,
    SLA_MODES,
    plan_deadline,
    working_share,
)

DEPARTMENTS = [
    ("sales", "Sales"),
    ("finance", "Finance"),
    ("warehouse", "Warehouse"),
    ("production", "Production"),
    ("purchase", "Purchasing"),
    ("legal", "Technical / Legal"),
    ("management", "General Management"),
    ("other", "Other"),
]


def eval_domain(env, domain):
    """A domain typed by a consultant with Odoo's domain editor, evaluated."""
    if not domain:
        return []
    return safe_eval(
        domain,
        {
            "datetime": datetime,
            "time": time,
            "relativedelta": dateutil.relativedelta.relativedelta,
            "context_today": lambda: fields.Date.context_today(env.user),
            "uid": env.uid,
            "user": env.user,
        },
    )


class SaleReviewStage(models.Model):
    _name = "sale.review.stage"
    _description = "Sales Review Stage"
    _order = "applies_to, sequence, id"
    _check_company_auto = True

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(
        default=10,
        help="Stages with a lower sequence are reviewed first. Stages with the "
        "same sequence form one step and are reviewed in parallel.",
    )
    department = fields.Selection(
        DEPARTMENTS,
        required=True,
        default="sales",
        help="The department that answers this stage; it decides which evidence "
        "the reviewer is shown.",
    )
    applies_to = fields.Selection(
        selection="_selection_applies_to",
        required=True,
        default="order",
        help="The kind of record this stage reviews.",
    )
    model_name = fields.Char(compute="_compute_model_name")
    domain = fields.Char(
        string="Applies When",
        help="Only records matching this filter go through this stage. "
        "Leave empty to review every record.",
    )
    reviewer_group_id = fields.Many2one(
        "res.groups",
        ondelete="restrict",
        help="Every internal user of this group may decide the stage.",
    )
    reviewer_user_ids = fields.Many2many(
        "res.users",
        "sale_review_stage_reviewer_rel",
        "stage_id",
        "user_id",
        string="Reviewers",
        domain=[("share", "=", False)],
        help="Users who may decide the stage, in addition to the reviewer group.",
    )
    sla_hours = fields.Float(
        string="Answer Within (Hours)",
        default=lambda self: self.env.company.governance_review_sla_hours or 24.0,
        help="Deadline for the answer from the moment the stage is requested, "
        "counted as the deadline mode says.",
    )
    sla_mode = fields.Selection(
        SLA_MODES,
        string="Deadline Counted In",
        required=True,
        default=DEFAULT_SLA_MODE,
        help="Same Time, Next Working Day: every 24 hours is one working day of "
        "the company's calendar at the same clock time (24 hours asked on Friday "
        "at 16:00 are due on Monday at 16:00), the hours beyond are working "
        "hours. Working Hours: hours of the calendar's working time only (24 "
        "hours are three days on an 8-hour calendar). Calendar Hours: clock "
        "hours, nights and weekends included.",
    )
    escalation_user_ids = fields.Many2many(
        "res.users",
        "sale_review_stage_escalation_rel",
        "stage_id",
        "user_id",
        string="Escalate To",
        domain=[("share", "=", False)],
        help="Notified once when a review of this stage misses its deadline. "
        "Empty: the governance managers of the company are notified.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to use the stage in every company.",
    )
    review_count = fields.Integer(compute="_compute_review_count")

    _sql_constraints = [
        (
            "sla_hours_positive",
            "CHECK(sla_hours > 0)",
            "The answer deadline of a review stage must be positive.",
        ),
    ]

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.model
    def _governed_models(self):
        """{applies_to: model name} of every model the review engine governs.

        A governed model inherits ``sale.governance.review.mixin`` and names
        itself with ``_review_applies_to``: stages, the review report and the
        engine find it here, with no list to edit.
        """
        return {
            model._review_applies_to: name
            for name, model in self.env.registry.items()
            if not model._abstract and getattr(model, "_review_applies_to", None)
        }

    @api.model
    def _selection_applies_to(self):
        return [
            (key, self.env[name]._review_applies_to_label())
            for key, name in self._governed_models().items()
        ]

    @api.depends("applies_to")
    def _compute_model_name(self):
        for stage in self:
            stage.model_name = self._governed_models().get(stage.applies_to)

    def _compute_review_count(self):
        counts = dict(
            self.env["sale.order.review"]._read_group(
                [("stage_id", "in", self.ids)], ["stage_id"], ["__count"]
            )
        )
        for stage in self:
            stage.review_count = counts.get(stage, 0)

    # ------------------------------------------------------------
    # CONSTRAINT METHODS
    # ------------------------------------------------------------

    @api.constrains("reviewer_group_id", "reviewer_user_ids")
    def _check_reviewers(self):
        for stage in self:
            if not stage.reviewer_group_id and not stage.reviewer_user_ids:
                raise ValidationError(
                    self.env._(
                        "Review stage %(stage)s needs a reviewer group or at least "
                        "one reviewer.",
                        stage=stage.name,
                    )
                )

    @api.constrains("domain", "applies_to")
    def _check_domain(self):
        for stage in self.filtered("domain"):
            if not stage.model_name:
                continue
            try:
                self.env[stage.model_name].search(stage._get_domain(), limit=1)
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "The filter of review stage %(stage)s is not valid: %(error)s",
                        stage=stage.name,
                        error=error,
                    )
                ) from error

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        stages = super().create(vals_list)
        self.env.registry.clear_cache()
        return stages

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        # sudo: reviews of every company and user keep the stage.
        if (
            self.env["sale.order.review"]
            .sudo()
            .search_count([("stage_id", "in", self.ids)], limit=1)
        ):
            raise ValidationError(
                self.env._(
                    "Review stages that have reviews keep the history of those "
                    "decisions and cannot be deleted. Archive them instead."
                )
            )

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    @api.model
    @tools.ormcache("applies_to", "company_id")
    def _get_stage_ids(self, applies_to, company_id):
        """Active stages of a kind usable in a company, in review order."""
        # sudo: which stages apply is configuration, not the caller's business.
        stages = self.sudo().search(
            [
                ("applies_to", "=", applies_to),
                ("company_id", "in", [False, company_id]),
            ]
        )
        return tuple(stages.ids)

    def _get_domain(self):
        self.ensure_one()
        return eval_domain(self.env, self.domain)

    def _get_reviewers(self, company):
        """Internal users who may decide this stage for a record of ``company``."""
        self.ensure_one()
        users = self.reviewer_user_ids | self.reviewer_group_id.users
        return users.filtered(
            lambda user: not user.share and user.active and company in user.company_ids
        )

    def _plan_deadline(self, start, company, hours=None):
        """When an answer requested at ``start`` is due (naive UTC)."""
        self.ensure_one()
        return plan_deadline(
            company.resource_calendar_id,
            start,
            self.sla_hours if hours is None else hours,
            self.sla_mode,
        )

    def _plan_reminder(self, start, deadline, ratio, company):
        """When ``ratio`` of the time to answer is used, counted as the
        deadline is (working time, or clock time for calendar hours)."""
        self.ensure_one()
        calendar = company.resource_calendar_id
        if self.sla_mode == "calendar_hours":
            calendar = False
        return working_share(calendar, start, deadline, ratio)

    def _get_escalation_users(self, company):
        self.ensure_one()
        users = self.escalation_user_ids or self.env.ref(
            "sale_order_governance.group_governance_manager"
        ).users.filtered(lambda user: company in user.company_ids)
        return users.filtered(lambda user: user.active and not user.share)

    def action_open_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_order_governance.sale_order_review_action"
        )
        action["domain"] = [("stage_id", "=", self.id)]
        action["context"] = {}
        return action
