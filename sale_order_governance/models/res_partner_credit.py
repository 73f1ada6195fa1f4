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
    "credit_risk_grade",
}

# Customer documents counted as draft invoices (refunds count negatively).
DRAFT_INVOICE_TYPES = ("out_invoice", "out_refund", "out_receipt")


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
            limit = (
                values["limit"]
                if values
                else partner.commercial_partner_id._credit_limit_for(company)
            )
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
        """Credit figures of the customers of ``self`` in ``company``.

        See :meth:`_credit_exposure_data`, whose first part this is.
        """
        return self._credit_exposure_data(company)[0]

    def _credit_exposure_data(self, company, orders=None):
        """Credit figures of the customers of ``self`` in ``company``.

        Two SQL queries, whatever the number of documents: the customers'
        contacts and addresses, then ONE statement with the aggregates of
        every bucket over indexed columns (covering partial indexes: an
        index-only scan once the tables are vacuumed), Odoo's credit limit and
        the own amounts of ``orders`` (sale orders). Contacts and addresses
        roll up to their commercial partner. Every amount is converted to the
        company currency at today's rate.

        Returns ``(figures, own)``:

        - ``figures``: ``{partner_id: values}`` for each partner of ``self``
          and its commercial partner (both keys give the same dictionary):
          ``commercial_id``, ``receivable``, ``overdue``, ``overdue_days``,
          ``oldest_due``, ``orders``, ``draft`` and ``limit`` (Odoo's credit
          limit when the company checks it, 0 otherwise);
        - ``own``: ``{order_id: {open, included, down}}`` for the stored
          orders of ``orders``: ``open`` is what the order still adds, in its
          own currency (as :meth:`sale.order._credit_open_amount` computes it
          from the lines), ``included`` its share of the customer's confirmed
          orders and ``down`` the down payments invoiced on it and not deducted
          yet (negative), both in company currency.
        """
        figures = {}
        own = {}
        order_ids = orders._origin.ids if orders else []
        if not self.ids and not order_ids:
            return figures, own
        self._credit_flush()
        today = fields.Date.context_today(self)
        # The customers' commercial partners with their contacts and
        # addresses, first: given as values, they let PostgreSQL size each
        # part of the statement from its statistics.
        member_of = dict(
            self.env.execute_query(
                SQL(
                    """
                    SELECT member.id, member.commercial_partner_id
                      FROM res_partner member
                     WHERE member.commercial_partner_id IN (
                           SELECT customer.commercial_partner_id
                             FROM res_partner customer
                            WHERE customer.id = ANY(%s))
                    """,
                    self.ids,
                )
            )
        )
        rows = self.env.execute_query(
            self._credit_exposure_query(company, member_of, order_ids, today)
        )
        converter = self._credit_converter(company, today)
        for kind, key, ref, amount, extra, oldest in rows:
            if kind in ("open", "own"):
                values = own.setdefault(
                    key, {"open": 0.0, "included": 0.0, "down": 0.0}
                )
                if kind == "open":
                    values["open"] = amount or 0.0
                else:
                    values["included"] += converter(ref, amount)
                    values["down"] += converter(ref, extra)
            elif kind == "limit":
                self._credit_empty_figures(figures, key)["limit"] = amount or 0.0
            else:  # receivable, orders, draft (only receivables are overdue)
                # Contacts and addresses roll up to their commercial partner.
                commercial_id = member_of.get(key) or key
                values = self._credit_empty_figures(figures, commercial_id)
                values[kind] += converter(ref, amount)
                values["overdue"] += converter(ref, extra)
                if oldest and (
                    not values["oldest_due"] or oldest < values["oldest_due"]
                ):
                    values["oldest_due"] = oldest
        rounding = company.currency_id.round
        for values in figures.values():
            for key in ("receivable", "overdue", "orders", "draft"):
                values[key] = rounding(values[key])
            if values["oldest_due"]:
                values["overdue_days"] = (today - values["oldest_due"]).days
        for partner_id in self.ids:
            commercial_id = member_of.get(partner_id) or partner_id
            figures[partner_id] = self._credit_empty_figures(figures, commercial_id)
        return figures, own

    @api.model
    def _credit_empty_figures(self, figures, partner_id):
        """The figures of ``partner_id`` in ``figures``, added if missing."""
        if partner_id not in figures:
            figures[partner_id] = {
                "commercial_id": partner_id,
                "receivable": 0.0,
                "overdue": 0.0,
                "overdue_days": 0,
                "oldest_due": None,
                "orders": 0.0,
                "draft": 0.0,
                "limit": 0.0,
            }
        return figures[partner_id]

    def _credit_exposure_query(self, company, member_of, order_ids, today):
        """The statement of :meth:`_credit_exposure_data`.

        ``member_of`` maps the customers' contacts and addresses to their
        commercial partner. Rows ``(kind, key, ref, amount, extra, day)``:
        ``receivable`` (key: partner, ref: currency, extra: overdue part, day:
        oldest overdue due date), ``orders`` (key: partner, ref: currency),
        ``draft`` (key: commercial partner, ref: currency), ``limit`` (key:
        commercial partner), ``open`` (key: order, in the order currency) and
        ``own`` (key: order, ref: currency, amount: counted with the
        customer's orders, extra: down payments).

        Contacts roll up in Python and the down payments are read once, for
        the customers and the orders together: every join of big tables makes
        PostgreSQL probe the ends of their indexes while planning.
        """
        members = list(member_of)
        commercial_ids = sorted(set(member_of.values()))
        branches = [
            # Open receivables: posted, unreconciled, receivable accounts.
            SQL(
                """
                SELECT 'receivable', aml.partner_id, aml.currency_id,
                       SUM(aml.amount_residual_currency),
                       SUM(aml.amount_residual_currency) FILTER (
                           WHERE aml.date_maturity < %(today)s
                             AND aml.amount_residual > 0),
                       MIN(aml.date_maturity) FILTER (
                           WHERE aml.date_maturity < %(today)s
                             AND aml.amount_residual > 0)
                  FROM account_move_line aml
                 WHERE aml.partner_id = ANY(%(members)s)
                   AND aml.company_id = %(company)s
                   AND aml.account_id = ANY(ARRAY(
                           SELECT id FROM account_account
                            WHERE account_type = 'asset_receivable'))
                   AND aml.parent_state = 'posted'
                   AND (aml.reconciled IS NULL OR aml.reconciled = false
                        OR aml.reconciled IS NOT true)
                   AND (aml.amount_residual != 0 OR aml.amount_residual_currency != 0)
              GROUP BY aml.partner_id, aml.currency_id
                """,
                today=today,
                members=members,
                company=company.id,
            ),
            # Confirmed orders still to invoice (down payments deducted).
            SQL(
                "SELECT 'orders', key, currency_id, amount, NULL, NULL FROM (%s) o",
                self._credit_order_amounts_sql("order_partner_id", members, company),
            ),
            # Draft customer invoices minus draft credit notes.
            SQL(
                """
                SELECT 'draft', move.commercial_partner_id, move.currency_id,
                       SUM(move.amount_total_in_currency_signed), NULL, NULL
                  FROM account_move move
                 WHERE move.commercial_partner_id = ANY(%s)
                   AND move.company_id = %s
                   AND move.state = 'draft'
                   AND move.move_type IN %s
              GROUP BY move.commercial_partner_id, move.currency_id
                """,
                commercial_ids,
                company.id,
                DRAFT_INVOICE_TYPES,
            ),
        ]
        if company.account_use_credit_limit:
            # sudo: credit_limit is restricted to accountants; the gate needs
            # it for every user, portal and payment flows included. The ORM's
            # own expression of the company-dependent value (default included).
            partner = self.sudo().with_company(company)
            branches.append(
                SQL(
                    """
                    SELECT 'limit', partner.id, NULL, %s, NULL, NULL
                      FROM res_partner partner
                     WHERE partner.id = ANY(%s)
                    """,
                    partner._field_to_sql("partner", "credit_limit"),
                    commercial_ids,
                )
            )
        if order_ids:
            branches += [
                # What the orders themselves still add, in their currency.
                SQL(
                    """
                    SELECT 'open', line.order_id, NULL,
                           SUM(CASE WHEN line.product_uom_qty > 0
                                     AND line.display_type IS NULL
                                     AND line.is_downpayment IS NOT TRUE
                                    THEN line.price_total / line.product_uom_qty
                                         * GREATEST(GREATEST(line.product_uom_qty,
                                                             line.qty_delivered)
                                                    - line.qty_invoiced, 0)
                                    ELSE 0 END),
                           NULL, NULL
                      FROM sale_order_line line
                     WHERE line.order_id = ANY(%s)
                  GROUP BY line.order_id
                    """,
                    order_ids,
                ),
                # Their share of the customer's orders, their down payments.
                SQL(
                    """
                    SELECT 'own', key, currency_id,
                           CASE WHEN is_open THEN amount ELSE 0 END,
                           CASE WHEN kind = 'down' THEN amount ELSE 0 END,
                           NULL
                      FROM (%s) o
                    """,
                    self._credit_order_amounts_sql(
                        "order_id", order_ids, company, confirmed_only=False
                    ),
                ),
            ]
        return SQL(
            """
            WITH down AS MATERIALIZED (
                -- Down payments invoiced (not cancelled) on confirmed orders
                -- of the customers and on the orders asked for.
                SELECT line.order_id, line.order_partner_id,
                       line.state = 'sale' AS is_open, move.currency_id,
                       CASE WHEN move.move_type = 'out_refund'
                            THEN aml.price_total ELSE -aml.price_total END AS amount
                  FROM sale_order_line line
                  JOIN sale_order_line_invoice_rel rel
                    ON rel.order_line_id = line.id
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                  JOIN account_move move ON move.id = aml.move_id
                 WHERE line.is_downpayment
                   AND line.company_id = %(company)s
                   AND move.state != 'cancel'
                   AND ((line.order_partner_id = ANY(%(members)s)
                         AND line.state = 'sale')
                        OR line.order_id = ANY(%(orders)s))
            )
            %(branches)s
            """,
            company=company.id,
            members=members,
            orders=order_ids,
            branches=SQL(" UNION ALL ").join(branches),
        )

    @api.model
    def _credit_order_amounts_sql(self, key, ids, company, confirmed_only=True):
        """Rows ``(key, currency_id, kind, is_open, amount)``: what orders
        still invoice, for the statement of :meth:`_credit_exposure_query`
        (whose ``down`` rows it reads).

        ``key`` names the column (``order_partner_id`` or ``order_id``, stored
        copies on the lines, so that one covering partial index answers) that
        must be in ``ids``. ``kind`` is ``lines`` (taxed amount of the
        quantities not invoiced yet, draft invoices counting as invoiced) or
        ``down`` (minus the down payments invoiced and not deducted yet);
        ``is_open`` says whether the row belongs to a confirmed order, the
        only ones counted in the customer's exposure (``confirmed_only``).
        """
        # The state is only filtered (not selected) for the customer's orders,
        # so that the covering partial index answers alone.
        if confirmed_only:
            state, is_open = SQL("line.state = 'sale'"), SQL("TRUE")
            down_state = SQL("down.is_open")
        else:
            state, is_open = SQL("TRUE"), SQL("line.state = 'sale'")
            down_state = SQL("TRUE")
        return SQL(
            """
            SELECT key, currency_id, kind, is_open, SUM(amount) AS amount FROM (
                SELECT %(line_key)s AS key, line.currency_id AS currency_id,
                       'lines' AS kind, %(is_open)s AS is_open,
                       CASE WHEN line.product_uom_qty > 0
                             AND line.is_downpayment IS NOT TRUE
                            THEN line.price_total / line.product_uom_qty
                                 * GREATEST(GREATEST(line.product_uom_qty,
                                                     line.qty_delivered)
                                            - line.qty_invoiced, 0)
                            ELSE 0 END AS amount
                  FROM sale_order_line line
                 WHERE %(line_key)s = ANY(%(ids)s)
                   AND line.company_id = %(company)s
                   AND %(state)s
                   AND line.invoice_status != 'invoiced'
                UNION ALL
                SELECT %(down_key)s, down.currency_id, 'down', down.is_open,
                       down.amount
                  FROM down
                 WHERE %(down_key)s = ANY(%(ids)s) AND %(down_state)s
            ) amounts
            GROUP BY key, currency_id, kind, is_open
            """,
            line_key=SQL.identifier("line", key),
            down_key=SQL.identifier("down", key),
            ids=ids,
            company=company.id,
            state=state,
            is_open=is_open,
            down_state=down_state,
        )

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
                "display_type",
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
