# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from .governed_fields import GOVERNED_LINE_FIELDS


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._governance_forget_fingerprints()
        lines.order_id._governance_watched()._review_check_fingerprint()
        return lines

    def write(self, vals):
        if not set(GOVERNED_LINE_FIELDS).intersection(vals):
            return super().write(vals)
        self.order_id._governance_forget_fingerprints()
        orders = self.order_id._governance_watched()
        res = super().write(vals)
        self.order_id._governance_forget_fingerprints()
        orders._review_check_fingerprint()
        return res

    def unlink(self):
        self.order_id._governance_forget_fingerprints()
        orders = self.order_id._governance_watched()
        res = super().unlink()
        orders.exists()._review_check_fingerprint()
        return res
