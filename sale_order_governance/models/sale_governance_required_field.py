# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SaleGovernanceRequiredField(models.Model):
    """An order field that must be filled before the order enters review."""

    _name = "sale.governance.required.field"
    _inherit = ["sale.governance.order.rule.mixin"]
    _description = "Required Order Information"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    field_id = fields.Many2one(
        "ir.model.fields",
        required=True,
        ondelete="cascade",
        domain=[("model", "=", "sale.order"), ("store", "=", True)],
        help="The order field that must have a value.",
    )
    name = fields.Char(related="field_id.field_description", string="Label")

    def _missing_labels(self, order):
        """Labels of the rules in ``self`` that ``order`` does not satisfy."""
        return [
            order._fields[rule.field_id.name]._description_string(self.env)
            for rule in self
            if rule._applies_to(order) and not order[rule.field_id.name]
        ]
