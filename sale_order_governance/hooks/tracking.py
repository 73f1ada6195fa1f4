# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The SQL twin of the order's progress and KPI computes, for the install hook
(``sale_order_progress.py``, ``sale_order_kpi_dates.py``,
``sale_order_late_risk.py``, ``sale_order_closing.py``); the tests check that
both give the same values."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, table_exists

from ..models.sale_order_late_risk import late_risk_sql
from ..models.sale_order_progress import (
    LATE_RISK_DEFAULT_DAYS,
    MO_STARTED_STATES,
    PAID_STATES,
    UNPAID_STATES,
)

# The received date and the company-currency total of existing orders (``cur``:
# the company's currency).
POLICY_FILL = SQL(
    """governance_received_date = so.create_date,
       governance_amount_company = CASE
           WHEN so.currency_rate > 0 AND cur.rounding > 0
           THEN ROUND(so.amount_total / so.currency_rate / cur.rounding)
                * cur.rounding
           ELSE so.amount_total END"""
)


def kpi_history_sql(cr):
    """Orders ``so`` that went through a confirmation before the KPI columns
    existed: confirmed now, or cancelled after a transfer, an invoice or a
    cancel request. They count as confirmed on their order date, promised
    for their committed date."""
    cancel_request = SQL("FALSE")
    if table_exists(cr, "sale_order_cancel_request"):
        cancel_request = SQL(
            "EXISTS (SELECT 1 FROM sale_order_cancel_request r "
            "WHERE r.order_id = so.id)"
        )
    return SQL(
        """
        (so.state IN ('sale', 'done')
         OR (so.state = 'cancel'
             AND (EXISTS (SELECT 1 FROM stock_picking p WHERE p.sale_id = so.id)
                  OR EXISTS (SELECT 1 FROM sale_order_line l
                               JOIN sale_order_line_invoice_rel rel
                                 ON rel.order_line_id = l.id
                              WHERE l.order_id = so.id)
                  OR %(cancel_request)s)))
        """,
        cancel_request=cancel_request,
    )


