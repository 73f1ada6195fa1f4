# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A confirmed order changes only through an approved request.

Its commercial terms (``governed_fields``), its lines and its state are
refused to every write but the one of a change or cancel request being
applied. Odoo's own flows that add lines to a confirmed order (down payments,
expenses re-invoiced from accounting, products delivered beyond the order and
delivery costs when a delivery is validated) are recognised by where they come
from: the add-on opens a trusted context around them. Line flags
(``is_downpayment``, ``is_expense``, ``is_delivery``) and context keys a
client sends are never trusted.
"""

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from . import governance_context as trust
from .governed_fields import GOVERNED_LINE_FIELDS, GOVERNED_ORDER_FIELDS

# Flags marking the lines Odoo's own flows add, and the flow allowed to set each.
LINE_ORIGIN_FLAGS = {
    "is_downpayment": trust.DOWN_PAYMENT,
    "is_expense": trust.EXPENSE,
    "is_delivery": trust.DELIVERY,
}


def value_changes(record, name, value):
    """Whether writing ``value`` (as a client sends it) changes ``record[name]``."""
    field = record._fields[name]
    current = record[name]
    if field.type in ("float", "monetary"):
        digits = field.get_digits(record.env) if field.type == "float" else None
        precision = digits[1] if digits else 6
        return (
            float_compare(
                float(value or 0.0), current or 0.0, precision_digits=precision
            )
            != 0
        )
    return field.convert_to_record(field.convert_to_cache(value, record), record) != (
        current
    )


def check_derived_fields(model, names):
    """Refuse values a client sends for what Odoo derives from other fields.

    Stored computed fields without inverse (amounts, margins, statuses) are
    recomputed by Odoo only when what they depend on changes: a value written
    directly would stay, and stage rules or reviewers' evidence reading it
    would be misled. Inside a trusted section (Odoo's own flows, the engine)
    nothing is refused.
    """
    if trust.purposes(model.env):
        return
    derived = [
        name
        for name in names
        if (field := model._fields.get(name))
        and field.compute
        and field.store
        and field.readonly
        and not field.inverse
        and not field.related
    ]
    if derived:
        raise UserError(
            model.env._(
                "%(fields)s of %(model)s are computed by Odoo from the other values "
                "and cannot be set directly.",
                fields=", ".join(
                    model._fields[name]._description_string(model.env)
                    for name in sorted(derived)
                ),
                model=model._description,
            )
        )


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_derived_fields(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_derived_fields(self, vals)
        if not trust.allowed(self.env, trust.APPLY):
            confirmed = self.filtered(lambda order: order.state == "sale")
            if confirmed and vals.get("state") == "cancel":
                # Backstop for code cancelling by writing the state directly.
                raise UserError(confirmed[:1]._governance_cancel_refused_message())
            governed = [name for name in GOVERNED_ORDER_FIELDS if name in vals]
            for order in confirmed if governed else ():
                if any(value_changes(order, name, vals[name]) for name in governed):
                    raise UserError(order._governance_change_refused_message())
        return super().write(vals)

    def _create_delivery_line(self, carrier, price_unit):
        # Delivery costs (``delivery``, when installed): the carrier wizard,
        # the e-commerce checkout and the real cost of a validated delivery.
        with trust.trusted(self.env, trust.DELIVERY) as env:
            return super(SaleOrder, self.with_env(env))._create_delivery_line(
                carrier, price_unit
            )


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_derived_fields(self, vals)
        purposes = trust.purposes(self.env)
        if trust.APPLY not in purposes:
            orders = self.env["sale.order"].browse(
                {vals["order_id"] for vals in vals_list if vals.get("order_id")}
            )
            for vals in vals_list:
                flags = self._governance_check_flags(vals, purposes)
                order = orders.filtered(
                    lambda o, vals=vals: o.id == vals.get("order_id")
                )
                if order.state != "sale" or flags:
                    continue
                # Products delivered beyond the order: sale_stock adds them
                # with a zero ordered quantity when the delivery is validated.
                if (
                    trust.DELIVERED in purposes
                    and not vals.get("display_type")
                    and not vals.get("product_uom_qty")
                ):
                    continue
                raise UserError(order._governance_change_refused_message())
        return super().create(vals_list)

    def write(self, vals):
        check_derived_fields(self, vals)
        purposes = trust.purposes(self.env)
        if trust.APPLY not in purposes:
            flags = [flag for flag in LINE_ORIGIN_FLAGS if flag in vals]
            for line in self if flags else ():
                if any(value_changes(line, flag, vals[flag]) for flag in flags):
                    self._governance_check_flags(vals, purposes)
            if "order_id" in vals:
                target = self.env["sale.order"].browse(vals["order_id"])
                moved = self.filtered(lambda line: line.order_id != target)
                if moved and (target | moved.order_id).filtered(
                    lambda order: order.state == "sale"
                ):
                    raise UserError(
                        self.env._(
                            "Lines cannot be moved into or out of a confirmed order. "
                            "Request a change on the order instead."
                        )
                    )
            governed = [name for name in GOVERNED_LINE_FIELDS if name in vals]
            for line in self if governed else ():
                if line.state != "sale" or line._governance_flow_allows(vals, purposes):
                    continue
                if any(value_changes(line, name, vals[name]) for name in governed):
                    raise UserError(line.order_id._governance_change_refused_message())
        return super().write(vals)

    # Named to sort before sale's ``_unlink_except_confirmed``: ondelete checks
    # run in name order and this message tells the user what to do instead.
    @api.ondelete(at_uninstall=False)
    def _unlink_except_change_request(self):
        purposes = trust.purposes(self.env)
        if trust.APPLY in purposes:
            return
        for line in self:
            if line.state == "sale" and not line._governance_flow_allows({}, purposes):
                raise UserError(line.order_id._governance_change_refused_message())

    @api.model
    def _governance_check_flags(self, vals, purposes):
        """Refuse line flags set outside the Odoo flow that owns each one."""
        flags = [
            flag
            for flag in LINE_ORIGIN_FLAGS
            if flag in self._fields and vals.get(flag)
        ]
        untrusted = [flag for flag in flags if LINE_ORIGIN_FLAGS[flag] not in purposes]
        if untrusted:
            raise UserError(
                self.env._(
                    "%(fields)s can only be set by Odoo itself (down payment "
                    "invoices, expenses re-invoiced from accounting, delivery "
                    "costs). Add products to an order as ordinary lines.",
                    fields=", ".join(
                        self._fields[flag]._description_string(self.env)
                        for flag in untrusted
                    ),
                )
            )
        return flags

    def _governance_flow_allows(self, vals, purposes):
        """Whether the Odoo flow that added this line is the one changing it.

        Down payment, re-invoiced expense and delivery cost lines are kept up
        to date by the flows that added them (the price of a down payment when
        its invoice is posted, the real cost of a delivery once validated);
        their flags are set by those flows only (``_governance_check_flags``).
        An expense withdrawn in accounting resets its line's quantity to zero.
        """
        self.ensure_one()
        flows = [
            purpose
            for flag, purpose in LINE_ORIGIN_FLAGS.items()
            if flag in self._fields and self[flag]
        ]
        if any(purpose in purposes for purpose in flows):
            return True
        return (
            trust.EXPENSE in flows
            and bool(vals)
            and set(vals) <= {"product_uom_qty", "qty_delivered"}
            and not any(vals.values())
        )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    def _sale_create_reinvoice_sale_line(self):
        # Expenses re-invoiced to the customer when the vendor bill is posted.
        with trust.trusted(self.env, trust.EXPENSE) as env:
            return super(
                AccountMoveLine, self.with_env(env)
            )._sale_create_reinvoice_sale_line()


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def action_post(self):
        # Posting a down payment invoice updates its lines on the order.
        with trust.trusted(self.env, trust.DOWN_PAYMENT) as env:
            return super(AccountMove, self.with_env(env)).action_post()

    def unlink(self):
        # Deleting a draft down payment invoice removes its order lines.
        with trust.trusted(self.env, trust.DOWN_PAYMENT) as env:
            return super(AccountMove, self.with_env(env)).unlink()


class StockPicking(models.Model):
    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    def _action_done(self):
        # Validating a delivery: sale_stock adds the products delivered beyond
        # the order, stock_delivery the real delivery cost.
        with (
            trust.trusted(self.env, trust.DELIVERED) as env,
            trust.trusted(env, trust.DELIVERY) as env,
        ):
            return super(StockPicking, self.with_env(env))._action_done()
