# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .sale_credit_exposure_query import figures_query, flush_documents
from .sale_credit_exposure_totals import create_totals, fold_totals, rebuild_totals


class SaleCreditExposure(models.AbstractModel):
    """The credit exposure of customers: the one place its formula lives.

    exposure = open receivables + confirmed orders not invoiced + draft
    invoices - draft credit notes + this order, per commercial customer and
    company, in company currency at today's rate.

    The order, the customer's credit tab, the review evidence, the delivery
    hold and the change requests read it here. The two big buckets come from
    running totals kept by PostgreSQL (``sale_credit_exposure_totals.py``),
    so that reading a customer's exposure costs the same whatever its
    history; the small ones (draft invoices, down payments, the order
    itself) are read from their documents.
    """

    _name = "sale.credit.exposure"
    _description = "Credit Exposure"

    def init(self):
        if create_totals(self.env.cr):
            rebuild_totals(self.env.cr)

    # ------------------------------------------------------------
    # THE FORMULA
    # ------------------------------------------------------------

    @api.model
    def _breakdown(self, values, company, this_order=0.0, included=0.0):
        """The exposure and its parts, as the fields of the exposure mixin.

        ``values`` are a customer's figures (:meth:`_read_figures`); ``this_order``
        what the order adds, ``included`` its own share already counted in
        the customer's confirmed orders (company currency).
        """
        currency = company.currency_id
        others = currency.round(values["orders"] - included)
        exposure = values["receivable"] + others + values["draft"] + this_order
        limit = values["limit"]
        return {
            "credit_exposure_receivable": values["receivable"],
            "credit_exposure_orders": others,
            "credit_exposure_draft": values["draft"],
            "credit_exposure_order": this_order,
            "credit_exposure": exposure,
            "credit_overdue_amount": values["overdue"],
            "credit_overdue_days": values["overdue_days"],
            "credit_limit_active": limit,
            "credit_limit_exceeded": bool(
                limit and currency.compare_amounts(exposure, limit) > 0
            ),
        }

    @api.model
    def _partner_figures(self, partners, company):
        """``{partner_id: breakdown}`` of customers (contacts roll up)."""
        figures = self._read_figures(partners.filtered("id"), company)[0]
        return {
            partner.id: self._breakdown(
                figures.get(partner.id) or self._empty_figures(partner.id), company
            )
            for partner in partners
        }

    @api.model
    def _order_figures(self, orders):
        """``{order: breakdown}``: the customer's exposure with the order.

        A stored order is read from the database (its pending changes
        flushed); a new one (a form) from memory.
        """
        result = {}
        today = fields.Date.context_today(self)
        for company, group in orders.grouped(
            lambda order: order.company_id or self.env.company
        ).items():
            figures, own = self._read_figures(
                group.partner_id.filtered("id"), company, group
            )
            convert = self._converter(company, today)
            currency = company.currency_id
            for order in group:
                values = figures.get(order.partner_id.id) or self._empty_figures(
                    order.partner_id.id
                )
                amounts = own.get(order._origin.id) or {}
                this_order = 0.0
                if order.state != "cancel":
                    if isinstance(order.id, int):
                        open_amount = amounts.get("open", 0.0)
                    else:
                        open_amount = self._order_open_amount(order)
                    this_order = currency.round(
                        convert(order.currency_id.id, open_amount)
                        + amounts.get("down", 0.0)
                    )
                result[order] = self._breakdown(
                    values, company, this_order, amounts.get("included", 0.0)
                )
        return result

    @api.model
    def _order_open_amount(self, order):
        """What ``order`` still adds, in its currency, from memory (forms).

        The Python twin of ``ORDER_AMOUNT`` (the stored orders are read in
        SQL): per line, the taxed unit price times the quantity ordered (or
        delivered, if more) not invoiced yet. Down payments are deducted
        apart.
        """
        amount = 0.0
        for line in order.order_line:
            if line.display_type or line.is_downpayment:
                continue
            if line.product_uom_qty <= 0:
                continue
            open_qty = max(line.product_uom_qty, line.qty_delivered) - line.qty_invoiced
            if open_qty > 0:
                amount += line.price_total / line.product_uom_qty * open_qty
        return amount

    # ------------------------------------------------------------
    # READING THE FIGURES
    # ------------------------------------------------------------

    @api.model
    def _empty_figures(self, partner_id):
        return {
            "commercial_id": partner_id,
            "receivable": 0.0,
            "overdue": 0.0,
            "overdue_days": 0,
            "oldest_due": None,
            "orders": 0.0,
            "draft": 0.0,
            "limit": 0.0,
        }

    @api.model
    def _read_figures(self, partners, company, orders=None):
        """Credit figures of the customers of ``partners`` in ``company``.

        Two SQL queries, whatever the number of documents: the customers'
        contacts and addresses, then ONE statement with every bucket, Odoo's
        credit limit and the own amounts of ``orders``. Contacts and
        addresses roll up to their commercial partner; amounts are converted
        to the company currency at today's rate.

        Returns ``(figures, own)``:

        - ``figures``: ``{partner_id: values}`` for each partner and its
          commercial partner (both keys give the same dictionary):
          ``commercial_id``, ``receivable``, ``overdue``, ``overdue_days``,
          ``oldest_due``, ``orders``, ``draft`` and ``limit`` (Odoo's credit
          limit when the company checks it, 0 otherwise);
        - ``own``: ``{order_id: {open, included, down}}`` for the stored
          orders of ``orders``: ``open`` is what the order still adds, in its
          own currency, ``included`` its share of the customer's confirmed
          orders and ``down`` the down payments invoiced on it and not
          deducted yet (negative), both in company currency.
        """
        figures = {}
        own = {}
        order_ids = orders._origin.ids if orders else []
        if not partners.ids and not order_ids:
            return figures, own
        flush_documents(self.env)
        today = fields.Date.context_today(self)
        # The customers' commercial partners with their contacts and
        # addresses, first: given as values, they let PostgreSQL size each
        # part of the statement from its statistics. With them, whether any
        # has down payment lines (an index of those lines only).
        member_of = {}
        with_down = False
        for member_id, commercial_id, has_down in self.env.execute_query(
            SQL(
                """
                SELECT member.id, member.commercial_partner_id,
                       EXISTS(SELECT 1 FROM sale_order_line line
                               WHERE line.is_downpayment
                                 AND line.company_id = %s
                                 AND (line.order_partner_id = member.id
                                      OR line.order_id = ANY(%s)))
                  FROM res_partner member
                 WHERE member.commercial_partner_id IN (
                       SELECT customer.commercial_partner_id
                         FROM res_partner customer
                        WHERE customer.id = ANY(%s))
                """,
                company.id,
                order_ids,
                partners.ids,
            )
        ):
            member_of[member_id] = commercial_id
            with_down = with_down or has_down
        rows = self.env.execute_query(
            figures_query(self.env, company, member_of, order_ids, today, with_down)
        )
        convert = self._converter(company, today)

        def values_of(partner_id):
            return figures.setdefault(partner_id, self._empty_figures(partner_id))

        for kind, key, ref, amount, extra, oldest in rows:
            if kind in ("open", "own"):
                values = own.setdefault(
                    key, {"open": 0.0, "included": 0.0, "down": 0.0}
                )
                if kind == "open":
                    values["open"] = float(amount or 0.0)
                else:
                    values["included"] += convert(ref, amount)
                    values["down"] += convert(ref, extra)
            elif kind == "limit":
                values_of(key)["limit"] = float(amount or 0.0)
            else:  # receivable, orders, draft (only receivables are overdue)
                values = values_of(member_of.get(key) or key)
                values[kind] += convert(ref, amount)
                values["overdue"] += convert(ref, extra)
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
        for partner_id in partners.ids:
            figures[partner_id] = values_of(member_of.get(partner_id) or partner_id)
        return figures, own

    @api.model
    def _converter(self, company, date):
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

    # ------------------------------------------------------------
    # RUNNING TOTALS
    # ------------------------------------------------------------

    @api.model
    def _cron_fold_totals(self):
        """Fold the running totals (one row per customer, key and due date)."""
        fold_totals(self.env.cr)

    @api.model
    def _rebuild_totals(self, partners=None):
        """Compute the running totals again (all customers, or ``partners``).

        For data written with the triggers off; see ``rebuild_totals``.
        """
        self.env.flush_all()
        partner_ids = None
        if partners is not None:
            partner_ids = (
                self.env["res.partner"]
                .with_context(active_test=False)
                .search(
                    [
                        (
                            "commercial_partner_id",
                            "in",
                            partners.commercial_partner_id.ids,
                        )
                    ]
                )
                .ids
            )
        rebuild_totals(self.env.cr, partner_ids)
