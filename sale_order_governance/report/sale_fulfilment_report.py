# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL
from odoo.tools.sql import table_exists

RESPONSIBLE = [("warehouse", "Warehouse"), ("production", "Production")]


class SaleFulfilmentReport(models.Model):
    """One row per delivery or manufacturing order of a confirmed order.

    Policy 002 §12 (每拖延一天扣1分): the department responsible loses points
    per day it finishes after the date promised on the reviewed order
    (``sale.order.governance_promised_date``): the warehouse for deliveries to
    the customer (returns excluded), production for the manufacturing orders
    of the order when Manufacturing is installed. Every started day counts;
    a document still open past the promise counts until now.
    """

    _name = "sale.fulfilment.report"
    _inherit = ["sale.governance.report.mixin"]
    _description = "Fulfilment Lateness"
    _auto = False
    _rec_name = "name"
    _order = "promised_date desc, id desc"
    _depends = {
        "sale.order": [
            "governance_promised_date",
            "company_id",
            "user_id",
            "partner_id",
            "team_id",
        ],
        "sale.order.line": ["order_id"],
        "stock.move": ["sale_line_id"],
        "stock.picking": ["sale_id", "state", "date_done", "return_id"],
        "res.company": ["governance_fulfilment_delay_points"],
    }

    name = fields.Char(string="Document", readonly=True)
    department = fields.Selection(RESPONSIBLE, readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    picking_id = fields.Many2one("stock.picking", string="Delivery", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    promised_date = fields.Datetime(readonly=True)
    done_date = fields.Datetime(string="Finished On", readonly=True)
    is_late = fields.Boolean(string="Late", readonly=True)
    late_days = fields.Integer(
        string="Days Late",
        readonly=True,
        help="Started days between the promised date and the end (now if open).",
    )
    delay_score = fields.Float(
        string="Delay Points",
        readonly=True,
        help="Days late times the company's fulfilment delay points per day.",
    )
    on_time_rate = fields.Float(
        string="Finished On Time (%)",
        aggregator="avg",
        readonly=True,
        help="Finished documents: finished by the promised date.",
    )

    def _productions(self):
        if not table_exists(self.env.cr, "mrp_production"):
            return SQL("")
        return SQL(
            """
            UNION ALL
            SELECT mp.id * 2 + 1, mp.name, 'production', so.id, NULL::int,
                   CASE WHEN mp.state = 'done' THEN mp.date_finished END,
                   mp.state = 'done'
              FROM (SELECT DISTINCT sm.created_production_id AS production_id,
                                    sol.order_id
                      FROM stock_move sm
                      JOIN sale_order_line sol ON sol.id = sm.sale_line_id
                     WHERE sm.created_production_id IS NOT NULL) link
              JOIN mrp_production mp ON mp.id = link.production_id
              JOIN sale_order so ON so.id = link.order_id
             WHERE mp.state != 'cancel'
            """
        )

    def _query(self):
        days = SQL(
            "GREATEST(CEIL(EXTRACT(EPOCH FROM COALESCE(d.done_date, %s)"
            " - so.governance_promised_date) / 86400.0), 0)::int",
            SQL("(now() AT TIME ZONE 'UTC')"),
        )
        return SQL(
            """
            WITH docs (id, name, department, order_id, picking_id, done_date,
                       is_done) AS (
                SELECT p.id * 2, p.name, 'warehouse', p.sale_id, p.id,
                       CASE WHEN p.state = 'done' THEN p.date_done END,
                       p.state = 'done'
                  FROM stock_picking p
                  JOIN stock_picking_type pt ON pt.id = p.picking_type_id
                  JOIN stock_location dest ON dest.id = p.location_dest_id
                 WHERE p.sale_id IS NOT NULL AND p.return_id IS NULL
                   AND p.state != 'cancel' AND pt.code = 'outgoing'
                   AND dest.usage = 'customer'
                %(productions)s
            )
            SELECT d.id, d.name, d.department, d.order_id, d.picking_id,
                   so.company_id, so.user_id, so.partner_id, so.team_id,
                   so.governance_promised_date AS promised_date,
                   d.done_date,
                   %(days)s > 0 AS is_late,
                   %(days)s AS late_days,
                   %(days)s * COALESCE(c.governance_fulfilment_delay_points, 1.0)
                       AS delay_score,
                   CASE WHEN d.is_done
                        THEN CASE WHEN d.done_date <= so.governance_promised_date
                                  THEN 100.0 ELSE 0.0 END
                   END AS on_time_rate
              FROM docs d
              JOIN sale_order so ON so.id = d.order_id
              LEFT JOIN res_company c ON c.id = so.company_id
             WHERE so.governance_promised_date IS NOT NULL
            """,
            productions=self._productions(),
            days=days,
        )
