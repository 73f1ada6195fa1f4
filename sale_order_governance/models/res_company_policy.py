# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # Abnormal orders (异常订单)
    governance_max_discount = fields.Float(
        string="Default Maximum Discount (%)",
        default=10.0,
        help="How far below the pricelist price a salesperson may sell (line "
        "discount and lowered unit price together), unless the sales team of "
        "the order has its own authority. Beyond it the order is flagged "
        "abnormal.",
    )
    governance_min_margin = fields.Float(
        string="Minimum Margin (%)",
        default=0.0,
        help="A line whose margin on the product's cost is below this share of "
        "its untaxed amount is flagged abnormal, unless its product category has "
        "a minimum of its own. 0 flags the lines sold at a loss.",
    )
    governance_quantity_factor = fields.Float(
        string="Abnormal Quantity Factor",
        default=5.0,
        help="A product ordered more than this many times the customer's average "
        "quantity per confirmed order is flagged abnormal. 0 disables the check; "
        "products the customer never bought are not flagged.",
    )
    # Timing rules (时限)
    governance_forward_hours = fields.Float(
        string="Forward to Review Within (Hours)",
        default=24.0,
        help="An order should be submitted for review within this time of its "
        "receipt (销售人员应在接到订单后24小时内将订单信息反馈给相关部门), counted "
        "as the same clock time on the next working day per 24 hours. 0 disables "
        "the check.",
    )
    governance_review_max_hours = fields.Float(
        string="Whole Review Within (Hours)",
        default=72.0,
        help="Cap of the deadline of the whole review (the sum of its steps' "
        "deadlines), counted as the same clock time on the next working day per "
        "24 hours. 0: no cap.",
    )
