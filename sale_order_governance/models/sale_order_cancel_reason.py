# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SaleOrderCancelReason(models.Model):
    """Why a confirmed order is cancelled (field names kept compatible with
    OCA's ``sale_cancel_reason``, which defines the same model)."""

    _name = "sale.order.cancel.reason"
    _description = "Sales Order Cancellation Reason"
    _order = "sequence, id"

    name = fields.Char(string="Reason", required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
