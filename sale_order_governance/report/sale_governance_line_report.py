# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL


class SaleGovernanceLineReport(models.Model):
    """One row per stock line of a confirmed order: on time and accurate.

    A line is delivered on time when its ordered quantity left the warehouse
    by the promised date of the order (what the customer sent back later does
    not make it late); a line not complete once that date has passed is late
    too. It is accurate when it was shipped in the quantity ordered and
    nothing of it came back (Odoo's returns: moves with
    ``origin_returned_move_id``). Quantities are in the line's unit.
    """

    _name = "sale.governance.line.report"
    _inherit = ["sale.governance.report.mixin"]
    _description = "Delivery Performance per Line"
    _auto = False
    _rec_name = "line_id"
    _order = "promised_date desc, id desc"
    _depends = {
        "sale.order.line": [
            "order_id",
            "product_id",
            "product_uom_qty",
            "qty_delivered",
            "qty_delivered_method",
        ],
        "sale.order": [
            "governance_promised_date",
            "governance_confirmed_date",
            "company_id",
            "user_id",
            "partner_id",
            "team_id",
            "state",
        ],
        "stock.move": [
            "sale_line_id",
            "state",
            "date",
            "quantity",
            "origin_returned_move_id",
        ],
    }

    line_id = fields.Many2one("sale.order.line", string="Order Line", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    promised_date = fields.Datetime(readonly=True)
    delivered_date = fields.Datetime(
        string="Last Delivered On",
        readonly=True,
        help="Last delivery of the line to the customer.",
    )
    product_uom_qty = fields.Float(string="Ordered", readonly=True)
    qty_delivered = fields.Float(string="Delivered", readonly=True)
    qty_returned = fields.Float(string="Returned", readonly=True)
    on_time_rate = fields.Float(
        string="On-Time Delivery (%)",
        aggregator="avg",
        readonly=True,
        help="Lines delivered in full, or due: delivered in full by the promised date.",
    )
    accuracy_rate = fields.Float(
        string="Shipping Accuracy (%)",
        aggregator="avg",
        readonly=True,
        help="Delivered lines: delivered as ordered and nothing returned.",
    )

    def _query(self):
        now = SQL("(now() AT TIME ZONE 'UTC')")
        return SQL(
            """
            SELECT l.id AS id,
                   l.id AS line_id,
                   l.order_id AS order_id,
                   l.product_id AS product_id,
                   so.company_id AS company_id,
                   so.user_id AS user_id,
                   so.partner_id AS partner_id,
                   so.team_id AS team_id,
                   so.governance_promised_date AS promised_date,
                   mv.delivered_date AS delivered_date,
                   l.product_uom_qty AS product_uom_qty,
                   l.qty_delivered AS qty_delivered,
                   COALESCE(mv.returned, 0.0) AS qty_returned,
                   CASE WHEN so.governance_promised_date IS NULL THEN NULL
                        WHEN mv.shipped >= l.product_uom_qty
                        THEN CASE WHEN mv.delivered_date
                                       <= so.governance_promised_date
                                  THEN 100.0 ELSE 0.0 END
                        WHEN so.governance_promised_date < %(now)s THEN 0.0
                   END AS on_time_rate,
                   CASE WHEN mv.delivered_date IS NOT NULL
                        THEN CASE WHEN COALESCE(mv.returned, 0.0) > 0
                                    OR mv.shipped <> l.product_uom_qty
                                  THEN 0.0 ELSE 100.0 END
                   END AS accuracy_rate
              FROM sale_order_line l
              JOIN sale_order so ON so.id = l.order_id
              LEFT JOIN (
                    SELECT m.sale_line_id,
                           max(m.date) FILTER (
                               WHERE dest.usage = 'customer'
                                 AND m.origin_returned_move_id IS NULL)
                               AS delivered_date,
                           sum(m.quantity) FILTER (
                               WHERE dest.usage = 'customer'
                                 AND m.origin_returned_move_id IS NULL) AS shipped,
                           sum(m.quantity) FILTER (
                               WHERE m.origin_returned_move_id IS NOT NULL
                                 AND src.usage = 'customer') AS returned
                      FROM stock_move m
                      JOIN stock_location src ON src.id = m.location_id
                      JOIN stock_location dest ON dest.id = m.location_dest_id
                     WHERE m.sale_line_id IS NOT NULL AND m.state = 'done'
                     GROUP BY m.sale_line_id) mv ON mv.sale_line_id = l.id
             WHERE l.qty_delivered_method = 'stock_move'
               AND l.display_type IS NULL
               AND so.governance_confirmed_date IS NOT NULL
               AND so.state != 'cancel'
            """,
            now=now,
        )
