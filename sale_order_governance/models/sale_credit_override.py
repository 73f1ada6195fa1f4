# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

from .sale_credit_decision import credit_today

# Set by the server from the order and the current user, never by the caller.
SERVER_SET_FIELDS = (
    "partner_id",
    "company_id",
    "approved_by_id",
    "exposure_at_approval",
)


class SaleCreditOverride(models.Model):
    """A credit controller's recorded decision to let one order through.

    Who, why, for which exposure and until when. It is never edited nor
    deleted: a new decision is a new record.
    """

    _name = "sale.credit.override"
    _description = "Credit Override"
    _order = "id desc"
    _rec_names_search = ["order_id", "partner_id"]

    order_id = fields.Many2one(
        "sale.order",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        readonly=True,
        copy=False,
        index=True,
        ondelete="restrict",
        help="The commercial customer of the order when the override was given; "
        "the override no longer applies if the order changes customer.",
    )
    company_id = fields.Many2one("res.company", readonly=True, copy=False, index=True)
    currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    amount = fields.Monetary(
        string="Allowed Exposure",
        required=True,
        readonly=True,
        help="Credit exposure (company currency) up to which the order may proceed.",
    )
    exposure_at_approval = fields.Monetary(
        string="Exposure When Approved",
        readonly=True,
        copy=False,
    )
    reason = fields.Text(required=True, readonly=True)
    approved_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        copy=False,
        ondelete="restrict",
        default=lambda self: self.env.user,
    )
    expiry_date = fields.Date(
        string="Valid Until",
        required=True,
        readonly=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=7),
    )
    is_valid = fields.Boolean(
        string="Valid",
        compute="_compute_is_valid",
        search="_search_is_valid",
        help="Not expired, still covering the current exposure of the order, and "
        "given by someone who is not its salesperson.",
    )

    _sql_constraints = [
        (
            "amount_positive",
            "CHECK(amount > 0)",
            "The exposure a credit override allows must be positive.",
        ),
    ]

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("expiry_date", "amount")
    def _compute_is_valid(self):
        for override in self:
            override.is_valid = override in override.order_id._credit_valid_overrides()

    def _search_is_valid(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on valid overrides."))
        today = credit_today(self, self.env.company)
        candidates = self.search([("expiry_date", ">=", today - timedelta(days=1))])
        valid = candidates.filtered("is_valid")
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", valid.ids)]

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Checked here, not only by the access rights: a sudo'ed caller still
        # acts for the current user, who must be a credit controller.
        if not self.env.user.has_group("sale_order_governance.group_credit_controller"):
            raise AccessError(
                self.env._("Only credit controllers may override credit control.")
            )
        for vals in vals_list:
            given = [name for name in SERVER_SET_FIELDS if vals.get(name)]
            if given:
                raise UserError(
                    self.env._(
                        "These fields of a credit override are set from the order "
                        "and the person deciding, and cannot be given: %(fields)s",
                        fields=", ".join(given),
                    )
                )
            if not (vals.get("reason") or "").strip():
                raise UserError(self.env._("A credit override needs a reason."))
            if (vals.get("amount") or 0.0) <= 0.0:
                raise ValidationError(
                    self.env._(
                        "The exposure a credit override allows must be positive."
                    )
                )
            order = self.env["sale.order"].browse(vals.get("order_id"))
            # The deciding controller must see the order (its companies).
            order.check_access("read")
            # sudo: the exposure is read from accounting for the decision record.
            order_sudo = order.sudo()
            if vals.get("expiry_date") and fields.Date.to_date(
                vals["expiry_date"]
            ) < credit_today(self, order_sudo.company_id):
                raise UserError(
                    self.env._("A credit override cannot expire in the past.")
                )
            if self.env.user in order_sudo._credit_owner_users():
                raise AccessError(
                    self.env._(
                        "You cannot release order %(order)s: you are its "
                        "salesperson, created it or submitted it for review. "
                        "Another credit controller decides (four-eyes principle).",
                        order=order_sudo.name,
                    )
                )
            order_sudo._credit_refresh()
            vals.update(
                {
                    "partner_id": order_sudo.partner_id.commercial_partner_id.id,
                    "company_id": order_sudo.company_id.id,
                    "approved_by_id": self.env.uid,
                    "exposure_at_approval": order_sudo.credit_exposure,
                }
            )
        overrides = super().create(vals_list)
        for override in overrides:
            override._log_on_order()
        overrides.order_id._credit_refresh()
        return overrides

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(
            self.env._(
                "A credit override is a recorded decision and cannot be changed. "
                "Record a new override instead."
            )
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "A credit override is a recorded decision and cannot be deleted."
            )
        )

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    @api.depends("order_id", "approved_by_id")
    def _compute_display_name(self):
        for override in self:
            override.display_name = self.env._(
                "%(order)s by %(user)s",
                order=override.order_id.name or "",
                user=override.approved_by_id.name or "",
            )

    def _log_on_order(self):
        self.ensure_one()
        order = self.order_id
        order._review_post(
            self.env._(
                "Credit override by %(user)s: exposure allowed up to %(amount)s "
                "(currently %(exposure)s) until %(date)s. Reason: %(reason)s",
                user=self.approved_by_id.name,
                amount=order._format_money(self.amount, self.currency_id),
                exposure=order._format_money(
                    self.exposure_at_approval, self.currency_id
                ),
                date=format_date(self.env, self.expiry_date),
                reason=self.reason,
            )
        )
