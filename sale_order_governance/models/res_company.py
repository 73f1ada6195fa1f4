# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    governance_review_sla_hours = fields.Float(
        string="Review Answer Deadline (Working Hours)",
        default=24.0,
        help="Default answer deadline of new review stages, in working hours "
        "of the company's calendar.",
    )
    governance_review_reminder_ratio = fields.Float(
        string="Remind Reviewers At (Share of Deadline)",
        default=0.75,
        help="Reviewers whose review is still pending when this share of the "
        "answer deadline has passed get one reminder (0.75 = 75 %). 0 disables it.",
    )
    governance_require_line_prices = fields.Boolean(
        string="Require Prices on Every Line",
        default=True,
        help="An order with a product line at price zero cannot be submitted "
        "for review.",
    )
    governance_credit_overdue_tolerance_days = fields.Integer(
        string="Overdue Tolerance (Days)",
        default=30,
        help="Default number of days an invoice may be overdue before the "
        "customer's orders are blocked. A customer may have its own tolerance.",
    )
    governance_credit_block_delivery = fields.Boolean(
        string="Hold Deliveries of Blocked Customers",
        help="Refuse validating outgoing deliveries of customers on credit hold, "
        "over their credit limit or overdue beyond tolerance, unless a credit "
        "controller released the order.",
    )
    governance_credit_prepayment_mode = fields.Selection(
        [
            ("confirmation", "Before confirmation"),
            ("delivery", "Before delivery"),
        ],
        string="Prepayment Required",
        default="confirmation",
        required=True,
        help="For customers who must pay in advance: block the confirmation of "
        "their orders until paid, or confirm them and hold the deliveries until "
        "paid.",
    )
    # Tracking and KPI thresholds (issue 6)
    governance_entry_check_hours = fields.Float(
        string="Order Entry Checked Within (Working Hours)",
        default=4.0,
        help="An order should be submitted for review within this many working "
        "hours of its creation; the governance report measures it per salesperson.",
    )
    governance_shipment_days = fields.Float(
        string="Ship Within (Working Days)",
        default=3.0,
        help="A confirmed order should be fully shipped within this many working "
        "days of its confirmation; the governance report measures it.",
    )
    governance_auto_close = fields.Boolean(
        string="Close Orders Automatically",
        default=True,
        help="A scheduled action closes and locks confirmed orders once they are "
        "delivered, invoiced and paid with no open change or cancel request.",
    )
    governance_review_delay_points = fields.Float(
        string="Review-Delay Score per Day",
        default=1.0,
        help="Points a reviewer is charged per day a review is late "
        "(每拖延一天扣考核分1分), summed in the review report.",
    )
    governance_late_risk_days = fields.Integer(
        string="Late-Risk Horizon (Days)",
        default=3,
        help="A confirmed order whose goods are not ready is flagged at late risk "
        "when its committed delivery date is this many days away or less.",
    )
