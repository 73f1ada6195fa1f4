# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The order's side of the commercial terms of change requests: the terms of
a confirmed order that never change, and the labels reviewers read them by."""

from odoo import models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Fields of a confirmed order that no change request changes: the order is
# cancelled (cancel request) and made again instead.
UNCHANGEABLE_ORDER_FIELDS = ("partner_id", "company_id", "currency_id", "pricelist_id")


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def write(self, vals):
        fixed = [name for name in UNCHANGEABLE_ORDER_FIELDS if name in vals]
        if fixed:
            for order in self.filtered(lambda order: order.state == "sale"):
                changed = [
                    name
                    for name in fixed
                    if (vals[name] or False) != (order[name].id or False)
                ]
                if changed:
                    raise UserError(
                        self.env._(
                            "Order %(order)s is confirmed: its %(fields)s cannot "
                            "change, not even through a change request. Request "
                            "the cancellation of the order and make a new one.",
                            order=order.name,
                            fields=", ".join(
                                order._fields[name]._description_string(self.env)
                                for name in changed
                            ),
                        )
                    )
        return super().write(vals)

    def _review_evidence_labels(self):
        labels = super()._review_evidence_labels()
        labels.update(
            {
                "invoice_address": _lt("Invoice address"),
                "delivery_address": _lt("Delivery address"),
                "incoterm": _lt("Incoterm"),
                "incoterm_location": _lt("Incoterm location"),
                "terms_conditions": _lt("Terms and conditions"),
                "fiscal_position": _lt("Fiscal position"),
                "warehouse": _lt("Warehouse"),
                "salesperson": _lt("Salesperson"),
                "old_description": _lt("Description before"),
                "new_description": _lt("Description after"),
                "old_taxes": _lt("Taxes before"),
                "new_taxes": _lt("Taxes after"),
            }
        )
        return labels
