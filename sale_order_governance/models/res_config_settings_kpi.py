# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    governance_fulfilment_delay_points = fields.Float(
        related="company_id.governance_fulfilment_delay_points", readonly=False
    )
    governance_bad_debt_days = fields.Integer(
        related="company_id.governance_bad_debt_days", readonly=False
    )
    governance_bad_debt_account_ids = fields.Many2many(
        related="company_id.governance_bad_debt_account_ids", readonly=False
    )
    governance_monthly_summary = fields.Boolean(
        related="company_id.governance_monthly_summary", readonly=False
    )
