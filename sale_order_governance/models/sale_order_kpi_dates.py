# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The dates and durations of an order's life the KPIs are built from."""

from odoo import api, fields, models

from .sale_order_progress import DELIVERED_STAGES, PAID_STATES, UNPAID_STATES


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

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

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

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

    def _governance_work_hours(self, start, end):
        """Working hours of the company's calendar between two datetimes."""
        self.ensure_one()
        if not (start and end) or end <= start:
            return 0.0
        calendar = self.company_id.resource_calendar_id
        if not calendar:
            return (end - start).total_seconds() / 3600
        return calendar.get_work_hours_count(start, end, compute_leaves=True)
