# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    governance_forward_hours = fields.Float(
        related="company_id.governance_forward_hours", readonly=False
    )
    governance_review_max_hours = fields.Float(
        related="company_id.governance_review_max_hours", readonly=False
    )
