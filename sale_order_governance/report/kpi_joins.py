# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Per-order aggregates the order KPIs join (one row per order, or none).

Each is a LEFT JOIN on a subquery grouped by order: PostgreSQL removes it
when a pivot does not use its columns.
"""

from odoo.tools import SQL


def returns_join():
    """``ret.n``: done return pickings of the order's transfers (a delivery
    sent back by the customer, or a return re-delivered)."""
    return SQL(
        """
        LEFT JOIN (SELECT p.sale_id AS order_id, count(*) AS n
                     FROM stock_picking p
                    WHERE p.sale_id IS NOT NULL AND p.return_id IS NOT NULL
                      AND p.state = 'done'
                    GROUP BY p.sale_id) ret ON ret.order_id = o.id
        """
    )


def quantities_join():
    """``qty.off``: a line delivered from stock in another quantity than
    ordered (short, over, or net of a return)."""
    return SQL(
        """
        LEFT JOIN (SELECT l.order_id,
                          bool_or(l.qty_delivered <> l.product_uom_qty) AS off
                     FROM sale_order_line l
                    WHERE l.qty_delivered_method = 'stock_move'
                      AND l.display_type IS NULL
                    GROUP BY l.order_id) qty ON qty.order_id = o.id
        """
    )


def write_off_join():
    """``wo.order_id``: an invoice of the order was settled by an entry on one
    of the company's bad-debt accounts (a payment with a write-off, a credit
    note or a journal entry booked on it and reconciled with the receivable).
    """
    return SQL(
        """
        LEFT JOIN (SELECT DISTINCT sol.order_id
                     FROM sale_order_line sol
                     JOIN sale_order_line_invoice_rel rel
                       ON rel.order_line_id = sol.id
                     JOIN account_move_line il ON il.id = rel.invoice_line_id
                     JOIN account_move_line rl ON rl.move_id = il.move_id
                     JOIN account_account ra ON ra.id = rl.account_id
                      AND ra.account_type = 'asset_receivable'
                     JOIN account_partial_reconcile apr
                       ON apr.debit_move_id = rl.id
                     JOIN account_move_line cl ON cl.id = apr.credit_move_id
                     JOIN account_move_line wl ON wl.move_id = cl.move_id
                     JOIN res_company_governance_bad_debt_account_rel bd
                       ON bd.account_id = wl.account_id
                      AND bd.company_id = sol.company_id) wo
               ON wo.order_id = o.id
        """
    )
