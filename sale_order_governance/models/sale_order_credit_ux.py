# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import format_date

CREDIT_DECISION_ACTIVITY = "sale_order_governance.mail_activity_type_credit_decision"


class SaleOrder(models.Model):
    """Credit blocks as a next step: who decides, what the customer pays.

    The credit controllers get an activity when an order is blocked for a
    decision (submitted for review, approved, or on request of the
    salesperson); the salesperson gets one when it is released.
    """

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    credit_next_step = fields.Text(
        compute="_compute_credit_next_step",
        compute_sudo=True,
        help="What lets the order through credit control: who may release it "
        "and what the customer may pay.",
    )

    @api.depends("credit_blocked_reason")
    def _compute_credit_next_step(self):
        for order in self:
            order.credit_next_step = (
                order._credit_next_step_text() if order.credit_blocked else False
            )

    def _credit_next_step_text(self):
        self.ensure_one()
        order = self.sudo()
        company = order.company_id or self.env.company
        currency = company.currency_id
        partner = order.partner_id.commercial_partner_id.with_company(company)
        steps = []
        if order.credit_overdue_amount and partner.credit_overdue_tolerance_days < (
            order.credit_overdue_days
        ):
            steps.append(
                self.env._(
                    "The customer pays the overdue invoices (%(amount)s).",
                    amount=self._format_money(order.credit_overdue_amount, currency),
                )
            )
        limit = order.credit_limit_active
        if limit and currency.compare_amounts(order.credit_exposure, limit) > 0:
            steps.append(
                self.env._(
                    "The customer pays %(amount)s of open invoices, or the order "
                    "is reduced by as much, to stay within the credit limit.",
                    amount=self._format_money(order.credit_exposure - limit, currency),
                )
            )
        if partner.credit_require_prepayment:
            required = order._get_prepayment_required_amount()
            missing = required - order._credit_prepaid_amount()
            if order.currency_id.compare_amounts(missing, 0.0) > 0:
                steps.append(
                    self.env._(
                        "The customer pays the prepayment of %(amount)s "
                        "(Send by Email or the customer portal asks for it).",
                        amount=self._format_money(missing, order.currency_id),
                    )
                )
        controllers = order._credit_controllers() - order._credit_owner_users()
        steps.append(
            self.env._(
                "Or a credit controller releases the order: %(names)s.",
                names=", ".join(controllers.mapped("name"))
                or self.env._("nobody is credit controller in this company yet"),
            )
            if steps
            else self.env._(
                "A credit controller releases the order: %(names)s.",
                names=", ".join(controllers.mapped("name"))
                or self.env._("nobody is credit controller in this company yet"),
            )
        )
        return "\n".join(steps)

    # ------------------------------------------------------------
    # ACTIVITIES
    # ------------------------------------------------------------

    def action_credit_ask_release(self):
        """The salesperson asks the credit controllers to decide."""
        self.check_access("write")
        asked = self.filtered("credit_blocked")._credit_ask_decision()
        if not asked:
            return True
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "The credit controllers were asked to decide on %(orders)s.",
                    orders=", ".join(asked.mapped("name")),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _credit_ask_decision(self):
        """Give each credit controller an activity on the blocked orders.

        Once per controller and order while it is open. Returns the orders
        the controllers were asked about.
        """
        asked = self.browse()
        for order in self:
            # sudo: the salesperson schedules for the controllers, who may
            # not be followers; reading the groups needs it too.
            order_sudo = order.sudo()
            reasons = order_sudo.credit_blocked_reason
            if not reasons or order.state not in ("draft", "sent", "sale"):
                continue
            controllers = order_sudo._credit_controllers() - (
                order_sudo._credit_owner_users()
            )
            if not controllers:
                order._review_post(
                    self.env._(
                        "No credit controller in %(company)s to decide on this order.",
                        company=order_sudo.company_id.name,
                    )
                )
                continue
            activity_type = self.env.ref(CREDIT_DECISION_ACTIVITY)
            waiting = order_sudo.activity_ids.filtered(
                lambda act, kind=activity_type: act.activity_type_id == kind
            ).user_id
            for user in controllers - waiting:
                # Titles in the language of the controller who reads them.
                reader = self.with_context(lang=user.lang or self.env.lang)
                order_sudo.activity_schedule(
                    CREDIT_DECISION_ACTIVITY,
                    summary=reader.env._("Credit decision: order blocked"),
                    # Due today: the salesperson waits for it.
                    date_deadline=fields.Date.context_today(order_sudo),
                    note=reader.env._(
                        "%(order)s of %(partner)s is blocked by credit control: "
                        "%(reasons)s Release it or ask the salesperson to contact "
                        "the customer.",
                        order=order_sudo.name,
                        partner=order_sudo.partner_id.display_name,
                        reasons=reasons.replace("\n", " "),
                    ),
                    user_id=user.id,
                )
            asked |= order
        return asked

    def _credit_decision_taken(self, override):
        """Close the controllers' activities; hand the order back."""
        for order in self:
            order_sudo = order.sudo()
            order_sudo.activity_feedback(
                [CREDIT_DECISION_ACTIVITY],
                feedback=self.env._(
                    "Released by %(user)s.", user=override.approved_by_id.name
                ),
            )
            responsible = order_sudo.user_id or order_sudo.create_uid
            if responsible:
                reader = self.with_context(lang=responsible.lang or self.env.lang)
                summary = (
                    reader.env._("Credit released: deliver the order")
                    if order_sudo.state == "sale"
                    else reader.env._("Credit released: confirm the order")
                )
                order_sudo.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=summary,
                    note=reader.env._(
                        "%(user)s released the order up to %(amount)s until %(date)s.",
                        user=override.approved_by_id.name,
                        amount=self._format_money(
                            override.amount, override.currency_id
                        ),
                        date=format_date(reader.env, override.expiry_date),
                    ),
                    user_id=responsible.id,
                )

    def action_submit_for_review(self):
        res = super().action_submit_for_review()
        self.filtered("credit_blocked")._credit_ask_decision()
        return res

    def _review_approved(self):
        res = super()._review_approved()
        self.filtered("credit_blocked")._credit_ask_decision()
        return res


class SaleCreditOverride(models.Model):
    _inherit = "sale.credit.override"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        overrides = super().create(vals_list)
        for override in overrides:
            override.order_id._credit_decision_taken(override)
        return overrides
