# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def _governance_demo_deliver_and_pay(self):
        """Demo data: deliver, invoice and pay confirmed orders, so that every
        KPI of the governance reports has figures after installation."""
        for order in self.filtered(lambda order: order.state == "sale"):
            for picking in order.picking_ids.filtered(
                lambda picking: picking.state not in ("done", "cancel")
            ):
                picking.action_assign()
                for move in picking.move_ids:
                    move.quantity = move.product_uom_qty
                    move.picked = True
                picking.with_context(skip_backorder=True).button_validate()
            invoices = order._create_invoices()
            invoices.action_post()
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoices.ids
            ).create({})._create_payments()
