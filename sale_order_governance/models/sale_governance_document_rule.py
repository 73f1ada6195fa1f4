# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Documents the policy requires before an order is reviewed.

The customer's purchase order or the contract (上传相关订单文件（如客户采购订单
扫描件、合同等）), and for a new customer its business licence and tax
registration (营业执照、税务登记). A document counts when it is attached to the
order with its kind, through *Add Document*.
"""

from odoo import fields, models


class SaleGovernanceDocumentKind(models.Model):
    _name = "sale.governance.document.kind"
    _description = "Governance Document Kind"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(
        translate=True,
        help="What the document is, shown to the salesperson who attaches it.",
    )


class SaleGovernanceDocumentRule(models.Model):
    """Documents an order must carry before it enters review."""

    _name = "sale.governance.document.rule"
    _inherit = ["sale.governance.order.rule.mixin"]
    _description = "Required Order Document"
    _order = "sequence, id"

    name = fields.Char(
        required=True,
        translate=True,
        help="Shown in the list of missing items, e.g. 'Customer purchase order "
        "or contract'.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    document_kind_ids = fields.Many2many(
        "sale.governance.document.kind",
        string="Accepted Documents",
        required=True,
        help="The order needs at least one attached document of one of these kinds.",
    )

    def _missing_labels(self, order):
        """Names of the rules in ``self`` that ``order`` does not satisfy."""
        kinds = order._governance_document_kinds()
        return [
            rule.name
            for rule in self
            if rule._applies_to(order) and not (rule.document_kind_ids & kinds)
        ]
