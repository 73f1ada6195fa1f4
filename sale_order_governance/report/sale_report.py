# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..models.sale_order_progress import GOVERNANCE_STAGES


class SaleReport(models.Model):
    """Odoo's line-level Sales Analysis, with the order's governance stage.

    Product-level questions (margin per product and stage) are asked here;
    the order-level KPIs live in ``sale.governance.report``.
    """

    _inherit = "sale.report"  # pylint: disable=consider-merging-classes-inherited

    governance_stage = fields.Selection(
        GOVERNANCE_STAGES, string="Order Stage", readonly=True
    )
    governance_late_risk = fields.Boolean(string="Late Risk", readonly=True)

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        # s.id is grouped on: its columns may be selected as they are.
        res["governance_stage"] = "s.governance_stage"
        res["governance_late_risk"] = "s.late_risk"
        return res
