# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

# Credit policy fields only a credit controller may change.
CREDIT_POLICY_FIELDS = {
    "credit_hold",
    "credit_hold_reason",
    "credit_overdue_tolerance_custom",
    "credit_overdue_tolerance_own",
    "credit_overdue_tolerance_days",
    "credit_require_prepayment",
}

# Customer documents counted as draft invoices (refunds count negatively).
DRAFT_INVOICE_TYPES = ("out_invoice", "out_refund", "out_receipt")


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------
    # FIELDS: credit policy (per company, read on the commercial partner)
    # ------------------------------------------------------------

    credit_hold = fields.Boolean(
        company_dependent=True,
        help="No order of this customer can be confirmed in this company "
        "until the hold is lifted or a credit controller releases the order.",
    )
    credit_hold_reason = fields.Text(
        company_dependent=True,
    )
    credit_overdue_tolerance_custom = fields.Boolean(
        string="Own Overdue Tolerance",
        company_dependent=True,
        help="Use a tolerance of its own for this customer instead of the "
        "company default.",
    )
    credit_overdue_tolerance_own = fields.Integer(
        string="Own Overdue Tolerance (Days)",
        company_dependent=True,
    )
    credit_overdue_tolerance_days = fields.Integer(
        string="Overdue Tolerance (Days)",
        compute="_compute_credit_overdue_tolerance_days",
        inverse="_inverse_credit_overdue_tolerance_days",
        help="Orders are blocked when the oldest unpaid invoice is overdue by "
        "more days than this. Company default unless the customer has its own.",
    )
    credit_require_prepayment = fields.Boolean(
        string="Require Prepayment",
        company_dependent=True,
        help="Orders of this customer must be paid in advance (online payment "
        "or paid down-payment invoice) before confirmation or before delivery, "
        "as the company settings say.",
    )
    credit_control_editable = fields.Boolean(
        compute="_compute_credit_control_editable",
    )

    # ------------------------------------------------------------
    # FIELDS: exposure in the current company (company currency)
    # ------------------------------------------------------------

    credit_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_credit_currency_id",
    )
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
    )
    credit_exposure_draft = fields.Monetary(
        string="Draft Invoices",
        compute="_compute_credit_exposure",
        currency_field="credit_currency_id",
        compute_sudo=True,
        help="Draft customer invoices minus draft credit notes.",
    )
    credit_exposure = fields.Monetary(
        compute="_compute_credit_exposure",
        currency_field="credit_currency_id",
        compute_sudo=True,
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
    credit_override_ids = fields.One2many(
        "sale.credit.override",
        "partner_id",
        string="Credit Overrides",
        readonly=True,
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends_context("company")
    @api.depends("credit_overdue_tolerance_custom", "credit_overdue_tolerance_own")
    def _compute_credit_overdue_tolerance_days(self):
        default = self.env.company.governance_credit_overdue_tolerance_days
        for partner in self:
            partner.credit_overdue_tolerance_days = (
                partner.credit_overdue_tolerance_own
                if partner.credit_overdue_tolerance_custom
                else default
            )

    def _inverse_credit_overdue_tolerance_days(self):
        for partner in self:
            partner.credit_overdue_tolerance_custom = True
            partner.credit_overdue_tolerance_own = partner.credit_overdue_tolerance_days

    @api.depends_context("uid")
    def _compute_credit_control_editable(self):
        editable = self._credit_user_is_controller()
        for partner in self:
            partner.credit_control_editable = editable

    @api.depends_context("company")
    def _compute_credit_currency_id(self):
        for partner in self:
            partner.credit_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    def _compute_credit_exposure(self):
        company = self.env.company
        commercial = self.commercial_partner_id
        figures = commercial.filtered("id")._credit_exposure_figures(company)
        for partner in self:
            values = figures.get(partner.commercial_partner_id.id) or {}
            exposure = (
                values.get("receivable", 0.0)
                + values.get("orders", 0.0)
                + values.get("draft", 0.0)
            )
            limit = partner.commercial_partner_id._credit_limit_for(company)
            partner.credit_exposure_receivable = values.get("receivable", 0.0)
            partner.credit_exposure_orders = values.get("orders", 0.0)
            partner.credit_exposure_draft = values.get("draft", 0.0)
            partner.credit_exposure = exposure
            partner.credit_overdue_amount = values.get("overdue", 0.0)
            partner.credit_overdue_days = values.get("overdue_days", 0)
            partner.credit_limit_active = limit
            partner.credit_limit_exceeded = bool(
                limit and company.currency_id.compare_amounts(exposure, limit) > 0
            )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if any(CREDIT_POLICY_FIELDS.intersection(vals) for vals in vals_list):
            self._credit_check_controller()
        return super().create(vals_list)

    def write(self, vals):
        if not CREDIT_POLICY_FIELDS.intersection(vals):
            return super().write(vals)
        self._credit_check_controller()
        policy = {
            key: value for key, value in vals.items() if key in CREDIT_POLICY_FIELDS
        }
        others = {key: value for key, value in vals.items() if key not in policy}
        hold_before = {partner.id: partner.credit_hold for partner in self}
        res = super().write(others) if others else True
        # sudo: credit controllers own the credit policy of customers whose
        # other data they may not edit (they are salespeople otherwise).
        super(ResPartner, self.sudo()).write(policy)
        if "credit_hold" in vals:
            for partner in self.filtered(lambda p: p.credit_hold != hold_before[p.id]):
                partner._credit_log_hold()
        return res

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _credit_user_is_controller(self):
        return self.env.su or self.env.user.has_group(
            "sale_order_governance.group_credit_controller"
        )

    def _credit_check_controller(self):
        if not self._credit_user_is_controller():
            raise AccessError(
                self.env._(
                    "Only credit controllers may change a customer's credit hold, "
                    "overdue tolerance or prepayment requirement."
                )
            )

    def _credit_log_hold(self):
        self.ensure_one()
        if self.credit_hold:
            body = self.env._(
                "Credit hold set in %(company)s by %(user)s: %(reason)s",
                company=self.env.company.name,
                user=self.env.user.name,
                reason=self.credit_hold_reason or self.env._("no reason given"),
            )
        else:
            body = self.env._(
                "Credit hold lifted in %(company)s by %(user)s.",
                company=self.env.company.name,
                user=self.env.user.name,
            )
        # sudo: a credit controller may not write on the partner otherwise.
        self.sudo().message_post(
            body=Markup("<p>%s</p>") % body,
            author_id=self.env.user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )

    def _credit_limit_for(self, company):
        """Odoo's own credit limit of this commercial partner, if checked.

        The limit is active only when the company uses the native "Sales
        Credit Limit"; zero means no limit, as in Odoo.
        """
        self.ensure_one()
        if not company.account_use_credit_limit:
            return 0.0
        # sudo: credit_limit is restricted to accountants; the gate needs it
        # for every user, portal and payment flows included.
        return self.sudo().with_company(company).credit_limit or 0.0

    def _credit_tolerance_for(self, company):
        self.ensure_one()
        return self.sudo().with_company(company).credit_overdue_tolerance_days

    def _credit_exposure_figures(self, company):
        """Credit figures of the commercial partners ``self`` in ``company``.

        One aggregate query per bucket over indexed columns, whatever the
        number of documents; every amount is converted to the company
        currency at today's rate. Returns ``{partner_id: {receivable, overdue,
        overdue_days, oldest_due, orders, draft}}``; contacts and addresses
        roll up to their commercial partner.
        """
        result = {
            partner_id: {
                "receivable": 0.0,
                "overdue": 0.0,
                "overdue_days": 0,
                "oldest_due": None,
                "orders": 0.0,
                "draft": 0.0,
            }
            for partner_id in self.ids
        }
        if not self.ids:
            return result
        self._credit_flush()
        today = fields.Date.context_today(self)
        converter = self._credit_converter(company, today)
        children = dict(
            self.env.execute_query(
                SQL(
                    "SELECT id, commercial_partner_id FROM res_partner"
                    " WHERE commercial_partner_id = ANY(%s)",
                    self.ids,
                )
            )
        )
        child_ids = list(children)
        # Open receivables: posted, unreconciled, receivable accounts.
        rows = self.env.execute_query(
            SQL(
                """
                SELECT aml.partner_id, aml.currency_id,
                       SUM(aml.amount_residual_currency),
                       SUM(aml.amount_residual_currency) FILTER (
                           WHERE aml.date_maturity < %(today)s
                             AND aml.amount_residual > 0),
                       MIN(aml.date_maturity) FILTER (
                           WHERE aml.date_maturity < %(today)s
                             AND aml.amount_residual > 0)
                  FROM account_move_line aml
                 WHERE aml.account_id = ANY(ARRAY(
                           SELECT id FROM account_account
                            WHERE account_type = 'asset_receivable'))
                   AND aml.partner_id = ANY(%(partners)s)
                   AND aml.company_id = %(company)s
                   AND aml.parent_state = 'posted'
                   AND (aml.reconciled IS NULL OR aml.reconciled = false
                        OR aml.reconciled IS NOT true)
                   AND (aml.amount_residual != 0 OR aml.amount_residual_currency != 0)
              GROUP BY aml.partner_id, aml.currency_id
                """,
                today=today,
                partners=child_ids,
                company=company.id,
            )
        )
        for partner_id, currency_id, residual, overdue, oldest in rows:
            values = result[children[partner_id]]
            values["receivable"] += converter(currency_id, residual)
            values["overdue"] += converter(currency_id, overdue)
            if oldest and (not values["oldest_due"] or oldest < values["oldest_due"]):
                values["oldest_due"] = oldest
        # Confirmed orders still to invoice (down payments deducted).
        rows = self.env["sale.order"]._credit_order_amount_rows(
            SQL("line.order_partner_id"),
            SQL(
                "line.order_partner_id = ANY(%s) AND line.company_id = %s",
                child_ids,
                company.id,
            ),
        )
        for partner_id, currency_id, _kind, _open, amount in rows:
            result[children[partner_id]]["orders"] += converter(currency_id, amount)
        # Draft customer invoices minus draft credit notes.
        rows = self.env.execute_query(
            SQL(
                """
                SELECT move.commercial_partner_id, move.currency_id,
                       SUM(move.amount_total_in_currency_signed)
                  FROM account_move move
                 WHERE move.commercial_partner_id = ANY(%s)
                   AND move.company_id = %s
                   AND move.state = 'draft'
                   AND move.move_type IN %s
              GROUP BY move.commercial_partner_id, move.currency_id
                """,
                self.ids,
                company.id,
                DRAFT_INVOICE_TYPES,
            )
        )
        for partner_id, currency_id, amount in rows:
            result[partner_id]["draft"] += converter(currency_id, amount)
        rounding = company.currency_id.round
        for values in result.values():
            for key in ("receivable", "overdue", "orders", "draft"):
                values[key] = rounding(values[key])
            if values["oldest_due"]:
                values["overdue_days"] = (today - values["oldest_due"]).days
        return result

    @api.model
    def _credit_converter(self, company, date):
        """Return ``convert(currency_id, amount)`` into the company currency."""
        company_currency = company.currency_id
        currencies = {}

        def convert(currency_id, amount):
            amount = float(amount or 0.0)
            if not amount or not currency_id or currency_id == company_currency.id:
                return amount
            if currency_id not in currencies:
                currencies[currency_id] = self.env["res.currency"].browse(currency_id)
            return currencies[currency_id]._convert(
                amount, company_currency, company, date, round=False
            )

        return convert

    @api.model
    def _credit_flush(self):
        """Write pending ORM changes of every column the exposure SQL reads."""
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["account.account"].flush_model(["account_type"])
        self.env["account.move"].flush_model(
            [
                "commercial_partner_id",
                "company_id",
                "state",
                "move_type",
                "currency_id",
                "amount_total_in_currency_signed",
            ]
        )
        self.env["account.move.line"].flush_model(
            [
                "account_id",
                "partner_id",
                "company_id",
                "currency_id",
                "parent_state",
                "reconciled",
                "amount_residual",
                "amount_residual_currency",
                "date_maturity",
                "price_total",
                "move_id",
            ]
        )
        self.env["sale.order.line"].flush_model(
            [
                "order_id",
                "order_partner_id",
                "company_id",
                "state",
                "invoice_status",
                "currency_id",
                "product_uom_qty",
                "qty_delivered",
                "qty_invoiced",
                "price_total",
                "is_downpayment",
                "invoice_lines",
            ]
        )

    def _credit_partner_reasons(self, company, exposure, figures):
        """Translated reasons why this commercial partner is blocked.

        ``figures`` comes from :meth:`_credit_exposure_figures`; ``exposure``
        is the exposure to compare with the limit (with or without an order).
        """
        self.ensure_one()
        reasons = []
        partner = self.sudo().with_company(company)
        currency = company.currency_id
        if partner.credit_hold:
            reasons.append(
                self.env._(
                    "Customer %(partner)s is on credit hold: %(reason)s",
                    partner=partner.display_name,
                    reason=partner.credit_hold_reason or self.env._("no reason given"),
                )
            )
        tolerance = partner.credit_overdue_tolerance_days
        overdue_days = figures.get("overdue_days", 0)
        if overdue_days > tolerance:
            reasons.append(
                self.env._(
                    "Customer %(partner)s has invoices overdue by %(days)s days, "
                    "beyond the tolerance of %(tolerance)s days (overdue: %(amount)s).",
                    partner=partner.display_name,
                    days=overdue_days,
                    tolerance=tolerance,
                    amount=self._credit_format(figures.get("overdue", 0.0), currency),
                )
            )
        limit = partner._credit_limit_for(company)
        if limit and currency.compare_amounts(exposure, limit) > 0:
            reasons.append(
                self.env._(
                    "The credit exposure of %(partner)s reaches %(exposure)s, above "
                    "its credit limit of %(limit)s.",
                    partner=partner.display_name,
                    exposure=self._credit_format(exposure, currency),
                    limit=self._credit_format(limit, currency),
                )
            )
        return reasons

    def _credit_format(self, amount, currency):
        return self.env["sale.order"]._format_money(amount, currency)

    def action_open_credit_overrides(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_order_governance.sale_credit_override_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action
