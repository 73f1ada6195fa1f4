# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""History is never lost: reviews, credit overrides and requests stay.

Reviews and credit overrides refuse deletion themselves and point to their
order with ``ondelete="restrict"``, so no database cascade removes them behind
the ORM. Here the ORM refuses first, with a message, to delete an order that
has any of them (Odoo lets a salesperson delete a cancelled quotation), and a
change request removes its own lines through the ORM instead of a cascade.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    @api.ondelete(at_uninstall=False)
    def _unlink_except_governance_history(self):
        orders = self.env["sale.order"]
        # sudo: history counts whether or not the user may read it.
        for model in (
            "sale.order.review",
            "sale.credit.override",
            "sale.order.change.request",
            "sale.order.cancel.request",
        ):
            groups = (
                self.env[model]
                .sudo()
                ._read_group([("order_id", "in", self.ids)], ["order_id"])
            )
            orders |= self.browse([order.id for (order,) in groups])
        if orders:
            raise UserError(
                self.env._(
                    "%(orders)s cannot be deleted: their reviews, credit "
                    "overrides and change or cancel requests are part of the "
                    "sales history. Cancel the order instead; a cancelled order "
                    "stays on record.",
                    orders=", ".join(orders.sudo().mapped("name")),
                )
            )


class SaleOrderChangeRequest(models.Model):
    _inherit = "sale.order.change.request"  # pylint: disable=consider-merging-classes-inherited

    def unlink(self):
        if not self.env.context.get(MODULE_UNINSTALL_FLAG):
            # Checked before the lines go, for the request's own message.
            self._unlink_except_submitted()
        self.line_ids.unlink()
        return super().unlink()


class SaleOrderChangeRequestLine(models.Model):
    _inherit = "sale.order.change.request.line"  # pylint: disable=consider-merging-classes-inherited

    # The content reviewers decide on: deleted through the ORM and its guards
    # (see the request's unlink), never by a database cascade.
    request_id = fields.Many2one(ondelete="restrict")
