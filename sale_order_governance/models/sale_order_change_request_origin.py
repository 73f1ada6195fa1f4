# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .sale_order_change_request import SaleOrderChangeRequest as ChangeRequestBase

CUSTOMER_CONFIRMATION = "sale_order_governance.document_kind_customer_confirmation"


class SaleOrderChangeRequest(models.Model):
    """A change the customer asks for is confirmed by the customer in writing
    (变更方案需经客户书面确认)."""

    _inherit = "sale.order.change.request"  # pylint: disable=consider-merging-classes-inherited
    _request_content_fields = ChangeRequestBase._request_content_fields | {"origin"}

    origin = fields.Selection(
        [("internal", "Internal"), ("customer", "Customer")],
        required=True,
        default="internal",
        tracking=True,
        help="Who asks for the change. A change asked by the customer is "
        "submitted only with the customer's written confirmation attached (Add "
        "Document, kind Customer's Written Confirmation).",
    )

    def action_governance_add_document(self):
        self.ensure_one()
        kind = self.env.ref(CUSTOMER_CONFIRMATION, raise_if_not_found=False)
        return self.env["sale.governance.document.add"]._action_open(self, kind)

    def _governance_documents_locked(self):
        self.ensure_one()
        return self.state not in self._review_state_from

    def _review_missing_items(self):
        missing = super()._review_missing_items()
        if self.origin == "customer" and not self._governance_customer_confirmed():
            missing.append(
                self.env._(
                    "The customer's written confirmation (attach it with Add Document)"
                )
            )
        return missing

    def _governance_customer_confirmed(self):
        """Whether the customer's written confirmation is attached."""
        self.ensure_one()
        kind = self.env.ref(CUSTOMER_CONFIRMATION, raise_if_not_found=False)
        # sudo: which documents exist, whoever attached them.
        return bool(
            kind
            and self.env["ir.attachment"]
            .sudo()
            .search_count(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("governance_document_kind_id", "=", kind.id),
                ],
                limit=1,
            )
        )

    def _review_fingerprint_values(self):
        return (super()._review_fingerprint_values(), self.origin)
