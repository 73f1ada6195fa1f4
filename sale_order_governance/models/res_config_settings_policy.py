# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    governance_max_discount = fields.Float(
        related="company_id.governance_max_discount", readonly=False
    )
    governance_min_margin = fields.Float(
        related="company_id.governance_min_margin", readonly=False
    )
    governance_quantity_factor = fields.Float(
        related="company_id.governance_quantity_factor", readonly=False
    )
    governance_forward_hours = fields.Float(
        related="company_id.governance_forward_hours", readonly=False
    )
    governance_review_max_hours = fields.Float(
        related="company_id.governance_review_max_hours", readonly=False
    )

    def action_open_governance_document_rules(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "sale_order_governance.sale_governance_document_rule_action"
        )
