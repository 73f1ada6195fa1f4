# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    governance_review_sla_hours = fields.Float(
        related="company_id.governance_review_sla_hours", readonly=False
    )
    governance_review_reminder_ratio = fields.Float(
        related="company_id.governance_review_reminder_ratio", readonly=False
    )
    governance_require_line_prices = fields.Boolean(
        related="company_id.governance_require_line_prices", readonly=False
    )
    governance_credit_overdue_tolerance_days = fields.Integer(
        related="company_id.governance_credit_overdue_tolerance_days", readonly=False
    )
    governance_credit_block_delivery = fields.Boolean(
        related="company_id.governance_credit_block_delivery", readonly=False
    )
    governance_credit_prepayment_mode = fields.Selection(
        related="company_id.governance_credit_prepayment_mode", readonly=False
    )
    governance_entry_check_hours = fields.Float(
        related="company_id.governance_entry_check_hours", readonly=False
    )
    governance_shipment_days = fields.Float(
        related="company_id.governance_shipment_days", readonly=False
    )
    governance_auto_close = fields.Boolean(
        related="company_id.governance_auto_close", readonly=False
    )
    governance_review_delay_points = fields.Float(
        related="company_id.governance_review_delay_points", readonly=False
    )
    governance_late_risk_days = fields.Integer(
        related="company_id.governance_late_risk_days", readonly=False
    )

    def action_open_governance_required_fields(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "sale_order_governance.sale_governance_required_field_action"
        )
