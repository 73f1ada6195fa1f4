# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .sale_review_stage import eval_domain


class SaleGovernanceOrderRuleMixin(models.AbstractModel):
    """A rule on orders of a company, optionally only when a condition holds."""

    _name = "sale.governance.order.rule.mixin"
    _description = "Sales Governance Order Rule"

    domain = fields.Char(
        string="Only When",
        help="Apply the rule only to orders matching this filter, e.g. export "
        "orders or new customers. Leave empty to apply it always.",
    )
    model_name = fields.Char(default="sale.order", readonly=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to apply the rule in every company.",
    )

    @api.constrains("domain")
    def _check_domain(self):
        for rule in self.filtered("domain"):
            try:
                self.env["sale.order"].search(rule._get_domain(), limit=1)
            except Exception as error:
                raise ValidationError(
                    self.env._(
                        "The condition of %(rule)s is not valid: %(error)s",
                        rule=rule.display_name,
                        error=error,
                    )
                ) from error

    def _get_domain(self):
        self.ensure_one()
        return eval_domain(self.env, self.domain)

    def _applies_to(self, order):
        """Whether this rule concerns ``order`` (company and condition)."""
        self.ensure_one()
        if self.company_id and self.company_id != order.company_id:
            return False
        return not self.domain or bool(order.filtered_domain(self._get_domain()))
