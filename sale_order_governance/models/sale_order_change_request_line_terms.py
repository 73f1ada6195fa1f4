# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Line descriptions and taxes a change request carries, like its quantities
and prices: ``old_`` as the order line was, ``new_`` as the requester wants."""

from odoo import api, fields, models

from .sale_order_change_request_terms import term_key


class SaleOrderChangeRequestLine(models.Model):
    _inherit = "sale.order.change.request.line"  # pylint: disable=consider-merging-classes-inherited

    old_name = fields.Text(
        string="Description Before",
        compute="_compute_old_terms",
        store=True,
        precompute=True,
    )
    new_name = fields.Text(
        string="New Description",
        compute="_compute_new_name",
        store=True,
        readonly=False,
        precompute=True,
        help="Leave empty on a new line to describe it from its product.",
    )
    old_tax_ids = fields.Many2many(
        "account.tax",
        relation="sale_order_change_request_line_old_tax_rel",
        string="Taxes Before",
        compute="_compute_old_terms",
        store=True,
        precompute=True,
    )
    new_tax_ids = fields.Many2many(
        "account.tax",
        relation="sale_order_change_request_line_new_tax_rel",
        string="New Taxes",
        compute="_compute_new_tax_ids",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain=[("type_tax_use", "=", "sale")],
    )

    @api.depends("sale_line_id")
    def _compute_old_terms(self):
        for line in self:
            line.old_name = line.sale_line_id.name
            line.old_tax_ids = line.sale_line_id.tax_id

    @api.depends("sale_line_id")
    def _compute_new_name(self):
        for line in self:
            line.new_name = line.sale_line_id.name

    @api.depends("sale_line_id", "product_id")
    def _compute_new_tax_ids(self):
        for line in self:
            line.new_tax_ids = line._default_new_taxes()

    @api.depends("old_name", "new_name", "old_tax_ids", "new_tax_ids")
    def _compute_change_type(self):
        res = super()._compute_change_type()
        for line in self.filtered(
            lambda line: line.sale_line_id and line.change_type == "none"
        ):
            if line._name_changes() or line._tax_changes():
                line.change_type = "update"
        return res

    @api.depends("new_tax_ids")
    def _compute_deltas(self):
        return super()._compute_deltas()

    def _default_new_taxes(self):
        """The order line's taxes, or the product's under the new fiscal
        position when it changes (as Odoo maps a quotation's taxes)."""
        self.ensure_one()
        request = self.request_id
        if self.sale_line_id and term_key(request.new_fiscal_position_id) == term_key(
            request.old_fiscal_position_id
        ):
            return self.sale_line_id.tax_id
        company = request.company_id or self.env.company
        taxes = self.product_id.taxes_id._filter_taxes_by_company(company)
        return request.new_fiscal_position_id.map_tax(taxes)

    def _name_changes(self):
        self.ensure_one()
        return bool(self.sale_line_id) and (self.new_name or "") != (
            self.old_name or ""
        )

    def _tax_changes(self):
        self.ensure_one()
        return bool(self.sale_line_id) and self.new_tax_ids != self.old_tax_ids

    def _new_taxes(self):
        return self.new_tax_ids

    def _snapshot_terms(self):
        """Description and taxes the request leaves unchanged follow the order."""
        self.ensure_one()
        sale_line = self.sale_line_id
        vals = {}
        if not self._name_changes():
            vals["new_name"] = sale_line.name
        if not self._tax_changes():
            vals["new_tax_ids"] = [fields.Command.set(sale_line.tax_id.ids)]
        vals.update(
            {
                "old_name": sale_line.name,
                "old_tax_ids": [fields.Command.set(sale_line.tax_id.ids)],
            }
        )
        self.write(vals)

    def _review_fingerprint_values(self):
        return (
            super()._review_fingerprint_values(),
            self.old_name or "",
            self.new_name or "",
            tuple(sorted(self.old_tax_ids.ids)),
            tuple(sorted(self.new_tax_ids.ids)),
        )

    def _prepare_sale_line_update_vals(self):
        vals = super()._prepare_sale_line_update_vals()
        if self._name_changes():
            vals["name"] = self.new_name
        if self._tax_changes():
            vals["tax_id"] = [fields.Command.set(self.new_tax_ids.ids)]
        return vals

    def _prepare_sale_line_vals(self):
        vals = super()._prepare_sale_line_vals()
        if self.new_name:
            vals["name"] = self.new_name
        vals["tax_id"] = [fields.Command.set(self.new_tax_ids.ids)]
        return vals
