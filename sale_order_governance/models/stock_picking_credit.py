# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    def _credit_is_customer_delivery(self):
        self.ensure_one()
        return (
            self.picking_type_code == "outgoing"
            and self.location_dest_id.usage == "customer"
        )

    def _credit_delivery_reasons(self):
        """Why credit control refuses validating this delivery; empty if not."""
        self.ensure_one()
        if not self._credit_is_customer_delivery():
            return []
        # sudo: warehouse users validate deliveries without sales or
        # accounting rights; the decision reads both.
        order = self.sudo().sale_id
        if order:
            order._credit_refresh()
            return order._credit_blocking_reasons("delivery")
        company = self.company_id
        if not company.governance_credit_block_delivery:
            return []
        partner = self.sudo().partner_id.commercial_partner_id
        if not partner:
            return []
        figures = self.env["sale.credit.exposure"]._partner_figures(partner, company)
        values = figures[partner.id]
        return partner._credit_partner_reasons(
            company, values["credit_exposure"], values
        )

    def _credit_check_deliveries(self):
        """Raise when credit control blocks one of these deliveries."""
        messages = []
        for picking in self:
            reasons = picking._credit_delivery_reasons()
            if reasons:
                messages.append(
                    self.env._(
                        "%(picking)s: %(reasons)s",
                        picking=picking.name,
                        reasons="\n".join(reasons),
                    )
                )
        if messages:
            raise UserError(
                self.env._(
                    "Credit control holds these deliveries; a credit controller must "
                    "release the order (or the customer pay) first.\n%(messages)s",
                    messages="\n".join(messages),
                )
            )

    def _pre_action_done_hook(self):
        self._credit_check_deliveries()
        return super()._pre_action_done_hook()


class StockMove(models.Model):
    _inherit = "stock.move"  # pylint: disable=consider-merging-classes-inherited

    def _action_done(self, cancel_backorder=False):
        # Backstop for code that bypasses the picking's validation button.
        pickings = self.filtered(
            lambda move: move.state not in ("done", "cancel")
        ).picking_id
        pickings._credit_check_deliveries()
        return super()._action_done(cancel_backorder=cancel_backorder)