def fill_tracking_columns(
    cr, now, order_ids=None, history=False, review_state=False, kpi=False, policy=False
):
    """Set stage, late risk, delivery and payment dates with one UPDATE.

    The same rules as the computes of ``sale.order`` (``order_ids``: only
    these orders, else every order).  Service-only orders get no delivery
    date (it is not recorded anywhere); the paid date of history is the last
    write of its invoices.

    ``history`` (install hook): orders confirmed before count as approved on
    their confirmation date; those already delivered, invoiced and paid are
    closed and locked (without a chatter message); those already at late
    risk count as notified, so that installing does not flood salespeople
    with activities.

    ``review_state`` (install hook, column just created): fill it in the same
    UPDATE, each row being written once: confirmed orders count as approved
    (accepted under the old rules), the others as not submitted.
    """
    ids = None if order_ids is None else list(order_ids) or [0]

    def only(column):
        """Restrict ``column`` (an order id) to ``order_ids``, if given."""
        if ids is None:
            return SQL("TRUE")
        return SQL("%s = ANY(%s)", SQL(column), ids)

    if column_exists(cr, "res_company", "governance_late_risk_days"):
        horizon = SQL("COALESCE(c.governance_late_risk_days, 0)")
    else:
        horizon = SQL("%s", LATE_RISK_DEFAULT_DAYS)
    if table_exists(cr, "mrp_production"):
        productions = SQL(
            """
            SELECT sol.order_id,
                   bool_or(mp.state IN %(started)s) AS in_production
              FROM stock_move sm
              JOIN sale_order_line sol ON sol.id = sm.sale_line_id
              JOIN mrp_production mp ON mp.id = sm.created_production_id
             WHERE %(only_so)s AND mp.state != 'cancel'
             GROUP BY sol.order_id
            """,
            started=MO_STARTED_STATES,
            only_so=only("sol.order_id"),
        )
    else:
        productions = SQL("SELECT NULL::int AS order_id, FALSE AS in_production")
    cr.execute(
        SQL(
            """
            WITH pk AS (
                SELECT p.sale_id AS order_id,
                       bool_or(p.state != 'done') AS has_open,
                       bool_or(p.state = 'done' AND pt.code = 'outgoing'
                               AND dest.usage = 'customer') AS has_delivery,
                       bool_and(p.governance_received_date IS NOT NULL)
                           FILTER (WHERE p.state = 'done' AND pt.code = 'outgoing'
                                   AND dest.usage = 'customer') AS all_received,
                       max(p.date_done)
                           FILTER (WHERE p.state = 'done' AND pt.code = 'outgoing'
                                   AND dest.usage = 'customer') AS delivered_date
                  FROM stock_picking p
                  JOIN stock_picking_type pt ON pt.id = p.picking_type_id
                  JOIN stock_location dest ON dest.id = p.location_dest_id
                 WHERE p.sale_id IS NOT NULL AND %(only_picking)s
                   AND p.state != 'cancel' AND pt.code != 'incoming'
                 GROUP BY p.sale_id
            ),
            front AS (
                SELECT p.sale_id AS order_id, count(*) AS moves,
                       count(*) FILTER (WHERE m.state = 'assigned') AS assigned
                  FROM stock_move m
                  JOIN stock_picking p ON p.id = m.picking_id
                  JOIN stock_picking_type pt ON pt.id = p.picking_type_id
                 WHERE p.sale_id IS NOT NULL AND %(only_picking)s
                   AND p.state NOT IN ('done', 'cancel') AND pt.code != 'incoming'
                   AND m.state NOT IN ('done', 'cancel', 'waiting')
                 GROUP BY p.sale_id
            ),
            goods AS (
                SELECT l.order_id,
                       bool_or(t.type != 'service') AS has_goods,
                       bool_and(l.qty_delivered >= l.product_uom_qty) AS all_delivered
                  FROM sale_order_line l
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template t ON t.id = pp.product_tmpl_id
                 WHERE %(only_line)s
                   AND l.display_type IS NULL
                   AND NOT COALESCE(l.is_downpayment, FALSE)
                 GROUP BY l.order_id
            ),
            inv AS (
                SELECT l.order_id,
                       bool_and(am.state = 'posted'
                                AND am.payment_state IN %(paid)s) AS all_paid,
                       max(am.write_date) AS last_write,
                       min(am.invoice_date_due)
                           FILTER (WHERE am.state = 'posted'
                                   AND am.move_type = 'out_invoice'
                                   AND am.payment_state IN %(unpaid)s) AS due
                  FROM sale_order_line l
                  JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = l.id
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                  JOIN account_move am ON am.id = aml.move_id
                 WHERE %(only_line)s
                   AND am.state != 'cancel'
                   AND am.move_type IN ('out_invoice', 'out_refund')
                 GROUP BY l.order_id
            ),
            mo AS (%(productions)s),
            stage AS (
                SELECT so.id,
                       CASE
                       WHEN so.state = 'cancel' THEN 'cancel'
                       WHEN so.closed_date IS NOT NULL THEN 'closed'
                       WHEN so.state != 'sale' THEN
                            CASE WHEN so.review_state = 'in_review'
                                 THEN 'in_review' ELSE 'draft' END
                       WHEN COALESCE(mo.in_production, FALSE) THEN 'in_production'
                       WHEN COALESCE(pk.has_open, FALSE) THEN
                            CASE WHEN front.moves > 0 AND front.moves = front.assigned
                                 THEN 'to_ship' ELSE 'to_produce' END
                       WHEN COALESCE(pk.has_delivery, FALSE) THEN
                            CASE WHEN pk.all_received THEN 'received' ELSE 'shipped' END
                       WHEN COALESCE(goods.has_goods, TRUE) THEN 'to_produce'
                       WHEN goods.all_delivered THEN 'received'
                       ELSE 'to_produce'
                       END AS stage,
                       pk.delivered_date,
                       CASE WHEN so.state = 'sale' AND so.invoice_status = 'invoiced'
                                 AND inv.all_paid
                            THEN inv.last_write END AS paid_date,
                       inv.due
                  FROM sale_order so
                  LEFT JOIN pk ON pk.order_id = so.id
                  LEFT JOIN front ON front.order_id = so.id
                  LEFT JOIN goods ON goods.order_id = so.id
                  LEFT JOIN inv ON inv.order_id = so.id
                  LEFT JOIN mo ON mo.order_id = so.id
                 WHERE %(only_so)s
            ),
            flags AS (
                SELECT stage.*, c.currency_id AS company_currency_id,
                       (%(history)s AND so.state = 'sale'
                        AND stage.stage IN ('shipped', 'received')
                        AND so.invoice_status = 'invoiced'
                        AND stage.paid_date IS NOT NULL) AS closable,
                       (%(late_risk)s) IS TRUE AS late_risk
                  FROM stage
                  JOIN sale_order so ON so.id = stage.id
                  JOIN res_company c ON c.id = so.company_id
            )
            UPDATE sale_order so
               SET governance_stage = CASE WHEN flags.closable THEN 'closed'
                                           ELSE flags.stage END,
                   delivered_date = CASE WHEN flags.stage IN ('shipped', 'received',
                                                              'closed')
                                         THEN flags.delivered_date END,
                   paid_date = flags.paid_date,
                   governance_payment_due_date = flags.due,
                   late_risk = flags.late_risk AND NOT flags.closable,
                   governance_late_risk_notified_at = CASE
                       WHEN %(history)s AND flags.late_risk AND NOT flags.closable
                       THEN %(now)s
                       ELSE so.governance_late_risk_notified_at END,
                   approved_date = CASE
                       WHEN %(history)s AND so.state = 'sale' THEN so.date_order
                       ELSE so.approved_date END,
                   closed_date = CASE WHEN flags.closable THEN %(now)s
                                      ELSE so.closed_date END,
                   locked = so.locked OR flags.closable
                   %(review_state)s
                   %(kpi)s
                   %(policy)s
              FROM flags
              JOIN res_currency cur ON cur.id = flags.company_currency_id
             WHERE flags.id = so.id
            """,
            only_so=only("so.id"),
            only_picking=only("p.sale_id"),
            only_line=only("l.order_id"),
            productions=productions,
            paid=PAID_STATES,
            unpaid=UNPAID_STATES,
            now=now,
            late_risk=late_risk_sql(SQL("stage.stage"), now, horizon),
            history=bool(history),
            kpi=SQL(
                """, governance_confirmed_date = CASE WHEN %(confirmed)s
                         THEN so.date_order END,
                     governance_promised_date = CASE WHEN %(confirmed)s
                         THEN so.commitment_date END""",
                confirmed=kpi_history_sql(cr),
            )
            if kpi
            else SQL(""),
            policy=SQL(", %s", POLICY_FILL) if policy else SQL(""),
            review_state=SQL(
                ", review_state = CASE WHEN so.state IN ('sale', 'done')"
                " THEN 'approved' ELSE 'not_submitted' END"
            )
            if review_state
            else SQL(""),
        )
    )
    return cr.rowcount
