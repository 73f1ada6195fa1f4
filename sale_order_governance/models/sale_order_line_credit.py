# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Order lines and the credit exposure service: what moves an order's open
amount, and the index the service reads."""

from odoo import api, models
from odoo.tools import SQL
from odoo.tools.sql import create_index
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Computed credit fields of an order, refreshed before each gate decision.
from .sale_order_credit import (
    CREDIT_AMOUNT_LINE_FIELDS,
)


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"  # pylint: disable=consider-merging-classes-inherited

    def init(self):
        res = super().init()
        # The open order lines are in the running totals of the credit
        # exposure (sale_credit_exposure_totals.py): no covering index.
        self.env.cr.execute(
            SQL("DROP INDEX IF EXISTS sale_order_line_governance_credit_open_idx")
        )
        # Down payments of one customer, deducted from its open orders.
        create_index(
            self.env.cr,
            "sale_order_line_governance_credit_down_idx",
            self._table,
            ["order_partner_id", "company_id"],
            where="is_downpayment",
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        order_ids = {vals.get("order_id") for vals in vals_list if vals.get("order_id")}
        confirmed = (
            self.env["sale.order"]
            .browse(order_ids)
            .filtered(lambda order: order.state == "sale")
        )
        before = {order.id: order.amount_total for order in confirmed}
        lines = super().create(vals_list)
        confirmed._credit_check_growth(before)
        return lines

    def write(self, vals):
        if not CREDIT_AMOUNT_LINE_FIELDS.intersection(vals):
            return super().write(vals)
        confirmed = self.order_id.filtered(lambda order: order.state == "sale")
        before = {order.id: order.amount_total for order in confirmed}
        res = super().write(vals)
        confirmed._credit_check_growth(before)
        return res
