# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Documents attached with a kind: required before review, kept afterwards.

A document is an attachment of the order (or of a change request) marked with
its kind by *Add Document*. Once the record is submitted, its marked
documents stay as they are: they can be added to, never removed or replaced
(销售订单...归档: its documents stay attached and traceable).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from .sale_order_guard import value_changes

# Records whose documents are marked and kept.
DOCUMENT_MODELS = ("sale.order", "sale.order.change.request")
# Attachment fields that would remove or replace a kept document.
KEPT_FIELDS = (
    "governance_document_kind_id",
    "res_model",
    "res_id",
    "datas",
    "raw",
    "url",
    "type",
)


class IrAttachment(models.Model):
    _inherit = "ir.attachment"  # pylint: disable=consider-merging-classes-inherited

    governance_document_kind_id = fields.Many2one(
        "sale.governance.document.kind",
        string="Document Kind",
        ondelete="restrict",
        index="btree_not_null",
        help="What the document is for the sales policy (customer purchase "
        "order, contract, business licence...): it satisfies the required "
        "documents of this kind.",
    )

    def write(self, vals):
        if any(name in vals for name in KEPT_FIELDS):
            for attachment in self._governance_kept():
                if any(
                    value_changes(attachment, name, vals[name])
                    for name in KEPT_FIELDS
                    if name in vals
                ):
                    attachment._governance_refuse()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_governance_document(self):
        for attachment in self._governance_kept():
            attachment._governance_refuse()

    def _governance_kept(self):
        """Marked documents of records that are submitted (or further)."""
        kept = self.browse()
        for attachment in self.sudo().filtered(
            lambda a: (
                a.governance_document_kind_id
                and a.res_model in DOCUMENT_MODELS
                and a.res_id
            )
        ):
            record = self.env[attachment.res_model].browse(attachment.res_id)
            # sudo: whether the record is locked, not what the user may read.
            record = record.sudo().exists()
            if record and record._governance_documents_locked():
                kept |= attachment
        return kept

    def _governance_refuse(self):
        self.ensure_one()
        raise UserError(
            self.env._(
                "%(document)s (%(kind)s) belongs to a record already submitted for "
                "review: it stays as it was. Add a new document instead.",
                document=self.name,
                kind=self.governance_document_kind_id.name,
            )
        )


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    governance_document_ids = fields.Many2many(
        "ir.attachment",
        string="Policy Documents",
        compute="_compute_governance_document_ids",
        help="Documents attached with their kind (Add Document).",
    )

    def _compute_governance_document_ids(self):
        documents = self.env["ir.attachment"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("governance_document_kind_id", "!=", False),
            ]
        )
        for order in self:
            order.governance_document_ids = documents.filtered(
                lambda doc, order=order: doc.res_id == order.id
            )

    def action_governance_add_document(self):
        self.ensure_one()
        return self.env["sale.governance.document.add"]._action_open(self)

    def _governance_document_kinds(self):
        """Kinds of the documents attached to the order."""
        self.ensure_one()
        # sudo: which documents exist, whoever attached them.
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("governance_document_kind_id", "!=", False),
                ]
            )
            .governance_document_kind_id
        )

    def _governance_documents_locked(self):
        self.ensure_one()
        return self.state not in ("draft", "sent") or self.review_state in (
            "in_review",
            "approved",
        )

    def _review_missing_items(self):
        missing = super()._review_missing_items()
        rules = (
            self.env["sale.governance.document.rule"]
            .sudo()
            .search([("company_id", "in", [False, self.company_id.id])])
        )
        return missing + rules._missing_labels(self)
