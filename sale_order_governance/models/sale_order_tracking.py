# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tracking of confirmed orders: derived stage, late risk, closing, KPI dates.

The stage is never typed by hand: it is computed from Odoo's own records
(reviews, transfers and their moves, manufacturing orders when ``mrp`` is
installed, the customer's receipt of the delivery, invoices and payments)
and recomputed by their own triggers.  ``fill_tracking_columns`` repeats the
same rules in SQL for the install hook, so that a database holding millions
of orders gets its columns without a record-by-record recomputation.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, format_date
from odoo.tools.sql import column_exists, create_column, create_index, table_exists

GOVERNANCE_STAGES = [
    ("draft", "Quotation"),
    ("in_review", "In Review"),
    ("to_produce", "To Produce / Prepare"),
    ("in_production", "In Production"),
    ("to_ship", "To Ship"),
    ("shipped", "Shipped"),
    ("received", "Received"),
    ("closed", "Closed"),
    ("cancel", "Cancelled"),
]
# Confirmed orders whose goods are not ready to leave.
NOT_READY_STAGES = ("to_produce", "in_production")
# Confirmed orders not shipped yet.
NOT_SHIPPED_STAGES = ("to_produce", "in_production", "to_ship")
# Everything left the warehouse.
DELIVERED_STAGES = ("shipped", "received")
PAID_STATES = ("paid", "in_payment", "reversed")
UNPAID_STATES = ("not_paid", "partial")
MO_STARTED_STATES = ("progress", "to_close")
# Change and cancel requests still open (added by their own add-on files).
REQUEST_MODELS = ("sale.order.change.request", "sale.order.cancel.request")
OPEN_REQUEST_STATES = ("draft", "in_review", "approved")
LATE_RISK_DEFAULT_DAYS = 3

# Columns the install hook creates and fills with SQL (stored computes).
TRACKING_COLUMNS = {
    "governance_stage": "varchar",
    "late_risk": "boolean",
    "governance_late_risk_notified_at": "timestamp",
    "closed_date": "timestamp",
    "submitted_date": "timestamp",
    "approved_date": "timestamp",
    "delivered_date": "timestamp",
    "paid_date": "timestamp",
    "governance_payment_due_date": "date",
    "governance_entry_hours": "double precision",
    "governance_shipment_days": "double precision",
}


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    governance_stage = fields.Selection(
        GOVERNANCE_STAGES,
        string="Order Stage",
        compute="_compute_governance_stage",
        store=True,
        index=True,
        readonly=True,
        help="Where the order stands, derived from its reviews, transfers, "
        "manufacturing orders, the customer's receipt and its payments.",
    )
    late_risk = fields.Boolean(
        compute="_compute_late_risk",
        store=True,
        readonly=True,
        help="The committed date is within the company's late-risk horizon and "
        "the goods are not ready, or the date has passed and the order is not "
        "shipped yet.",
    )
    governance_late_risk_notified_at = fields.Datetime(
        string="Late Risk Notified On",
        copy=False,
        readonly=True,
        help="When the salesperson was given the late-risk activity (once per order).",
    )
    closed_date = fields.Datetime(
        string="Closed On",
        copy=False,
        readonly=True,
        tracking=True,
        help="When the order was closed: fully delivered, invoiced and paid, "
        "with no open change or cancel request.",
    )
    submitted_date = fields.Datetime(
        string="Submitted for Review On",
        copy=False,
        readonly=True,
        help="First submission of the order for review.",
    )
    approved_date = fields.Datetime(
        string="Approved On",
        copy=False,
        readonly=True,
        help="When every review was approved, or the confirmation date of an "
        "order that needed no review.",
    )
    delivered_date = fields.Datetime(
        string="Delivered On",
        compute="_compute_delivered_date",
        store=True,
        readonly=True,
        help="When the last delivery to the customer was done.",
    )
    paid_date = fields.Datetime(
        string="Paid On",
        compute="_compute_paid_date",
        store=True,
        readonly=True,
        help="When the order became fully invoiced and every invoice paid.",
    )
    governance_payment_due_date = fields.Date(
        string="Payment Due On",
        compute="_compute_paid_date",
        store=True,
        readonly=True,
        help="Earliest due date of the posted invoices not paid yet.",
    )
    governance_entry_hours = fields.Float(
        string="Entry Check Time (Working Hours)",
        compute="_compute_governance_entry_hours",
        store=True,
        readonly=True,
        aggregator="avg",
        help="Working hours from the receipt of the customer's order to its "
        "first submission for review.",
    )
    governance_shipment_days = fields.Float(
        string="Shipment Time (Working Days)",
        compute="_compute_governance_shipment_days",
        store=True,
        readonly=True,
        aggregator="avg",
        help="Working days from the receipt of the customer's order to the last "
        "delivery.",
    )

    def init(self):
        res = super().init()
        # The late-risk cron reads the confirmed orders not shipped yet ...
        create_index(
            self.env.cr,
            "sale_order_governance_late_risk_idx",
            self._table,
            ["commitment_date"],
            where="state = 'sale' AND governance_stage IN "
            "('to_produce', 'in_production', 'to_ship')",
        )
        # ... the close cron those delivered and paid but not closed yet.
        create_index(
            self.env.cr,
            "sale_order_governance_to_close_idx",
            self._table,
            ["id"],
            where="state = 'sale' AND closed_date IS NULL AND paid_date IS NOT NULL",
        )
        create_index(
            self.env.cr,
            "sale_order_governance_late_risk_flag_idx",
            self._table,
            ["id"],
            where="late_risk",
        )
        return res

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    def _governance_stage_depends(self):
        depends = [
            "state",
            "review_state",
            "closed_date",
            "order_line.product_uom_qty",
            "order_line.qty_delivered",
            "picking_ids.state",
            "picking_ids.move_ids.state",
            "picking_ids.governance_received_date",
        ]
        # Soft dependency: manufacturing orders count only where mrp is installed.
        if "mrp.production" in self.env:
            depends += [
                "procurement_group_id.mrp_production_ids.state",
                "procurement_group_id.stock_move_ids.created_production_id.state",
            ]
        return depends

    @api.depends(lambda self: self._governance_stage_depends())
    def _compute_governance_stage(self):
        for order in self:
            order.governance_stage = order._governance_stage_value()

    @api.depends("state", "governance_stage", "commitment_date")
    def _compute_late_risk(self):
        # Depends on the current time too: the late-risk cron recomputes the
        # orders that time may have put at risk.
        now = fields.Datetime.now()
        for order in self:
            order.late_risk = order._governance_is_late_risk(now)

    @api.depends("governance_stage", "picking_ids.date_done")
    def _compute_delivered_date(self):
        for order in self:
            if order.governance_stage not in (*DELIVERED_STAGES, "closed"):
                order.delivered_date = False
                continue
            dates = order._governance_deliveries().mapped("date_done")
            if dates:
                order.delivered_date = max(dates)
            else:
                # Services only: delivered when the lines were.
                order.delivered_date = order.delivered_date or fields.Datetime.now()

    @api.depends(
        "state",
        "invoice_status",
        "order_line.invoice_lines.move_id.state",
        "order_line.invoice_lines.move_id.payment_state",
        "order_line.invoice_lines.move_id.invoice_date_due",
    )
    def _compute_paid_date(self):
        for order in self:
            invoices = order._governance_invoices()
            unpaid = invoices.filtered(
                lambda move: (
                    move.state == "posted"
                    and move.move_type == "out_invoice"
                    and move.payment_state in UNPAID_STATES
                )
            )
            order.governance_payment_due_date = min(
                unpaid.mapped("invoice_date_due"), default=False
            )
            paid = (
                order.state == "sale"
                and order.invoice_status == "invoiced"
                and invoices
                and all(
                    move.state == "posted" and move.payment_state in PAID_STATES
                    for move in invoices
                )
            )
            # The old value is read from the database: keep the first date.
            order.paid_date = (
                (order.paid_date or fields.Datetime.now()) if paid else False
            )

    @api.depends("submitted_date", "governance_received_date")
    def _compute_governance_entry_hours(self):
        for order in self:
            order.governance_entry_hours = order._governance_work_hours(
                order.governance_received_date or order.create_date,
                order.submitted_date,
            )

    @api.depends("delivered_date", "governance_received_date", "state")
    def _compute_governance_shipment_days(self):
        for order in self:
            start = order.governance_received_date or order.date_order
            end = order.delivered_date
            calendar = order.company_id.resource_calendar_id
            if order.state != "sale" or not (start and end) or end <= start:
                order.governance_shipment_days = 0.0
            elif calendar:
                order.governance_shipment_days = calendar.get_work_duration_data(
                    start, end, compute_leaves=True
                )["days"]
            else:
                order.governance_shipment_days = (end - start).total_seconds() / 86400

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def _action_confirm(self):
        res = super()._action_confirm()
        now = fields.Datetime.now()
        # The engine's bookkeeping; the salesperson confirms.
        self.filtered(lambda order: not order.approved_date)._governance_engine_write(
            {"approved_date": now}
        )
        return res

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_close(self):
        """Close orders fully delivered, invoiced and paid; they get locked."""
        self.check_access("write")
        messages = []
        for order in self:
            reasons = order._governance_close_blockers()
            if reasons:
                messages.append(
                    self.env._(
                        "%(order)s: %(reasons)s",
                        order=order.name,
                        reasons="; ".join(reasons),
                    )
                )
        if messages:
            raise UserError(
                self.env._(
                    "These orders cannot be closed:\n%(messages)s",
                    messages="\n".join(messages),
                )
            )
        self._action_close()
        return True

    def action_unlock(self):
        closed = self.filtered("closed_date")
        if closed:
            raise UserError(
                self.env._(
                    "%(orders)s are closed: a closed order stays locked. Use a "
                    "return or a credit note for anything that happens after "
                    "closing.",
                    orders=", ".join(closed.mapped("name")),
                )
            )
        return super().action_unlock()

    # ------------------------------------------------------------
    # REVIEW ENGINE HOOKS
    # ------------------------------------------------------------

    def _review_submit(self):
        res = super()._review_submit()
        if not self.submitted_date:
            # The engine's bookkeeping on the order, as review_state.
            self._governance_engine_write({"submitted_date": fields.Datetime.now()})
        return res

    def _review_approved(self):
        # The last reviewer may only read the order.
        self._governance_engine_write({"approved_date": fields.Datetime.now()})
        return super()._review_approved()

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _governance_pickings(self):
        """Outgoing and internal transfers (not returns), not cancelled."""
        self.ensure_one()
        return self.picking_ids.filtered(
            lambda picking: (
                picking.picking_type_code != "incoming" and picking.state != "cancel"
            )
        )

    def _governance_deliveries(self):
        """Done deliveries to the customer."""
        return self._governance_pickings().filtered(
            lambda picking: (
                picking.state == "done" and picking._governance_is_customer_delivery()
            )
        )

    def _governance_productions(self):
        self.ensure_one()
        if "mrp.production" not in self.env:
            return None
        group = self.procurement_group_id
        return (
            group.mrp_production_ids | group.stock_move_ids.created_production_id
        ).filtered(lambda production: production.state != "cancel")

    def _governance_invoices(self):
        self.ensure_one()
        return self.order_line.invoice_lines.move_id.filtered(
            lambda move: (
                move.state != "cancel"
                and move.move_type in ("out_invoice", "out_refund")
            )
        )

    def _governance_stage_value(self):
        """The stage from the order's records (``fill_tracking_columns`` in SQL)."""
        self.ensure_one()
        if self.state == "cancel":
            return "cancel"
        if self.closed_date:
            return "closed"
        if self.state != "sale":
            return "in_review" if self.review_state == "in_review" else "draft"
        productions = self._governance_productions()
        if productions and productions.filtered(
            lambda production: production.state in MO_STARTED_STATES
        ):
            return "in_production"
        pickings = self._governance_pickings()
        open_pickings = pickings.filtered(lambda picking: picking.state != "done")
        if open_pickings:
            # The moves that can be worked on now (not waiting for another
            # operation): the pick of a two-step delivery, then the ship.
            front = open_pickings.move_ids.filtered(
                lambda move: move.state not in ("done", "cancel", "waiting")
            )
            if front and all(move.state == "assigned" for move in front):
                return "to_ship"
            return "to_produce"
        deliveries = pickings.filtered(
            lambda picking: (
                picking.state == "done" and picking._governance_is_customer_delivery()
            )
        )
        if deliveries:
            if all(deliveries.mapped("governance_received_date")):
                return "received"
            return "shipped"
        lines = self.order_line.filtered(
            lambda line: (
                not line.display_type and not line.is_downpayment and line.product_id
            )
        )
        if lines.filtered(lambda line: line.product_id.type != "service"):
            return "to_produce"
        if lines and all(
            float_compare(
                line.qty_delivered,
                line.product_uom_qty,
                precision_rounding=line.product_uom.rounding or 0.01,
            )
            >= 0
            for line in lines
        ):
            return "received"
        return "to_produce"

    def _governance_is_late_risk(self, now):
        self.ensure_one()
        if self.state != "sale" or not self.commitment_date:
            return False
        if self.governance_stage in NOT_SHIPPED_STAGES and self.commitment_date < now:
            return True
        horizon = now + timedelta(days=self.company_id.governance_late_risk_days)
        return (
            self.governance_stage in NOT_READY_STAGES
            and self.commitment_date <= horizon
        )

    def _governance_work_hours(self, start, end):
        """Working hours of the company's calendar between two datetimes."""
        self.ensure_one()
        if not (start and end) or end <= start:
            return 0.0
        calendar = self.company_id.resource_calendar_id
        if not calendar:
            return (end - start).total_seconds() / 3600
        return calendar.get_work_hours_count(start, end, compute_leaves=True)

    def _governance_open_requests(self):
        """Change and cancel requests of the order still open."""
        self.ensure_one()
        requests = []
        for model in REQUEST_MODELS:
            if model in self.env:
                # sudo: the closing rule counts every request, not only the
                # ones the current user may read.
                requests.append(
                    self.env[model]
                    .sudo()
                    .search(
                        [
                            ("order_id", "=", self.id),
                            ("state", "in", OPEN_REQUEST_STATES),
                        ]
                    )
                )
        return requests

    def _governance_close_blockers(self):
        """Why the order cannot be closed now; empty when it can."""
        self.ensure_one()
        if self.closed_date:
            return [self.env._("it is already closed")]
        if self.state != "sale":
            return [self.env._("only confirmed orders are closed")]
        reasons = []
        if self.governance_stage not in DELIVERED_STAGES:
            reasons.append(self.env._("it is not fully delivered"))
        if self.invoice_status != "invoiced":
            reasons.append(self.env._("it is not fully invoiced"))
        if not self.paid_date:
            reasons.append(self.env._("its invoices are not all paid"))
        for requests in self._governance_open_requests():
            for request in requests:
                reasons.append(
                    self.env._(
                        "%(request)s is still open",
                        request=request.display_name,
                    )
                )
        return reasons

    def _action_close(self):
        # sudo: closing is recorded by the add-on, whether a salesperson or
        # the cron closes; rights were checked by the caller.
        self._governance_engine_write({"closed_date": fields.Datetime.now()})
        orders = self.sudo()
        orders.action_lock()
        for order in self:
            order._review_post(
                self.env._(
                    "Order closed: fully delivered, invoiced and paid. Its "
                    "documents stay attached."
                )
            )

    def _governance_check_confirmed(self):
        """A closed order accepts no change or cancel request any more."""
        closed = self.filtered("closed_date")
        if closed:
            raise UserError(
                self.env._(
                    "Order %(order)s is closed: it accepts no change or cancel "
                    "request. Use a return or a credit note instead.",
                    order=closed[0].name,
                )
            )
        return super()._governance_check_confirmed()

    def _governance_open_request_sql(self):
        """SQL condition: order ``so`` has no open change or cancel request."""
        conditions = []
        for model in REQUEST_MODELS:
            if model in self.env:
                conditions.append(
                    SQL(
                        "NOT EXISTS (SELECT 1 FROM %s r WHERE r.order_id = so.id "
                        "AND r.state IN %s)",
                        SQL.identifier(self.env[model]._table),
                        OPEN_REQUEST_STATES,
                    )
                )
        return SQL(" AND ").join(conditions) if conditions else SQL("TRUE")

    @api.model
    def _cron_governance_close(self, batch_size=200):
        """Close the orders fully delivered, invoiced and paid, a batch at a time.

        Rows another worker holds are skipped (``SKIP LOCKED``); a row closed
        by a transaction committed since this one started raises a
        serialization error and the cron retries later, so no order is closed
        twice.  The cron triggers itself again while full batches are found.
        """
        self.flush_model()
        self.env["res.company"].flush_model(["governance_auto_close"])
        for model in REQUEST_MODELS:
            if model in self.env:
                self.env[model].flush_model(["order_id", "state"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT so.id
                  FROM sale_order so
                  JOIN res_company company ON company.id = so.company_id
                 WHERE so.state = 'sale'
                   AND company.governance_auto_close
                   AND so.closed_date IS NULL
                   AND so.paid_date IS NOT NULL
                   AND so.invoice_status = 'invoiced'
                   AND so.governance_stage IN %(stages)s
                   AND %(no_request)s
                 ORDER BY so.id
                 LIMIT %(limit)s
                   FOR UPDATE OF so SKIP LOCKED
                """,
                stages=DELIVERED_STAGES,
                no_request=self._governance_open_request_sql(),
                limit=batch_size,
            )
        )
        orders = self.browse([row[0] for row in rows])
        closable = orders.filtered(lambda order: not order._governance_close_blockers())
        closable._action_close()
        if closable and len(rows) == batch_size:
            self.env.ref("sale_order_governance.ir_cron_governance_close")._trigger()
        return closable

    @api.model
    def _cron_governance_late_risk(self, batch_size=500):
        """Flag the orders time put at risk, then tell their salespeople once.

        Only two small sets are read, through partial indexes: confirmed
        orders not shipped whose committed date is within the longest horizon
        and not flagged yet, and flagged orders (a horizon may have been
        shortened).  Their flag is recomputed by the ORM.
        """
        self.flush_model()
        self.env["res.company"].flush_model(["governance_late_risk_days"])
        now = fields.Datetime.now()
        # sudo: the horizons of every company the cron serves.
        [(longest,)] = (
            self.env["res.company"]
            .sudo()
            ._read_group([], [], ["governance_late_risk_days:max"])
        )
        at_risk = SQL(
            """
            so.state = 'sale' AND so.commitment_date IS NOT NULL AND (
                (so.governance_stage IN %(not_shipped)s
                 AND so.commitment_date < %(now)s)
                OR (so.governance_stage IN %(not_ready)s
                    AND so.commitment_date <= %(now)s + make_interval(
                        days => COALESCE(c.governance_late_risk_days, 0))))
            """,
            not_shipped=NOT_SHIPPED_STAGES,
            not_ready=NOT_READY_STAGES,
            now=now,
        )
        rows = self.env.execute_query(
            SQL(
                """
                (SELECT so.id
                   FROM sale_order so
                   JOIN res_company c ON c.id = so.company_id
                  WHERE so.state = 'sale'
                    AND so.governance_stage IN %(not_shipped)s
                    AND so.commitment_date <= %(limit_date)s
                    AND so.late_risk IS NOT TRUE
                    AND %(at_risk)s
                  ORDER BY so.commitment_date
                  LIMIT %(limit)s)
                UNION ALL
                (SELECT so.id
                   FROM sale_order so
                   JOIN res_company c ON c.id = so.company_id
                  WHERE so.late_risk AND NOT (%(at_risk)s)
                  LIMIT %(limit)s)
                """,
                not_shipped=NOT_SHIPPED_STAGES,
                limit_date=now + timedelta(days=max(longest or 0, 0)),
                at_risk=at_risk,
                limit=batch_size,
            )
        )
        orders = self.browse([row[0] for row in rows])
        self.env.add_to_compute(self._fields["late_risk"], orders)
        orders.flush_recordset(["late_risk"])
        notified = self._governance_notify_late_risk(batch_size)
        self._governance_close_late_risk_activities()
        if len(rows) >= batch_size or len(notified) == batch_size:
            self.env.ref(
                "sale_order_governance.ir_cron_governance_late_risk"
            )._trigger()
        return orders, notified

    @api.model
    def _governance_notify_late_risk(self, batch_size):
        rows = self.env.execute_query(
            SQL(
                """
                SELECT so.id
                  FROM sale_order so
                 WHERE so.late_risk
                   AND so.governance_late_risk_notified_at IS NULL
                 ORDER BY so.commitment_date, so.id
                 LIMIT %(limit)s
                   FOR UPDATE SKIP LOCKED
                """,
                limit=batch_size,
            )
        )
        orders = self.browse([row[0] for row in rows])
        for order in orders:
            user = order.user_id or order.create_uid
            # In the salesperson's language and time zone.
            local = order.with_context(lang=user.lang, tz=user.tz)
            # sudo: the cron schedules on behalf of the company.
            local.sudo().activity_schedule(
                "sale_order_governance.mail_activity_type_late_risk",
                date_deadline=fields.Date.context_today(local),
                summary=local.env._(
                    "Late risk: %(order)s is due on %(date)s",
                    order=order.name,
                    date=format_date(local.env, order.commitment_date),
                ),
                note=local.env._(
                    "The goods of %(order)s are not ready for its committed "
                    "date. Check production and stock, or agree a new date "
                    "with the customer through a change request.",
                    order=order.name,
                ),
                user_id=user.id,
            )
        orders._governance_engine_write(
            {"governance_late_risk_notified_at": fields.Datetime.now()}
        )
        return orders

    @api.model
    def _governance_close_late_risk_activities(self):
        """Mark done the late-risk activities of orders no longer at risk."""
        activity_type = self.env.ref(
            "sale_order_governance.mail_activity_type_late_risk",
            raise_if_not_found=False,
        )
        if not activity_type:
            return
        activities = self.env["mail.activity"].search(
            [
                ("activity_type_id", "=", activity_type.id),
                ("res_model", "=", "sale.order"),
            ]
        )
        if not activities:
            return
        safe = self.browse(activities.mapped("res_id")).filtered(
            lambda order: not order.late_risk
        )
        done = activities.filtered(lambda activity: activity.res_id in safe.ids)
        done.action_feedback(feedback=self.env._("No longer at risk."))


# ----------------------------------------------------------------------------
# SQL twin of the computes, for the install hook (and checked by the tests)
# ----------------------------------------------------------------------------


def create_tracking_columns(cr):
    """Create the tracking columns missing on ``sale_order`` and ``stock_picking``."""
    created = []
    for name, column_type in TRACKING_COLUMNS.items():
        if not column_exists(cr, "sale_order", name):
            create_column(cr, "sale_order", name, column_type)
            created.append(name)
    if not column_exists(cr, "stock_picking", "governance_received_date"):
        create_column(cr, "stock_picking", "governance_received_date", "timestamp")
    return created


def fill_tracking_columns(cr, now, order_ids=None, history=False, review_state=False):
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
            SELECT so.id AS order_id,
                   bool_or(mp.state IN %(started)s) AS in_production
              FROM sale_order so
              JOIN (SELECT mp.procurement_group_id AS group_id, mp.state
                      FROM mrp_production mp
                    UNION ALL
                    SELECT sm.group_id, mp.state
                      FROM stock_move sm
                      JOIN mrp_production mp ON mp.id = sm.created_production_id
                   ) mp ON mp.group_id = so.procurement_group_id
             WHERE %(only_so)s AND mp.state != 'cancel'
             GROUP BY so.id
            """,
            started=MO_STARTED_STATES,
            only_so=only("so.id"),
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
                SELECT stage.*,
                       (%(history)s AND so.state = 'sale'
                        AND stage.stage IN ('shipped', 'received')
                        AND so.invoice_status = 'invoiced'
                        AND stage.paid_date IS NOT NULL) AS closable,
                       (so.state = 'sale' AND so.commitment_date IS NOT NULL
                        AND ((stage.stage IN %(not_shipped)s
                              AND so.commitment_date < %(now)s)
                             OR (stage.stage IN %(not_ready)s
                                 AND so.commitment_date <= %(now)s
                                     + make_interval(days => %(horizon)s))))
                           IS TRUE AS late_risk
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
              FROM flags
             WHERE flags.id = so.id
            """,
            only_so=only("so.id"),
            only_picking=only("p.sale_id"),
            only_line=only("l.order_id"),
            productions=productions,
            paid=PAID_STATES,
            unpaid=UNPAID_STATES,
            not_shipped=NOT_SHIPPED_STAGES,
            not_ready=NOT_READY_STAGES,
            now=now,
            horizon=horizon,
            history=bool(history),
            review_state=SQL(
                ", review_state = CASE WHEN so.state IN ('sale', 'done')"
                " THEN 'approved' ELSE 'not_submitted' END"
            )
            if review_state
            else SQL(""),
        )
    )
    return cr.rowcount
