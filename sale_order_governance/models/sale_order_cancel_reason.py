# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL


class SaleOrderCancelReason(models.Model):
    """Why a confirmed order is cancelled.

    OCA's ``sale_cancel_reason`` defines the same model (``name`` only). Odoo
    keeps the class of the module loaded last, so the fields here stay a
    superset of that add-on's, and the table carries column defaults (see
    :meth:`init`).
    """

    _name = "sale.order.cancel.reason"
    _description = "Sales Order Cancellation Reason"
    _order = "sequence, id"

    name = fields.Char(string="Reason", required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)

    def init(self):
        res = super().init()
        # While sale_cancel_reason is installed on a database that already
        # has this add-on, its own class replaces this one in the installing
        # registry: the reasons it creates then are stored without ``active``
        # nor ``sequence``, and a missing ``active`` would archive them. The
        # column defaults give such rows their values; rows stored that way
        # before are repaired.
        cr = self.env.cr
        table = SQL.identifier(self._table)
        cr.execute(
            SQL(
                "ALTER TABLE %s ALTER COLUMN active SET DEFAULT true,"
                " ALTER COLUMN sequence SET DEFAULT 10",
                table,
            )
        )
        cr.execute(SQL("UPDATE %s SET active = true WHERE active IS NULL", table))
        cr.execute(SQL("UPDATE %s SET sequence = 10 WHERE sequence IS NULL", table))
        return res
