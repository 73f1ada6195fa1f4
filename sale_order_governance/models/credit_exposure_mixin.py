# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SaleCreditExposureMixin(models.AbstractModel):
    """The exposure breakdown shown on the customer and on the order.

    Every figure is in company currency (``credit_currency_id``) and set by
    the inheriting model's ``_compute_credit_exposure``.
    """

    _name = "sale.credit.exposure.mixin"
    _description = "Credit Exposure Breakdown"

    credit_currency_id = fields.Many2one("res.currency", string="Company Currency")
    credit_exposure_receivable = fields.Monetary(
        string="Open Receivables",
        compute="_compute_credit_exposure",
        currency_field="credit_currency_id",
        compute_sudo=True,
    )
    credit_exposure_orders = fields.Monetary(
        string="Confirmed Orders Not Invoiced",
        compute="_compute_credit_exposure",
        currency_field="credit_currency_id",
        compute_sudo=True,
        help="What other confirmed orders of the customer still have to invoice.",
    )
    credit_exposure_draft = fields.Monetary(
        string="Draft Invoices",
        compute="_compute_credit_exposure",
        currency_field="credit_currency_id",
        compute_sudo=True,
        help="Draft customer invoices minus draft credit notes.",
    )
    credit_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        compute="_compute_credit_exposure",
        currency_field="credit_currency_id",
        compute_sudo=True,
    )
    credit_overdue_days = fields.Integer(
        string="Oldest Overdue (Days)",
        compute="_compute_credit_exposure",
        compute_sudo=True,
    )
    credit_limit_active = fields.Monetary(
        string="Active Credit Limit",
        compute="_compute_credit_exposure",
        currency_field="credit_currency_id",
        compute_sudo=True,
        help="The customer's credit limit when the company checks credit "
        "limits (Invoicing settings: Sales Credit Limit); zero means no limit.",
    )
    credit_limit_exceeded = fields.Boolean(
        string="Over Credit Limit",
        compute="_compute_credit_exposure",
        compute_sudo=True,
    )

    def _compute_credit_exposure(self):
        raise NotImplementedError
