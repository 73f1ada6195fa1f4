# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Where the policy's timers start, and the amount stage rules compare.

The customer's order is received before it is entered: order entry (checked
within 4 hours), forwarding to the departments (within 24 hours) and shipment
(within 3 working days) count from ``governance_received_date``. Stage rules
and reports compare the total in the company's currency, so that an order in
another currency cannot slip under a threshold.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from . import governance_context as trust
from .governance_deadline import plan_deadline
from .sale_order_abnormal import QUOTATION_STATES
from .sale_order_guard import value_changes

# A received date may be this far ahead of the server's clock.
CLOCK_TOLERANCE = timedelta(minutes=5)


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    governance_received_date = fields.Datetime(
        string="Order Received On",
        default=fields.Datetime.now,
        copy=False,
        tracking=True,
        help="When the customer's order was received (phone, e-mail, fax, "
        "portal...). The policy's timers count from it: entry checked, "
        "forwarded to review, shipped. Defaults to the creation of the "
        "quotation; the salesperson corrects it while the order is a "
        "quotation.",
    )
    governance_forward_deadline = fields.Datetime(
        string="Forward to Review By",
        compute="_compute_governance_forward_deadline",
        store=True,
        readonly=True,
        help="When the order should be submitted for review at the latest: the "
        "company's forwarding time after its receipt.",
    )
    governance_forward_late = fields.Boolean(
        string="Forwarded Late",
        compute="_compute_governance_forward_late",
        store=True,
        readonly=True,
        help="Submitted for review after its forwarding deadline (a quotation "
        "not submitted yet: the deadline has passed).",
    )
    governance_amount_company = fields.Monetary(
        string="Total (Company Currency)",
        currency_field="credit_currency_id",
        compute="_compute_governance_amount_company",
        store=True,
        readonly=True,
        help="The total of the order, taxes included, converted into the "
        "company's currency at the order date: what review stages and reports "
        "compare with their thresholds.",
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("governance_received_date", "company_id")
    def _compute_governance_forward_deadline(self):
        for order in self:
            hours = order.company_id.governance_forward_hours
            received = order.governance_received_date
            order.governance_forward_deadline = (
                plan_deadline(order.company_id.resource_calendar_id, received, hours)
                if received and hours > 0
                else False
            )

    @api.depends("governance_forward_deadline", "submitted_date", "state")
    def _compute_governance_forward_late(self):
        now = fields.Datetime.now()
        for order in self:
            if not order.submitted_date and order.state not in QUOTATION_STATES:
                # Confirmed without review, or cancelled: as it was.
                order.governance_forward_late = order.governance_forward_late
                continue
            deadline = order.governance_forward_deadline
            order.governance_forward_late = bool(
                deadline and (order.submitted_date or now) > deadline
            )

    @api.depends("amount_total", "currency_id", "company_id", "date_order")
    def _compute_governance_amount_company(self):
        # Odoo's own total (clients cannot write it: see check_derived_fields),
        # converted once per currency, company and day.
        convert = self._governance_converter()
        for order in self:
            company = order.company_id
            currency = order.currency_id or company.currency_id
            order.governance_amount_company = company.currency_id.round(
                convert(order.amount_total, currency, company.currency_id, order)
            )

    # ------------------------------------------------------------
    # CONSTRAINT METHODS
    # ------------------------------------------------------------

    @api.constrains("governance_received_date")
    def _check_governance_received_date(self):
        limit = fields.Datetime.now() + CLOCK_TOLERANCE
        for order in self:
            if (
                order.governance_received_date
                and order.governance_received_date > limit
            ):
                raise ValidationError(
                    self.env._(
                        "Order %(order)s cannot be received in the future: enter "
                        "when the customer's order arrived.",
                        order=order.name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        if "governance_received_date" in vals and not trust.allowed(
            self.env, trust.APPLY
        ):
            for order in self.filtered(lambda o: o.state not in QUOTATION_STATES):
                if value_changes(
                    order, "governance_received_date", vals["governance_received_date"]
                ):
                    raise UserError(
                        self.env._(
                            "Order %(order)s is no longer a quotation: the date its "
                            "customer's order was received is part of its record "
                            "and cannot be changed.",
                            order=order.name,
                        )
                    )
        return super().write(vals)

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _governance_base_lines(self):
        """Odoo's tax-engine lines of the order, built from its lines' prices,
        quantities, discounts and taxes (not from their stored amounts)."""
        self.ensure_one()
        lines = self.order_line.filtered(lambda line: not line.display_type)
        return [line._prepare_base_line_for_taxes_computation() for line in lines]

    @api.model
    def _governance_converter(self):
        """``convert(amount, currency, target, order)``: at the order date,
        one rate lookup per pair of currencies, company and day."""
        rates = {}

        def convert(amount, currency, target, order):
            if not amount or not currency or currency == target:
                return amount
            day = (order.date_order or fields.Datetime.now()).date()
            key = (currency, target, order.company_id, day)
            if key not in rates:
                rates[key] = currency._get_conversion_rate(
                    currency, target, order.company_id, day
                )
            return amount * rates[key]

        return convert

    def _governance_refresh_forwarding(self):
        """Recompute whether quotations not submitted yet are forwarded late
        (and their deadline, if they have none yet: after installation)."""
        waiting = self.filtered(
            lambda order: order.state in QUOTATION_STATES and not order.submitted_date
        )
        if not waiting:
            return
        fnames = ["governance_forward_deadline", "governance_forward_late"]
        self.env.add_to_compute(
            self._fields["governance_forward_deadline"],
            waiting.filtered(lambda order: not order.governance_forward_deadline),
        )
        self.env.add_to_compute(self._fields["governance_forward_late"], waiting)
        waiting.flush_recordset(fnames)
