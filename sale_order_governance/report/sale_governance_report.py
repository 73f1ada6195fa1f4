# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.sale.models.sale_order import SALE_ORDER_STATE

from ..models.review_mixin import REVIEW_STATES
from ..models.sale_order_progress import GOVERNANCE_STAGES, NOT_SHIPPED_STAGES
from .kpi_joins import quantities_join, returns_join, write_off_join

# Rates are averages of 100 (yes) and 0 (no) over the orders they concern,
# NULL elsewhere: the pivot's average then gives the percentage.
NOW_UTC = "(now() AT TIME ZONE 'UTC')"


class SaleGovernanceReport(models.Model):
    """One row per sales order: stage, dates, cycle times and KPIs.

    A plain SQL view over ``sale_order`` (no per-line join, no aggregation):
    PostgreSQL drops the joins a pivot does not use and reads one table.
    Product-level figures are in Odoo's Sales Analysis (``sale.report``),
    which carries the order stage too.
    """

    _name = "sale.governance.report"
    _inherit = ["sale.governance.report.mixin"]
    _description = "Sales Governance Analysis"
    _auto = False
    _rec_name = "name"
    _order = "date desc, id desc"

    # ------------------------------------------------------------
    # FIELDS (dimensions)
    # ------------------------------------------------------------

    order_id = fields.Many2one("sale.order", readonly=True)
    name = fields.Char(string="Order Reference", readonly=True)
    date = fields.Datetime(string="Order Date", readonly=True)
    received_date = fields.Datetime(
        string="Received On",
        readonly=True,
        help="When the customer's order was received.",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    commercial_partner_id = fields.Many2one(
        "res.partner", string="Customer Entity", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    state = fields.Selection(SALE_ORDER_STATE, string="Status", readonly=True)
    governance_stage = fields.Selection(
        GOVERNANCE_STAGES, string="Order Stage", readonly=True
    )
    review_state = fields.Selection(REVIEW_STATES, readonly=True)
    invoice_status = fields.Selection(
        [
            ("upselling", "Upselling Opportunity"),
            ("invoiced", "Fully Invoiced"),
            ("to invoice", "To Invoice"),
            ("no", "Nothing to Invoice"),
        ],
        readonly=True,
    )
    late_risk = fields.Boolean(readonly=True)
    is_overdue = fields.Boolean(
        string="Overdue Undelivered",
        readonly=True,
        help="Confirmed, not shipped, and its committed date has passed.",
    )
    commitment_date = fields.Datetime(string="Committed Date", readonly=True)
    confirmed_date = fields.Datetime(
        string="First Confirmed On",
        readonly=True,
        help="Kept when the order is cancelled later.",
    )
    promised_date = fields.Datetime(
        string="Promised Delivery Date",
        readonly=True,
        help="The delivery date as approved: at confirmation, or as an approved "
        "change request moved it.",
    )
    written_off = fields.Boolean(
        readonly=True,
        help="An invoice of the order was settled on a bad-debt account.",
    )
    submitted_date = fields.Datetime(string="Submitted On", readonly=True)
    approved_date = fields.Datetime(string="Approved On", readonly=True)
    delivered_date = fields.Datetime(string="Delivered On", readonly=True)
    paid_date = fields.Datetime(string="Paid On", readonly=True)
    closed_date = fields.Datetime(string="Closed On", readonly=True)

    # ------------------------------------------------------------
    # FIELDS (measures)
    # ------------------------------------------------------------

    amount_untaxed = fields.Monetary(string="Untaxed Amount", readonly=True)
    margin = fields.Monetary(readonly=True)
    overdue_count = fields.Integer(string="# Overdue Undelivered", readonly=True)
    late_risk_count = fields.Integer(string="# At Late Risk", readonly=True)
    on_time_rate = fields.Float(
        string="On-Time Delivery (%)",
        aggregator="avg",
        readonly=True,
        help="Delivered orders with a promised date: delivered on or before it.",
    )
    return_count = fields.Integer(string="# Returns", readonly=True)
    shipping_accuracy_rate = fields.Float(
        string="Shipping Accuracy (%)",
        aggregator="avg",
        readonly=True,
        help="Delivered orders none of whose deliveries was returned.",
    )
    order_accuracy_rate = fields.Float(
        string="Order Accuracy (%)",
        aggregator="avg",
        readonly=True,
        help="Delivered orders with nothing returned and every stock line "
        "delivered in the quantity ordered.",
    )
    shipment_days = fields.Float(
        string="Shipment Time (Working Days)", aggregator="avg", readonly=True
    )
    shipment_in_time_rate = fields.Float(
        string="Shipped In Time (%)",
        aggregator="avg",
        readonly=True,
        help="Delivered orders shipped within the company's working days.",
    )
    entry_hours = fields.Float(
        string="Entry Check Time (Working Hours)", aggregator="avg", readonly=True
    )
    entry_in_time_rate = fields.Float(
        string="Entry Checked In Time (%)",
        aggregator="avg",
        readonly=True,
        help="Submitted orders: submitted for review within the company's "
        "working hours after their creation.",
    )
    review_hours = fields.Float(
        string="Submitted to Approved (Hours)", aggregator="avg", readonly=True
    )
    delivery_days = fields.Float(
        string="Approved to Delivered (Days)", aggregator="avg", readonly=True
    )
    payment_days = fields.Float(
        string="Delivered to Paid (Days)", aggregator="avg", readonly=True
    )
    cycle_days = fields.Float(
        string="Received to Paid (Days)",
        aggregator="avg",
        readonly=True,
        help="From the day the customer's order was received (its creation when "
        "no receipt date is recorded) to its payment.",
    )
    first_pass_rate = fields.Float(
        string="First-Pass Approval (%)",
        aggregator="avg",
        readonly=True,
        help="Approved orders: approved at their first submission.",
    )
    change_request_count = fields.Integer(string="# Change Requests", readonly=True)
    cancel_request_count = fields.Integer(string="# Cancel Requests", readonly=True)
    confirmed_count = fields.Integer(string="# Confirmed", readonly=True)
    submitted_change_count = fields.Integer(
        string="# Change Requests Submitted", readonly=True
    )
    change_rate = fields.Float(
        string="Change Rate (%)",
        aggregator="avg",
        readonly=True,
        help="Change requests submitted per 100 confirmed orders.",
    )
    cancel_rate = fields.Float(
        string="Cancellation Rate (%)",
        aggregator="avg",
        readonly=True,
        help="Confirmed orders later cancelled, per 100 confirmed orders "
        "(cancelled quotations do not count).",
    )
    payment_overdue_rate = fields.Float(
        string="Payment Overdue (%)",
        aggregator="avg",
        readonly=True,
        help="Invoiced orders: not paid and an invoice is past its due date.",
    )
    bad_debt_rate = fields.Float(
        string="Bad Debt (%)",
        aggregator="avg",
        readonly=True,
        help="Invoiced orders: an invoice written off on a bad-debt account, or "
        "unpaid longer than the company's bad-debt age after its due date.",
    )

    # ------------------------------------------------------------
    # VIEW
    # ------------------------------------------------------------

    def _request_count_join(self, model, alias):
        """LEFT JOIN of the request counts per order."""
        return SQL(
            "LEFT JOIN (SELECT order_id, count(*) AS n, count(*) FILTER (WHERE "
            "governance_review_submitted_at IS NOT NULL) AS submitted FROM %s "
            "GROUP BY order_id) %s ON %s.order_id = o.id",
            SQL.identifier(self.env[model]._table),
            SQL.identifier(alias),
            SQL.identifier(alias),
        )

    def _query(self):
        now = SQL(NOW_UTC)
        return SQL(
            """
            SELECT o.id AS id,
                   o.id AS order_id,
                   o.name AS name,
                   o.date_order AS date,
                   COALESCE(o.governance_received_date, o.create_date)
                       AS received_date,
                   o.company_id AS company_id,
                   c.currency_id AS currency_id,
                   o.partner_id AS partner_id,
                   partner.commercial_partner_id AS commercial_partner_id,
                   o.user_id AS user_id,
                   o.team_id AS team_id,
                   o.state AS state,
                   o.governance_stage AS governance_stage,
                   o.review_state AS review_state,
                   o.invoice_status AS invoice_status,
                   COALESCE(o.late_risk, FALSE) AS late_risk,
                   (o.state = 'sale' AND o.governance_stage IN %(not_shipped)s
                    AND o.commitment_date < %(now)s) IS TRUE AS is_overdue,
                   o.commitment_date AS commitment_date,
                   o.governance_confirmed_date AS confirmed_date,
                   o.governance_promised_date AS promised_date,
                   wo.order_id IS NOT NULL AS written_off,
                   o.submitted_date AS submitted_date,
                   o.approved_date AS approved_date,
                   o.delivered_date AS delivered_date,
                   o.paid_date AS paid_date,
                   o.closed_date AS closed_date,
                   o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1.0)
                       AS amount_untaxed,
                   o.margin / COALESCE(NULLIF(o.currency_rate, 0), 1.0) AS margin,
                   CASE WHEN o.state = 'sale' AND o.governance_stage IN %(not_shipped)s
                             AND o.commitment_date < %(now)s
                        THEN 1 ELSE 0 END AS overdue_count,
                   CASE WHEN o.late_risk THEN 1 ELSE 0 END AS late_risk_count,
                   CASE WHEN o.delivered_date IS NOT NULL
                             AND %(promise)s IS NOT NULL
                        THEN CASE WHEN o.delivered_date <= %(promise)s
                                  THEN 100.0 ELSE 0.0 END
                   END AS on_time_rate,
                   COALESCE(ret.n, 0) AS return_count,
                   CASE WHEN o.delivered_date IS NOT NULL
                        THEN CASE WHEN ret.n > 0 THEN 0.0 ELSE 100.0 END
                   END AS shipping_accuracy_rate,
                   CASE WHEN o.delivered_date IS NOT NULL
                        THEN CASE WHEN ret.n > 0 OR qty.off THEN 0.0 ELSE 100.0 END
                   END AS order_accuracy_rate,
                   CASE WHEN o.delivered_date IS NOT NULL AND o.state = 'sale'
                        THEN o.governance_shipment_days END AS shipment_days,
                   CASE WHEN o.delivered_date IS NOT NULL AND o.state = 'sale'
                        THEN CASE WHEN o.governance_shipment_days
                                       <= c.governance_shipment_days
                                  THEN 100.0 ELSE 0.0 END
                   END AS shipment_in_time_rate,
                   CASE WHEN o.submitted_date IS NOT NULL
                        THEN o.governance_entry_hours END AS entry_hours,
                   CASE WHEN o.submitted_date IS NOT NULL
                        THEN CASE WHEN o.governance_entry_hours
                                       <= c.governance_entry_check_hours
                                  THEN 100.0 ELSE 0.0 END
                   END AS entry_in_time_rate,
                   EXTRACT(EPOCH FROM o.approved_date - o.submitted_date) / 3600.0
                       AS review_hours,
                   EXTRACT(EPOCH FROM o.delivered_date - o.approved_date) / 86400.0
                       AS delivery_days,
                   EXTRACT(EPOCH FROM o.paid_date - o.delivered_date) / 86400.0
                       AS payment_days,
                   EXTRACT(EPOCH FROM o.paid_date
                                      - COALESCE(o.governance_received_date,
                                                 o.create_date)) / 86400.0
                       AS cycle_days,
                   CASE WHEN o.submitted_date IS NOT NULL
                             AND o.approved_date IS NOT NULL
                             AND o.review_state = 'approved'
                        THEN CASE WHEN o.governance_review_round = 1
                                  THEN 100.0 ELSE 0.0 END
                   END AS first_pass_rate,
                   COALESCE(chg.n, 0) AS change_request_count,
                   COALESCE(cnl.n, 0) AS cancel_request_count,
                   CASE WHEN o.governance_confirmed_date IS NOT NULL
                        THEN 1 ELSE 0 END AS confirmed_count,
                   COALESCE(chg.submitted, 0) AS submitted_change_count,
                   CASE WHEN o.governance_confirmed_date IS NOT NULL
                        THEN 100.0 * COALESCE(chg.submitted, 0)
                   END AS change_rate,
                   CASE WHEN o.governance_confirmed_date IS NOT NULL
                        THEN CASE WHEN o.state = 'cancel' THEN 100.0 ELSE 0.0 END
                   END AS cancel_rate,
                   CASE WHEN o.paid_date IS NOT NULL
                             OR o.governance_payment_due_date IS NOT NULL
                        THEN CASE WHEN o.paid_date IS NULL
                                       AND o.governance_payment_due_date
                                           < (%(now)s)::date
                                  THEN 100.0 ELSE 0.0 END
                   END AS payment_overdue_rate,
                   CASE WHEN o.paid_date IS NOT NULL
                             OR o.governance_payment_due_date IS NOT NULL
                        THEN CASE WHEN wo.order_id IS NOT NULL
                                    OR (o.paid_date IS NULL
                                        AND o.governance_payment_due_date
                                            < (%(now)s)::date
                                              - COALESCE(c.governance_bad_debt_days,
                                                         180))
                                  THEN 100.0 ELSE 0.0 END
                   END AS bad_debt_rate
              FROM sale_order o
              LEFT JOIN res_partner partner ON partner.id = o.partner_id
              LEFT JOIN res_company c ON c.id = o.company_id
              %(change_join)s
              %(cancel_join)s
              %(returns_join)s
              %(quantities_join)s
              %(write_off_join)s
            """,
            now=now,
            not_shipped=NOT_SHIPPED_STAGES,
            change_join=self._request_count_join("sale.order.change.request", "chg"),
            cancel_join=self._request_count_join("sale.order.cancel.request", "cnl"),
            returns_join=returns_join(),
            quantities_join=quantities_join(),
            write_off_join=write_off_join(),
            promise=SQL("COALESCE(o.governance_promised_date, o.commitment_date)"),
        )

    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "views": [(False, "form")],
        }
