# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

from ..models.sale_order_document import DOCUMENT_MODELS


class SaleGovernanceDocumentAdd(models.TransientModel):
    """Attach a document to an order or a change request, with its kind."""

    _name = "sale.governance.document.add"
    _description = "Add Document"

    res_model = fields.Char(string="Model of the Record", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Record", model_field="res_model", required=True, readonly=True
    )
    document_kind_id = fields.Many2one(
        "sale.governance.document.kind",
        required=True,
        help="What the document is: it satisfies the required documents of this kind.",
    )
    file = fields.Binary(required=True, attachment=False)
    file_name = fields.Char()
    description = fields.Char(help="A word on the document, kept with it.")

    def _action_open(self, record, kind=None):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Add Document"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model": record._name,
                "default_res_id": record.id,
                "default_document_kind_id": kind.id if kind else False,
            },
        }

    def action_add(self):
        self.ensure_one()
        if self.res_model not in DOCUMENT_MODELS:
            raise UserError(
                self.env._("Documents are added to sales orders and change requests.")
            )
        record = self.env[self.res_model].browse(self.res_id).exists()
        if not record:
            raise UserError(self.env._("The record to add the document to is gone."))
        # The document is the user's to add: write access on the record.
        record.check_access("write")
        name = self.file_name or self.document_kind_id.name
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "datas": self.file,
                "res_model": record._name,
                "res_id": record.id,
                "description": self.description,
                "governance_document_kind_id": self.document_kind_id.id,
            }
        )
        record.message_post(
            body=Markup("<p>%s</p>")
            % self.env._("Document added: %(kind)s.", kind=self.document_kind_id.name),
            attachment_ids=attachment.ids,
            subtype_xmlid="mail.mt_note",
        )
        # The record's list of documents is computed: read it again.
        record.invalidate_recordset()
        return {"type": "ir.actions.act_window_close"}
