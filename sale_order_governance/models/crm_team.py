# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"  # pylint: disable=consider-merging-classes-inherited

    governance_discount_authority = fields.Boolean(
        string="Own Discount Authority",
        help="The salespeople of this team may grant the maximum discount below "
        "instead of the company's default.",
    )
    governance_max_discount = fields.Float(
        string="Maximum Discount (%)",
        help="How far below the pricelist price the team's orders may be sold "
        "(line discount and lowered unit price together) before they are "
        "flagged abnormal.",
    )
