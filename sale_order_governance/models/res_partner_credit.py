# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError

# Credit policy fields only a credit controller may change.
CREDIT_POLICY_FIELDS = {
    "credit_hold",
    "credit_hold_reason",
    "credit_overdue_tolerance_custom",
    "credit_overdue_tolerance_own",
    "credit_overdue_tolerance_days",
    "credit_require_prepayment",
    "credit_risk_grade",
}


# Fields the credit gate reads on the commercial partner.
CREDIT_POLICY_READ = [
    "credit_hold",
    "credit_hold_reason",
    "credit_overdue_tolerance_custom",
    "credit_overdue_tolerance_own",
    "credit_require_prepayment",
]


CREDIT_FIGURES_GROUPS = "sales_team.group_sale_salesman"


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "sale.credit.exposure.mixin"]

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
    credit_exposure = fields.Monetary(
        compute="_compute_credit_exposure",
        currency_field="credit_currency_id",
        compute_sudo=True,
        groups=CREDIT_FIGURES_GROUPS,
    )
    credit_override_ids = fields.One2many(
        "sale.credit.override",
        "partner_id",
        string="Credit Overrides",
        readonly=True,
        groups=CREDIT_FIGURES_GROUPS,
    )
    # The customer's figures (computed as superuser) are for the people who
    # sell to it or decide on its credit, as the Credit Control tab.
    credit_exposure_receivable = fields.Monetary(groups=CREDIT_FIGURES_GROUPS)
    credit_exposure_orders = fields.Monetary(groups=CREDIT_FIGURES_GROUPS)
    credit_exposure_draft = fields.Monetary(groups=CREDIT_FIGURES_GROUPS)
    credit_overdue_amount = fields.Monetary(groups=CREDIT_FIGURES_GROUPS)
    credit_overdue_days = fields.Integer(groups=CREDIT_FIGURES_GROUPS)
    credit_limit_active = fields.Monetary(groups=CREDIT_FIGURES_GROUPS)
    credit_limit_exceeded = fields.Boolean(groups=CREDIT_FIGURES_GROUPS)

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
        figures = self.env["sale.credit.exposure"]._partner_figures(self, company)
        for partner in self:
            values = dict(figures[partner.id])
            del values["credit_exposure_order"]
            partner.update(values)

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

    def _credit_partner_reasons(self, company, exposure, figures):
        """Translated reasons why this commercial partner is blocked.

        ``figures`` is a breakdown of the ``sale.credit.exposure`` service
        (overdue days and amount, active credit limit); ``exposure`` is the
        exposure to compare with the limit (with or without an order).
        """
        self.ensure_one()
        reasons = []
        partner = self.sudo().with_company(company)
        # The policy fields only: reading one field of a customer fetches its
        # hundred others otherwise (the gate runs at every confirmation).
        partner.fetch(CREDIT_POLICY_READ)
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
        overdue_days = figures["credit_overdue_days"]
        if overdue_days > tolerance:
            reasons.append(
                self.env._(
                    "Customer %(partner)s has invoices overdue by %(days)s days, "
                    "beyond the tolerance of %(tolerance)s days (overdue: %(amount)s).",
                    partner=partner.display_name,
                    days=overdue_days,
                    tolerance=tolerance,
                    amount=self._credit_format(
                        figures["credit_overdue_amount"], currency
                    ),
                )
            )
        limit = figures["credit_limit_active"]
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
