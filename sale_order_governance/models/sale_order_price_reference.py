# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The reference figures of the abnormal-order checks, computed in batches.

The price a line would have from its pricelist and its untaxed amount from its
own price, quantity, discount and taxes (Odoo's tax engine): never the stored
amounts or costs a client can write.
"""

from collections import defaultdict

from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def _governance_untaxed_per_line(self):
        """{line: untaxed amount} of one order, from its prices and taxes.

        Computed by Odoo's tax engine from the line's price, quantity,
        discount and taxes, as the order's own totals are.
        """
        self.ensure_one()
        tax = self.env["account.tax"]
        base_lines = self._governance_base_lines()
        tax._add_tax_details_in_base_lines(base_lines, self.company_id)
        tax._round_base_lines_tax_details(base_lines, self.company_id)
        return {
            base_line["record"]: base_line["tax_details"]["raw_total_excluded_currency"]
            for base_line in base_lines
        }

    def _governance_pricelist_prices(self, lines):
        """{line: (listed, final)}: the unit price Odoo's pricelist proposes for
        the line (before the discount it shows, if any) and the price after
        that discount, taxes as in the line's price, in the order currency.

        One rule search per pricelist for all the order dates, as
        ``_compute_price_rule`` does for several products at one date; each
        line then takes the first rule valid at its order's date.
        """
        now = fields.Datetime.now()
        groups = defaultdict(lambda: self.env["sale.order.line"])
        for line in lines:
            groups[line.order_id.pricelist_id, line.order_id.company_id] |= line
        prices = {}
        for (pricelist, company), group in groups.items():
            group = group.with_company(company)
            rules = self._governance_pricelist_rules(
                pricelist,
                group.product_id,
                [line.order_id.date_order or now for line in group],
            )
            for line in group:
                prices[line] = self._governance_line_prices(
                    line, rules, line.order_id.date_order or now
                )
        return prices

    @api.model
    def _governance_pricelist_rules(self, pricelist, products, dates):
        """The rules of ``pricelist`` for ``products`` valid at any of ``dates``."""
        if not pricelist:
            return self.env["product.pricelist.item"]
        first, last = min(dates), max(dates)
        # Odoo's own domain at the latest date, still valid at the earliest.
        domain = [
            ("date_end", ">=", first)
            if isinstance(leaf, (list, tuple)) and tuple(leaf[:2]) == ("date_end", ">=")
            else leaf
            for leaf in pricelist._get_applicable_rules_domain(products, last)
        ]
        # Archived rules count, as in ``_get_applicable_rules``.
        return (
            self.env["product.pricelist.item"]
            .with_context(active_test=False)
            .search(domain)
            .with_env(self.env)
        )

    @api.model
    def _governance_line_prices(self, line, rules, date):
        """(listed, final) of one line, as ``_get_display_price`` computes them."""
        product = line.product_id.with_context(**line._get_product_price_context())
        qty = line.product_uom_qty or 1.0
        qty_in_product_uom = (
            line.product_uom._compute_quantity(
                qty, product.uom_id, raise_if_failure=False
            )
            if line.product_uom and line.product_uom != product.uom_id
            else qty
        )
        rule = next(
            (
                rule
                for rule in rules
                if (not rule.date_start or rule.date_start <= date)
                and (not rule.date_end or rule.date_end >= date)
                and rule._is_applicable_for(product, qty_in_product_uom)
            ),
            rules.browse(),
        )
        args = {
            "product": product,
            "quantity": qty,
            "uom": line.product_uom,
            "date": date,
            "currency": line.currency_id,
        }
        final = rule._compute_price(**args)
        listed = final
        if rule._show_discount():
            listed = max(rule._compute_price_before_discount(**args), final)
        taxes = line.product_id.taxes_id._filter_taxes_by_company(line.company_id)
        return tuple(
            line.product_id._get_tax_included_unit_price_from_price(
                price,
                product_taxes=taxes,
                fiscal_position=line.order_id.fiscal_position_id,
            )
            for price in (listed, final)
        )
