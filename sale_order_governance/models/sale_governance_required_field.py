# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .sale_review_stage import eval_domain


class SaleGovernanceRequiredField(models.Model):
    """An order field that must be filled before the order enters review."""

    _name = "sale.governance.required.field"
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
    domain = fields.Char(
        string="Only When",
        help="Require the field only for orders matching this filter, e.g. "
        "export orders. Leave empty to require it always.",
    )
    model_name = fields.Char(default="sale.order", readonly=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to require the field in every company.",
    )

    def _get_domain(self):
        self.ensure_one()
        return eval_domain(self.env, self.domain)

    @api.constrains("domain")
    def _check_domain(self):
        for rule in self.filtered("domain"):
            try:
                self.env["sale.order"].search(rule._get_domain(), limit=1)
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "The condition of required field %(field)s is not valid: "
                        "%(error)s",
                        field=rule.name,
                        error=error,
                    )
                ) from error

    def _missing_labels(self, order):
        """Labels of the rules in ``self`` that ``order`` does not satisfy."""
        labels = []
        for rule in self:
            if rule.company_id and rule.company_id != order.company_id:
                continue
            if rule.domain and not order.filtered_domain(rule._get_domain()):
                continue
            if not order[rule.field_id.name]:
                labels.append(
                    order._fields[rule.field_id.name]._description_string(self.env)
                )
        return labels
