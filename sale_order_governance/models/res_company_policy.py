# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

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
