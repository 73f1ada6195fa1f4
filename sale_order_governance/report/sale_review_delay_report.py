# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from ..models.sale_review_stage import DEPARTMENTS

# Row ids: the review's id shifted left of the accountable user's id (users
# below 16 million; ids stay below 2**53 for the web client up to half a
# billion reviews).
ID_SHIFT = 2**24


class SaleReviewDelayReport(models.Model):
    """One row per late review and reviewer accountable for it (审批延误扣分).

    Accountable are the reviewers who held the review when its deadline
    passed (``sale.order.review.late_reviewer_ids``), or, for a review still
    waiting that the escalation has not reached yet, its reviewers now. The
    delay runs from the deadline to the decision, to the cancellation of a
    review superseded by an edit, or to now for a review still waiting; it is
    scored per day late at the company's review-delay points per day. Each
    accountable reviewer gets the review's full points.
    """

    _name = "sale.review.delay.report"
    _inherit = ["sale.governance.report.mixin"]
    _description = "Review Delay Accountability"
    _auto = False
    _rec_name = "review_id"
    _order = "deadline desc, id desc"
    _depends = {
        "sale.order.review": [
            "order_id",
            "stage_id",
            "department",
            "company_id",
            "user_id",
            "reviewer_user_ids",
            "late_reviewer_ids",
            "decided_by_id",
            "decided_on_behalf_of_id",
            "decided_at",
            "cancelled_at",
            "deadline",
            "state",
        ],
        "sale.order": ["partner_id", "team_id"],
        "res.company": ["governance_review_delay_points"],
    }

    review_id = fields.Many2one("sale.order.review", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    stage_id = fields.Many2one("sale.review.stage", readonly=True)
    department = fields.Selection(DEPARTMENTS, readonly=True)
    reviewer_id = fields.Many2one(
        "res.users",
        string="Accountable Reviewer",
        readonly=True,
        help="Held the review when its deadline passed.",
    )
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    deadline = fields.Datetime(readonly=True)
    closed_at = fields.Datetime(
        string="Closed On",
        readonly=True,
        help="Decided or cancelled on; empty while the review waits.",
    )
    state = fields.Selection(
        [
            ("pending", "To Review"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        readonly=True,
    )
    outcome = fields.Selection(
        [
            ("pending", "Still Waiting"),
            ("decided", "Decided by the Reviewer"),
            ("substitute", "Decided by Someone Else"),
            ("superseded", "Cancelled Without a Decision"),
        ],
        readonly=True,
        help="What became of the review after it went late.",
    )
    delay_days = fields.Float(string="Delay (Days)", readonly=True)
    delay_score = fields.Float(
        string="Delay Points",
        readonly=True,
        help="Days late times the company's review-delay points per day.",
    )

    def _query(self):
        now = SQL("(now() AT TIME ZONE 'UTC')")
        return SQL(
            """
            WITH ended AS (
                SELECT r.*,
                       CASE WHEN r.state = 'pending' THEN %(now)s
                            ELSE COALESCE(r.decided_at, r.cancelled_at) END
                           AS end_at
                  FROM sale_order_review r
                 WHERE r.deadline IS NOT NULL AND r.state != 'waiting'
            ),
            holders AS (
                SELECT l.review_id, l.user_id FROM sale_order_review_late_reviewer_rel l
                UNION ALL
                SELECT rr.review_id, rr.user_id
                  FROM sale_order_review_reviewer_rel rr
                 WHERE NOT EXISTS (SELECT 1 FROM sale_order_review_late_reviewer_rel l
                                    WHERE l.review_id = rr.review_id)
            )
            SELECT r.id::bigint * %(shift)s + h.user_id AS id,
                   r.id AS review_id,
                   r.order_id AS order_id,
                   r.stage_id AS stage_id,
                   r.department AS department,
                   h.user_id AS reviewer_id,
                   r.decided_by_id AS decided_by_id,
                   r.company_id AS company_id,
                   r.user_id AS user_id,
                   o.partner_id AS partner_id,
                   o.team_id AS team_id,
                   r.deadline AS deadline,
                   COALESCE(r.decided_at, r.cancelled_at) AS closed_at,
                   r.state AS state,
                   CASE WHEN r.state = 'pending' THEN 'pending'
                        WHEN r.decided_by_id IS NULL THEN 'superseded'
                        WHEN r.decided_by_id = h.user_id THEN 'decided'
                        ELSE 'substitute' END AS outcome,
                   EXTRACT(EPOCH FROM r.end_at - r.deadline) / 86400.0 AS delay_days,
                   EXTRACT(EPOCH FROM r.end_at - r.deadline) / 86400.0
                       * COALESCE(c.governance_review_delay_points, 1.0)
                       AS delay_score
              FROM ended r
              JOIN holders h ON h.review_id = r.id
              LEFT JOIN sale_order o ON o.id = r.order_id
              LEFT JOIN res_company c ON c.id = r.company_id
             WHERE r.end_at > r.deadline
            """,
            now=now,
            shift=ID_SHIFT,
        )

    def action_open_review(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order.review",
            "res_id": self.review_id.id,
            "views": [(False, "form")],
        }
