# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The checks behind the abnormal-order flags (异常订单), in batches.

Each check runs over a set of quotations with a fixed number of queries,
whatever their number of lines: one pricelist rule search per pricelist and
order date, one aggregate of the customers' confirmed history, one of their
overdue receivables, one existence test of a confirmed order per customer.
Figures come from the data a salesperson cannot bend: the pricelist and the
product's cost and lead time, never the line's own cost or lead time alone.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL, float_compare, format_date
from odoo.tools.misc import formatLang

# Kinds of abnormal orders: the terms of the order itself (异常订单).
ORDER_KINDS = (
    "price_below_list",
    "discount_exceeded",
    "margin_low",
    "date_impossible",
    "quantity_abnormal",
)
# Customers the policy sends to finance first (新客户, 高风险客户).
CUSTOMER_KINDS = ("new_customer", "high_risk")
FLAG_KINDS = ORDER_KINDS + CUSTOMER_KINDS
# The checks, and the kinds each finds.
CHECKS = (
    (
        "_governance_check_lines",
        ("quantity_abnormal", "discount_exceeded", "price_below_list", "margin_low"),
    ),
    ("_governance_check_history", ("quantity_abnormal",)),
    ("_governance_check_dates", ("date_impossible",)),
    ("_governance_check_customers", CUSTOMER_KINDS),
)


