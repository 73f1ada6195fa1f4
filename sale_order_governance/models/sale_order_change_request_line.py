# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class SaleOrderChangeRequestLine(models.Model):
    _name = "sale.order.change.request.line"
    _description = "Sales Order Change Request Line"
    _order = "request_id, sequence, id"
    _check_company_auto = True

    request_id = fields.Many2one(
        "sale.order.change.request",
        string="Change Request",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    order_id = fields.Many2one(related="request_id.order_id")
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="request_id.currency_id")
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Order Line",
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('order_id', '=', order_id), ('display_type', '=', False), "
        "('is_downpayment', '=', False)]",
        help="The order line to change; leave empty to add a new line.",
    )
    product_id = fields.Many2one(
        "product.product",
        compute="_compute_product_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain=[("sale_ok", "=", True)],
    )
    product_uom_id = fields.Many2one(
        "uom.uom", string="Unit", compute="_compute_product_uom_id"
    )
    old_qty = fields.Float(
        string="Quantity Before",
        digits="Product Unit of Measure",
        compute="_compute_old_values",
        store=True,
        readonly=True,
        precompute=True,
    )
    old_price_unit = fields.Float(
        string="Price Before",
        digits="Product Price",
        compute="_compute_old_values",
        store=True,
        readonly=True,
        precompute=True,
    )
    old_discount = fields.Float(
        string="Discount Before (%)",
        digits="Discount",
        compute="_compute_old_values",
        store=True,
        readonly=True,
        precompute=True,
    )
    new_qty = fields.Float(
        string="New Quantity",
        digits="Product Unit of Measure",
        compute="_compute_new_values",
        store=True,
        readonly=False,
        precompute=True,
    )
    new_price_unit = fields.Float(
        string="New Price",
        digits="Product Price",
        compute="_compute_new_values",
        store=True,
        readonly=False,
        precompute=True,
    )
    new_discount = fields.Float(
        string="New Discount (%)",
        digits="Discount",
        compute="_compute_new_values",
        store=True,
        readonly=False,
        precompute=True,
    )
    remove = fields.Boolean(help="Remove the line: its quantity is set to zero.")
    qty_delivered = fields.Float(
        related="sale_line_id.qty_delivered", string="Delivered"
    )
    qty_invoiced = fields.Float(related="sale_line_id.qty_invoiced", string="Invoiced")
    change_type = fields.Selection(
        [
            ("none", "No Change"),
            ("update", "Change"),
            ("add", "New Line"),
            ("remove", "Removal"),
        ],
        string="Change",
        compute="_compute_change_type",
        store=True,
    )
    amount_delta = fields.Monetary(
        string="Total Change", compute="_compute_deltas", store=True
    )
    amount_untaxed_delta = fields.Monetary(
        string="Untaxed Change", compute="_compute_deltas", store=True
    )
    margin_delta = fields.Monetary(
        string="Margin Change", compute="_compute_deltas", store=True
    )

    _sql_constraints = [
        (
            "sale_line_unique",
            "UNIQUE(request_id, sale_line_id)",
            "An order line can be changed only once per change request.",
        ),
    ]

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("sale_line_id")
    def _compute_product_id(self):
        for line in self:
            if line.sale_line_id:
                line.product_id = line.sale_line_id.product_id

    @api.depends("sale_line_id", "product_id")
    def _compute_product_uom_id(self):
        for line in self:
            line.product_uom_id = (
                line.sale_line_id.product_uom or line.product_id.uom_id
            )

    @api.depends("sale_line_id")
    def _compute_old_values(self):
        for line in self:
            sale_line = line.sale_line_id
            line.old_qty = sale_line.product_uom_qty
            line.old_price_unit = sale_line.price_unit
            line.old_discount = sale_line.discount

    @api.depends("sale_line_id", "product_id")
    def _compute_new_values(self):
        for line in self:
            sale_line = line.sale_line_id
            if sale_line:
                line.new_qty = sale_line.product_uom_qty
                line.new_price_unit = sale_line.price_unit
                line.new_discount = sale_line.discount
            elif line.product_id:
                line.new_qty = line.new_qty or 1.0
                line.new_price_unit = line._pricelist_price()
                line.new_discount = line.new_discount or 0.0
            else:
                line.new_qty = line.new_qty or 0.0
                line.new_price_unit = line.new_price_unit or 0.0
                line.new_discount = line.new_discount or 0.0

    @api.depends(
        "sale_line_id",
        "product_id",
        "remove",
        "old_qty",
        "new_qty",
        "old_price_unit",
        "new_price_unit",
        "old_discount",
        "new_discount",
    )
    def _compute_change_type(self):
        for line in self:
            if not line.sale_line_id:
                line.change_type = "add" if line.product_id else "none"
            elif line.remove:
                line.change_type = "remove"
            elif line._qty_changes() or line._price_changes():
                line.change_type = "update"
            else:
                line.change_type = "none"

    @api.depends("change_type", "new_qty", "new_price_unit", "new_discount")
    def _compute_deltas(self):
        for line in self:
            if line.change_type == "none" or not line.product_id:
                line.amount_delta = line.amount_untaxed_delta = line.margin_delta = 0.0
                continue
            old_untaxed, old_total, old_margin = line._amounts(
                line.old_qty if line.sale_line_id else 0.0,
                line.old_price_unit,
                line.old_discount,
                line._taxes(),
            )
            new_untaxed, new_total, new_margin = line._amounts(
                line._effective_new_qty(),
                line.new_price_unit,
                line.new_discount,
                line._new_taxes(),
            )
            line.amount_untaxed_delta = new_untaxed - old_untaxed
            line.amount_delta = new_total - old_total
            line.margin_delta = new_margin - old_margin

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    # The content reviewers decide on is frozen with its request, under sudo
    # too: lines are neither created in, moved into or out of, edited in nor
    # deleted from a request that is not editable.
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._check_derived_values(vals_list)
        default_request = self.env.context.get("default_request_id")
        request_ids = {vals.get("request_id", default_request) for vals in vals_list}
        self.env["sale.order.change.request"].browse(
            [request_id for request_id in request_ids if request_id]
        ).exists()._check_editable()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_derived_values([vals])
        self.request_id._check_editable()
        if vals.get("request_id"):
            self.request_id.browse(vals["request_id"])._check_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        self.request_id.exists()._check_editable()

    def _check_derived_values(self, vals_list):
        """Refuse client values of what the request derives from the order."""
        derived = {
            name
            for name, field in self._fields.items()
            if field.related or (field.compute and field.readonly)
        }
        given = {name for vals in vals_list for name in derived if name in vals}
        if given:
            raise UserError(
                self.env._(
                    "These fields of a change request line are taken from the "
                    "order and the change, and cannot be written: %(fields)s",
                    fields=", ".join(sorted(given)),
                )
            )

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _review_fingerprint_values(self):
        """What reviewers approve of this line."""
        self.ensure_one()
        return (
            self.id,
            self.sale_line_id.id,
            self.product_id.id,
            self.change_type or "",
            self.old_qty,
            self.new_qty,
            self.old_price_unit,
            self.new_price_unit,
            self.old_discount,
            self.new_discount,
            self.remove,
        )

    def _precision(self, name):
        digits = self._fields[name].get_digits(self.env)
        return digits[1] if digits else 6

    def _value_changes(self, new_field, old_field):
        self.ensure_one()
        return bool(
            float_compare(
                self[new_field],
                self[old_field],
                precision_digits=self._precision(new_field),
            )
        )

    def _qty_changes(self):
        return self._value_changes("new_qty", "old_qty")

    def _price_changes(self):
        return self._value_changes(
            "new_price_unit", "old_price_unit"
        ) or self._value_changes("new_discount", "old_discount")

    def _effective_new_qty(self):
        self.ensure_one()
        return 0.0 if self.remove else self.new_qty

    def _taxes(self):
        self.ensure_one()
        if self.sale_line_id:
            return self.sale_line_id.tax_id
        order = self.request_id.order_id
        taxes = self.product_id.taxes_id._filter_taxes_by_company(order.company_id)
        return order.fiscal_position_id.map_tax(taxes)

    def _cost(self):
        self.ensure_one()
        if self.sale_line_id:
            return self.sale_line_id.purchase_price
        order = self.request_id.order_id
        product = self.product_id.with_company(order.company_id)
        return product.cost_currency_id._convert(
            product.standard_price,
            order.currency_id,
            order.company_id,
            order.date_order or fields.Date.context_today(self),
        )

    def _new_taxes(self):
        """The taxes of the line once the change is applied."""
        return self._taxes()

    def _amounts(self, qty, price_unit, discount, taxes):
        """Untaxed amount, total and margin of ``qty`` at this price."""
        self.ensure_one()
        currency = self.request_id.currency_id
        order = self.request_id.order_id
        price = price_unit * (1 - (discount or 0.0) / 100.0)
        untaxed = currency.round(price * qty) if currency else price * qty
        total = untaxed
        if taxes and currency:
            total = taxes.compute_all(
                price,
                currency=currency,
                quantity=qty,
                product=self.product_id,
                partner=order.partner_shipping_id,
            )["total_included"]
        margin = untaxed - self._cost() * qty
        return untaxed, total, margin

    def _pricelist_price(self):
        self.ensure_one()
        order = self.request_id.order_id
        if not order.pricelist_id:
            return self.product_id.lst_price
        return order.pricelist_id._get_product_price(
            self.product_id,
            self.new_qty or 1.0,
            currency=order.currency_id,
            date=order.date_order,
        )

    def _prepare_sale_line_update_vals(self):
        """What the change writes on its order line."""
        self.ensure_one()
        vals = {
            # Written with the quantity so that a pricelist never silently
            # reprices what the reviewers approved.
            "price_unit": self.new_price_unit,
            "discount": self.new_discount,
        }
        if self._qty_changes():
            vals["product_uom_qty"] = self.new_qty
        return vals

    def _prepare_sale_line_vals(self):
        self.ensure_one()
        return {
            "product_id": self.product_id.id,
            "product_uom_qty": self.new_qty,
            "price_unit": self.new_price_unit,
            "discount": self.new_discount,
        }
