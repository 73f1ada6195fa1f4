# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from ..models import governance_context as trust


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"  # pylint: disable=consider-merging-classes-inherited

    def _create_invoices(self, sale_orders):
        # Odoo's down payment lines and their section.
        with trust.trusted(self.env, trust.DOWN_PAYMENT) as env:
            return super(SaleAdvancePaymentInv, self.with_env(env))._create_invoices(
                sale_orders.with_env(env)
            )