def flag_field(kind):
    """The stored flag of ``kind`` on sale.order."""
    return f"governance_{kind}"


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def _governance_findings(self, kinds=None):
        """What makes each order of ``self`` abnormal, and why.

        ``kinds``: only the checks that find these kinds run (all by default).

        ``{order: {kind: [sentence, ...]}}`` with the values and thresholds,
        in the current language. Read as superuser by the callers: the
        history, receivables and costs are not all the salesperson's to read.
        """
        findings = {order: defaultdict(list) for order in self}
        if not self:
            return findings
        for check, found_kinds in CHECKS:
            if kinds is None or set(kinds).intersection(found_kinds):
                getattr(self, check)(findings)
        return findings

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    def _governance_product_lines(self):
        """Lines that sell a product (no section, note, down payment, combo)."""
        return self.order_line.filtered(
            lambda line: (
                line.product_id
                and not line.display_type
                and not line.is_downpayment
                and line.product_id.type != "combo"
            )
        )

    def _governance_percent(self, value):
        return f"{formatLang(self.env, value, digits=2)} %"

    def _governance_qty(self, line, qty):
        return f"{formatLang(self.env, qty, digits=2)} {line.product_uom.name or ''}"

    def _governance_discount_authority(self):
        """The largest discount (%) the order's salesperson may grant.

        The salesperson's own sales team decides (its members are set by the
        sales managers), not the team typed on the order.
        """
        self.ensure_one()
        team = self.user_id.sudo().sale_team_id
        if team.governance_discount_authority:
            return team.governance_max_discount, self.env._(
                "sales team %(team)s", team=team.display_name
            )
        return self.company_id.governance_max_discount, self.env._("company default")

    # ------------------------------------------------------------
    # CHECKS
    # ------------------------------------------------------------

    def _governance_check_lines(self, findings):
        """Prices, discounts, margins and quantities of the lines."""
        lines = self._governance_product_lines()
        # The taxes of every line at once, for the untaxed amounts below.
        self.order_line.mapped("tax_id")
        priced = lines.filtered(lambda line: not line.combo_item_id)
        prices = self._governance_pricelist_prices(priced)
        convert = self._governance_converter()
        for order in self:
            found = findings[order]
            rounding = order.currency_id.rounding or 0.01
            authority, authority_of = order._governance_discount_authority()
            untaxed = order._governance_untaxed_per_line()
            for line in order._governance_product_lines():
                product = line.product_id.display_name
                if float_compare(line.product_uom_qty, 0.0, precision_digits=6) <= 0:
                    found["quantity_abnormal"].append(
                        self.env._(
                            "%(product)s: the quantity %(qty)s is zero or negative.",
                            product=product,
                            qty=order._governance_qty(line, line.product_uom_qty),
                        )
                    )
                    continue
                if line in prices:
                    order._governance_check_price(line, prices[line], found)
                    final = prices[line][1]
                    net = line.price_unit * (1 - (line.discount or 0.0) / 100.0)
                    granted = (1 - net / final) * 100 if final > rounding else 0.0
                    if float_compare(granted, authority, precision_digits=2) > 0:
                        found["discount_exceeded"].append(
                            self.env._(
                                "%(product)s: sold %(granted)s below the pricelist "
                                "price, beyond the %(authority)s the salesperson "
                                "may grant (%(of)s).",
                                product=product,
                                granted=order._governance_percent(granted),
                                authority=order._governance_percent(authority),
                                of=authority_of,
                            )
                        )
                order._governance_check_margin(
                    line, untaxed.get(line, 0.0), convert, found
                )

    def _governance_check_price(self, line, prices, found):
        """The unit price typed below the one the pricelist proposes."""
        listed = prices[0]
        rounding = self.currency_id.rounding or 0.01
        if float_compare(line.price_unit, listed, precision_rounding=rounding) < 0:
            found["price_below_list"].append(
                self.env._(
                    "%(product)s: the unit price %(price)s is below the pricelist "
                    "price %(list_price)s.",
                    product=line.product_id.display_name,
                    price=self._format_money(line.price_unit),
                    list_price=self._format_money(listed),
                )
            )

    def _governance_min_margin(self, category):
        """Minimum margin (%) of a product category: its own, an ancestor's,
        or the company's."""
        while category:
            if category.governance_min_margin_custom:
                return category.governance_min_margin, self.env._(
                    "product category %(category)s", category=category.display_name
                )
            category = category.parent_id
        return self.company_id.governance_min_margin, self.env._("company default")

    def _governance_check_margin(self, line, untaxed, convert, found):
        """The margin of the line on the product's cost, under the floor."""
        product = line.product_id.with_company(self.company_id)
        cost = product.uom_id._compute_price(product.standard_price, line.product_uom)
        cost = (
            convert(cost, self.company_id.currency_id, self.currency_id, self)
            * line.product_uom_qty
        )
        if not untaxed and not cost:
            return
        margin = (untaxed - cost) / untaxed * 100 if untaxed > 0 else -100.0
        floor, floor_of = self._governance_min_margin(product.categ_id)
        if float_compare(margin, floor, precision_digits=2) < 0:
            found["margin_low"].append(
                self.env._(
                    "%(product)s: a margin of %(margin)s on the product's cost, "
                    "below the minimum of %(floor)s (%(of)s).",
                    product=line.product_id.display_name,
                    margin=self._governance_percent(margin),
                    floor=self._governance_percent(floor),
                    of=floor_of,
                )
            )

    def _governance_check_history(self, findings):
        """Quantities far above what the customer usually orders.

        One aggregate over the confirmed lines of the customers and products
        concerned, per company; a product the customer never bought is not
        flagged.
        """
        for company in self.company_id:
            factor = company.governance_quantity_factor
            orders = self.filtered(lambda order, c=company: order.company_id == c)
            lines = orders._governance_product_lines()
            if factor <= 0 or not lines:
                continue
            commercial = orders.partner_id.commercial_partner_id
            history = defaultdict(lambda: [0.0, 0])  # (customer, product): qty, orders
            rows = self.env["sale.order.line"]._read_group(
                [
                    ("state", "=", "sale"),
                    ("company_id", "=", company.id),
                    ("product_id", "in", lines.product_id.ids),
                    ("order_partner_id", "child_of", commercial.ids),
                    ("display_type", "=", False),
                    ("is_downpayment", "=", False),
                ],
                ["order_partner_id", "product_id", "product_uom"],
                ["product_uom_qty:sum", "order_id:count_distinct"],
            )
            for partner, product, uom, qty, count in rows:
                key = (partner.commercial_partner_id, product)
                history[key][0] += uom._compute_quantity(
                    qty, product.uom_id, raise_if_failure=False
                )
                history[key][1] += count
            for order in orders:
                ordered = defaultdict(float)
                for line in order._governance_product_lines():
                    ordered[line.product_id] += line.product_uom._compute_quantity(
                        line.product_uom_qty,
                        line.product_id.uom_id,
                        raise_if_failure=False,
                    )
                customer = order.partner_id.commercial_partner_id
                for product, qty in ordered.items():
                    total, count = history.get((customer, product), (0.0, 0))
                    if not count or qty <= factor * total / count:
                        continue
                    findings[order]["quantity_abnormal"].append(
                        self.env._(
                            "%(product)s: %(qty)s ordered, more than %(factor)s "
                            "times the customer's average of %(average)s per order.",
                            product=product.display_name,
                            qty=formatLang(self.env, qty, digits=2),
                            factor=formatLang(self.env, factor, digits=1),
                            average=formatLang(self.env, total / count, digits=2),
                        )
                    )

    def _governance_check_dates(self, findings):
        """A requested date in the past or earlier than the lead time allows.

        The lead time of a line is the longest of the product's customer lead
        time and the line's own: lowering the line's cannot hide it.
        """
        today = fields.Date.context_today(self)
        for order in self.filtered("commitment_date"):
            requested = fields.Date.to_date(
                fields.Datetime.context_timestamp(order, order.commitment_date)
            )
            if requested < today:
                findings[order]["date_impossible"].append(
                    self.env._(
                        "The requested delivery date %(date)s is in the past.",
                        date=format_date(self.env, requested),
                    )
                )
                continue
            goods = order._governance_product_lines().filtered(
                lambda line: line.product_id.type != "service"
            )
            leads = [
                (max(line.product_id.sale_delay, line.customer_lead), line)
                for line in goods
            ]
            if not leads:
                continue
            lead, line = max(leads, key=lambda pair: pair[0])
            earliest = today + timedelta(days=lead)
            if requested < earliest:
                findings[order]["date_impossible"].append(
                    self.env._(
                        "The requested delivery date %(date)s is earlier than "
                        "%(earliest)s, the earliest the lead time of %(product)s "
                        "(%(days)s days) allows.",
                        date=format_date(self.env, requested),
                        earliest=format_date(self.env, earliest),
                        product=line.product_id.display_name,
                        days=formatLang(self.env, lead, digits=0),
                    )
                )

    def _governance_confirmed_customers(self, company, customers):
        """Ids of ``customers`` (commercial partners) with a confirmed order."""
        if not customers:
            return set()
        self.env["sale.order"].flush_model(["state", "partner_id", "company_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT c.id
                  FROM unnest(%(ids)s::int[]) AS c(id)
                 WHERE EXISTS (
                       SELECT 1
                         FROM sale_order so
                         JOIN res_partner p ON p.id = so.partner_id
                        WHERE p.commercial_partner_id = c.id
                          AND so.company_id = %(company)s
                          AND so.state = 'sale')
                """,
                ids=customers.ids,
                company=company.id,
            )
        )
        return {row[0] for row in rows}

    def _governance_oldest_overdue(self, company, customers):
        """{commercial partner: oldest overdue due date} in ``company``."""
        rows = self.env["account.move.line"]._read_group(
            [
                ("partner_id", "child_of", customers.ids),
                ("company_id", "=", company.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", "<", fields.Date.context_today(self)),
            ],
            ["partner_id"],
            ["date_maturity:min"],
        )
        oldest = {}
        for partner, date in rows:
            customer = partner.commercial_partner_id
            if date and (customer not in oldest or date < oldest[customer]):
                oldest[customer] = date
        return oldest

    def _governance_check_customers(self, findings):
        """New customers and high-risk customers, per company."""
        today = fields.Date.context_today(self)
        for company in self.company_id:
            orders = self.filtered(lambda order, c=company: order.company_id == c)
            customers = orders.partner_id.commercial_partner_id.filtered("id")
            confirmed = self._governance_confirmed_customers(company, customers)
            oldest = self._governance_oldest_overdue(company, customers)
            grades = dict(
                self.env["res.partner"]
                ._fields["credit_risk_grade"]
                ._description_selection(self.env)
            )
            for order in orders:
                customer = order.partner_id.commercial_partner_id
                if not customer:
                    continue
                found = findings[order]
                if customer.id not in confirmed:
                    found["new_customer"].append(
                        self.env._(
                            "%(customer)s has no confirmed order in %(company)s "
                            "yet: a new customer.",
                            customer=customer.display_name,
                            company=company.name,
                        )
                    )
                policy = customer.with_company(company)
                if policy.credit_hold:
                    found["high_risk"].append(
                        self.env._(
                            "%(customer)s is on credit hold.",
                            customer=customer.display_name,
                        )
                    )
                if customer in oldest:
                    days = (today - oldest[customer]).days
                    tolerance = policy.credit_overdue_tolerance_days
                    if days > tolerance:
                        found["high_risk"].append(
                            self.env._(
                                "%(customer)s has invoices overdue by %(days)s "
                                "days, beyond the tolerance of %(tolerance)s days.",
                                customer=customer.display_name,
                                days=days,
                                tolerance=tolerance,
                            )
                        )
                if policy.credit_risk_grade == "high":
                    found["high_risk"].append(
                        self.env._(
                            "%(customer)s has the credit risk grade %(grade)s.",
                            customer=customer.display_name,
                            grade=grades["high"],
                        )
                    )
