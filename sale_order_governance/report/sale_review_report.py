# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from ..models.sale_order_progress import GOVERNANCE_STAGES
from ..models.sale_review_stage import DEPARTMENTS


class SaleReviewReport(models.Model):
    """One row per review asked (decided, or still pending): SLA per department.

    Hours are the working hours of the company's calendar, fixed on the
    review when it is decided (``sale.order.review.hours_taken``).
    """

    _name = "sale.review.report"
    _inherit = ["sale.governance.report.mixin"]
    _description = "Review Performance Analysis"
    _auto = False
    _rec_name = "review_id"
    _order = "requested_at desc, id desc"
    # Pending ORM changes of these fields are written before the view is read.
    _depends = {
        "sale.order.review": [
            "order_id",
            "stage_id",
            "department",
            "decided_by_id",
            "company_id",
            "user_id",
            "requested_at",
            "request_date",
            "decided_at",
            "deadline",
            "state",
            "round",
            "hours_taken",
        ],
        # The order's stage is copied on its reviews by the database.
        "sale.order": ["partner_id", "team_id", "governance_stage"],
        "sale.review.stage": ["applies_to"],
        "res.company": ["governance_review_delay_points"],
    }

    # ------------------------------------------------------------
    # FIELDS (dimensions)
    # ------------------------------------------------------------

    review_id = fields.Many2one("sale.order.review", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    request_type = fields.Selection(
        selection=lambda self: self.env["sale.review.stage"]._selection_applies_to(),
        string="Reviewed",
        readonly=True,
    )
    stage_id = fields.Many2one("sale.review.stage", readonly=True)
    department = fields.Selection(DEPARTMENTS, readonly=True)
    reviewer_id = fields.Many2one("res.users", readonly=True, help="Who decided.")
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    governance_stage = fields.Selection(
        GOVERNANCE_STAGES,
        string="Order Stage",
        readonly=True,
        help="Where the reviewed order stands now.",
    )
    requested_at = fields.Datetime(string="Requested On", readonly=True)
    request_date = fields.Date(
        readonly=True,
        help="Day the review was asked, in the time zone of the company's "
        "working calendar.",
    )
    decided_at = fields.Datetime(string="Decided On", readonly=True)
    deadline = fields.Datetime(readonly=True)
    state = fields.Selection(
        [
            ("pending", "To Review"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("changes", "Changes Requested"),
        ],
        readonly=True,
    )
    round = fields.Integer(string="Submission", readonly=True, aggregator="max")
    is_late = fields.Boolean(
        string="Late",
        readonly=True,
        help="Decided after its deadline, or still pending past it.",
    )

    # ------------------------------------------------------------
    # FIELDS (measures)
    # ------------------------------------------------------------

    hours_taken = fields.Float(
        string="Hours Taken (Working Hours)", aggregator="avg", readonly=True
    )
    on_time_rate = fields.Float(
        string="Answered On Time (%)",
        aggregator="avg",
        readonly=True,
        help="Decided reviews: decided before their deadline.",
    )
    first_pass_rate = fields.Float(
        string="First-Pass Approval (%)",
        aggregator="avg",
        readonly=True,
        help="Decided reviews: approved at the record's first submission.",
    )
    delay_days = fields.Float(
        string="Delay (Days)",
        readonly=True,
        help="Days past the deadline, decided or still pending; summed per "
        "reviewer it is the review-delay score.",
    )
    delay_score = fields.Float(
        readonly=True,
        help="Days late times the company's review-delay points per day. Who "
        "answers for it (whoever held the review when it went late, also for "
        "reviews cancelled by an edit) is in Review Delays.",
    )
    decided_count = fields.Integer(string="# Decided", readonly=True)
    pending_count = fields.Integer(string="# Pending", readonly=True)
    late_count = fields.Integer(string="# Late", readonly=True)

    # ------------------------------------------------------------
    # VIEW
    # ------------------------------------------------------------

    def _query(self):
        return SQL(
            """
            SELECT r.id AS id,
                   r.id AS review_id,
                   r.order_id AS order_id,
                   st.applies_to AS request_type,
                   r.stage_id AS stage_id,
                   r.department AS department,
                   r.decided_by_id AS reviewer_id,
                   r.company_id AS company_id,
                   r.user_id AS user_id,
                   o.partner_id AS partner_id,
                   o.team_id AS team_id,
                   r.order_governance_stage AS governance_stage,
                   r.requested_at AS requested_at,
                   r.request_date AS request_date,
                   r.decided_at AS decided_at,
                   r.deadline AS deadline,
                   r.state AS state,
                   r.round AS round,
                   COALESCE(COALESCE(r.decided_at, %(now)s) > r.deadline, FALSE)
                       AS is_late,
                   CASE WHEN r.decided_at IS NOT NULL THEN r.hours_taken END
                       AS hours_taken,
                   CASE WHEN r.decided_at IS NOT NULL AND r.deadline IS NOT NULL
                        THEN CASE WHEN r.decided_at <= r.deadline
                                  THEN 100.0 ELSE 0.0 END
                   END AS on_time_rate,
                   CASE WHEN r.decided_at IS NOT NULL
                        THEN CASE WHEN r.state = 'approved' AND r.round = 1
                                  THEN 100.0 ELSE 0.0 END
                   END AS first_pass_rate,
                   GREATEST(EXTRACT(EPOCH FROM COALESCE(r.decided_at, %(now)s)
                                               - r.deadline) / 86400.0, 0.0)
                       AS delay_days,
                   GREATEST(EXTRACT(EPOCH FROM COALESCE(r.decided_at, %(now)s)
                                               - r.deadline) / 86400.0, 0.0)
                       * COALESCE(c.governance_review_delay_points, 1.0)
                       AS delay_score,
                   CASE WHEN r.decided_at IS NOT NULL THEN 1 ELSE 0 END
                       AS decided_count,
                   CASE WHEN r.state = 'pending' THEN 1 ELSE 0 END AS pending_count,
                   CASE WHEN COALESCE(r.decided_at, %(now)s) > r.deadline
                        THEN 1 ELSE 0 END AS late_count
              FROM sale_order_review r
              LEFT JOIN sale_review_stage st ON st.id = r.stage_id
              LEFT JOIN sale_order o ON o.id = r.order_id
              LEFT JOIN res_company c ON c.id = r.company_id
             WHERE r.decided_at IS NOT NULL OR r.state = 'pending'
            """,
            now=SQL("(now() AT TIME ZONE 'UTC')"),
        )

    def action_open_review(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order.review",
            "res_id": self.review_id.id,
            "views": [(False, "form")],
        }
