# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the KPIs count from: the first confirmation and the promised date.

A cancelled order keeps the date it was first confirmed, so that the cancel
rate counts confirmed orders later cancelled, not abandoned quotations. The
promised date is the delivery date as the order was approved and confirmed
(or as an approved change request moved it): fulfilment lateness counts
from it (政策 002 §12).
"""

from odoo import fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

KPI_COLUMNS = ("governance_confirmed_date", "governance_promised_date")


def create_kpi_columns(cr):
    """Create and fill the KPI columns of ``sale_order`` in one UPDATE.

    History: orders confirmed now, and cancelled orders that went through a
    confirmation (a transfer, an invoice or a cancel request exists), count
    as confirmed on their order date; their promise is their committed date.
    """
    created = []
    for name in KPI_COLUMNS:
        if not column_exists(cr, "sale_order", name):
            create_column(cr, "sale_order", name, "timestamp")
            created.append(name)
    if not created:
        return created
    cancel_request = SQL("FALSE")
    cr.execute(SQL("SELECT to_regclass('sale_order_cancel_request') IS NOT NULL"))
    if cr.fetchone()[0]:
        cancel_request = SQL(
            "EXISTS (SELECT 1 FROM sale_order_cancel_request r "
            "WHERE r.order_id = so.id)"
        )
    cr.execute(
        SQL(
            """
            UPDATE sale_order so
               SET governance_confirmed_date = so.date_order,
                   governance_promised_date = so.commitment_date
             WHERE so.state IN ('sale', 'done')
                OR (so.state = 'cancel'
                    AND (EXISTS (SELECT 1 FROM stock_picking p
                                  WHERE p.sale_id = so.id)
                         OR EXISTS (SELECT 1 FROM sale_order_line l
                                      JOIN sale_order_line_invoice_rel rel
                                        ON rel.order_line_id = l.id
                                     WHERE l.order_id = so.id)
                         OR %(cancel_request)s))
            """,
            cancel_request=cancel_request,
        )
    )
    return created


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    governance_confirmed_date = fields.Datetime(
        string="First Confirmed On",
        readonly=True,
        copy=False,
        help="When the order was first confirmed; kept if it is cancelled later. "
        "The cancel and change rates count the orders that have it.",
    )
    governance_promised_date = fields.Datetime(
        string="Promised Delivery Date",
        readonly=True,
        copy=False,
        help="The delivery date as the order was approved and confirmed, or as "
        "an approved change request moved it. Deliveries and manufacturing "
        "orders finished after it are late.",
    )

    def _action_confirm(self):
        res = super()._action_confirm()
        now = fields.Datetime.now()
        for order in self:
            vals = {"governance_promised_date": order.commitment_date}
            if not order.governance_confirmed_date:
                vals["governance_confirmed_date"] = now
            # The engine's bookkeeping; the salesperson confirms.
            order._governance_engine_write(vals)
        return res


class SaleOrderChangeRequest(models.Model):
    _inherit = "sale.order.change.request"  # pylint: disable=consider-merging-classes-inherited

    def _apply_finish(self, order):
        res = super()._apply_finish(order)
        if self.touches_date:
            # The new date was approved with the change: it is the promise now.
            order._governance_engine_write(
                {"governance_promised_date": self.new_commitment_date}
            )
        return res
