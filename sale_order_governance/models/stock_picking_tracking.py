# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"  # pylint: disable=consider-merging-classes-inherited

    governance_received_date = fields.Datetime(
        string="Received by Customer On",
        copy=False,
        readonly=True,
        tracking=True,
        help="When the customer received the delivery: recorded with Mark as "
        "Received, or when the delivery is signed.",
    )
    governance_is_customer_delivery = fields.Boolean(
        string="Delivery to a Customer",
        compute="_compute_governance_is_customer_delivery",
    )

    @api.depends("picking_type_id.code", "location_dest_id.usage")
    def _compute_governance_is_customer_delivery(self):
        for picking in self:
            picking.governance_is_customer_delivery = (
                picking._governance_is_customer_delivery()
            )

    def write(self, vals):
        res = super().write(vals)
        if vals.get("signature"):
            self._governance_receive_signed()
        return res

    def _action_done(self):
        res = super()._action_done()
        self._governance_receive_signed()
        return res

    def action_governance_mark_received(self):
        """Record that the customer received these done deliveries."""
        refused = self.filtered(
            lambda picking: (
                picking.state != "done"
                or not picking._governance_is_customer_delivery()
            )
        )
        if refused:
            raise UserError(
                self.env._(
                    "Only done deliveries to a customer can be marked as "
                    "received: %(pickings)s.",
                    pickings=", ".join(refused.mapped("name")),
                )
            )
        self.filtered(lambda picking: not picking.governance_received_date).write(
            {"governance_received_date": fields.Datetime.now()}
        )
        return True

    def _governance_is_customer_delivery(self):
        self.ensure_one()
        return (
            self.picking_type_code == "outgoing"
            and self.location_dest_id.usage == "customer"
        )

    def _governance_receive_signed(self):
        """A signed done delivery counts as received by the customer."""
        signed = self.filtered(
            lambda picking: (
                picking.state == "done"
                and not picking.governance_received_date
                and picking._governance_is_customer_delivery()
                and picking.is_signed
            )
        )
        if signed:
            signed.write({"governance_received_date": fields.Datetime.now()})
