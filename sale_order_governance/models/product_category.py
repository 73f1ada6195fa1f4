# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"  # pylint: disable=consider-merging-classes-inherited

    governance_min_margin_custom = fields.Boolean(
        string="Own Minimum Margin",
        company_dependent=True,
        help="Products of this category (and of its subcategories without a "
        "minimum of their own) use the minimum margin below instead of the "
        "company's.",
    )
    governance_min_margin = fields.Float(
        string="Minimum Margin (%)",
        company_dependent=True,
        help="Order lines of these products whose margin on the product's cost "
        "is below this share of their untaxed amount are flagged abnormal.",
    )
