# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Running beside OCA's ``sale_tier_validation`` (no dependency on it).

That add-on refuses every write on an order under tier validation (and, when
a company configures it, after validation) except for the fields its hooks
declare, and for the values written together with the confirmation itself.
The hooks below are only called when ``tier.validation`` is part of
``sale.order``:

- the engine's own bookkeeping on the order (review state, rounds,
  submission and approval dates, tracking) is not a change of the order: its
  fields are declared, so that both validations run on the same order (callers
  cannot write them anyway, see ``engine_fields``);
- this add-on writes the values that come with a confirmation just before its
  state (see ``sale.order.write``): they stay part of the confirmation.
"""

from odoo import api, models

from . import governance_context as trust


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_under_validation_exceptions(self):
        exceptions = super()._get_under_validation_exceptions()
        return [
            *exceptions,
            *sorted(self._governance_engine_fields() - set(exceptions)),
        ]

    @api.model
    def _get_after_validation_exceptions(self):
        exceptions = super()._get_after_validation_exceptions()
        return [
            *exceptions,
            *sorted(self._governance_engine_fields() - set(exceptions)),
        ]

    def _check_allow_write_under_validation(self, vals):
        if trust.allowed(self.env, trust.CONFIRMING):
            return True
        return super()._check_allow_write_under_validation(vals)
