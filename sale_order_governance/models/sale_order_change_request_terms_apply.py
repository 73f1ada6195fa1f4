# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Applying the commercial terms of an approved change request to its order."""

from odoo import models


class SaleOrderChangeRequest(models.Model):
    _inherit = "sale.order.change.request"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # APPLY
    # ------------------------------------------------------------

    def _order_write_vals(self):
        vals = super()._order_write_vals()
        changes = self._term_changes()
        if {"partner_invoice_id", "partner_shipping_id"} & changes.keys():
            # Odoo recomputes the fiscal position from the addresses: keep the
            # one the reviewers approved.
            changes["fiscal_position_id"] = self.new_fiscal_position_id
        vals.update(
            {
                name: value.id if isinstance(value, models.BaseModel) else value
                for name, value in changes.items()
            }
        )
        return vals

    def _apply_prepare(self, order):
        order = super()._apply_prepare(order)
        changes = self._term_changes()
        open_pickings = order.picking_ids.filtered(
            lambda picking: picking.state not in ("done", "cancel")
        )
        if "warehouse_id" in changes:
            # Planned again from the new warehouse once the order is written.
            open_pickings.action_cancel()
        elif "partner_shipping_id" in changes:
            if order.picking_ids.filtered(lambda picking: picking.state == "done"):
                # What was shipped keeps its address; the rest goes to the
                # new one.
                open_pickings.write({"partner_id": self.new_partner_shipping_id.id})
            else:
                order = order.with_context(update_delivery_shipping_partner=True)
        return order

    def _apply_finish(self, order):
        res = super()._apply_finish(order)
        if "warehouse_id" in self._term_changes():
            order.order_line._action_launch_stock_rule()
        return res
