# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Invariant 6: decision documents are the decider's own."""

import base64

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .attack_common import AttackCase, AttackHttpCase

ATTACHMENT_FIELDS = ["res_model", "res_id", "res_field", "name", "create_uid"]
REVIEW_FIELDS = ["state", "decided_by_id", "attachment_ids", "comment"]


class DocumentCase(AttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": cls.service.id, "quantity": 1, "price_unit": 50}
                    )
                ],
            }
        )
        cls.invoice.action_post()
        cls.invoice_pdf = cls._pdf("INV-0001.pdf", cls.env, cls.invoice)

    @classmethod
    def _pdf(cls, name, env, record=None):
        vals = {"name": name, "datas": base64.b64encode(b"%PDF-1.4 " + name.encode())}
        if record is not None:
            vals.update(res_model=record._name, res_id=record.id)
        return env["ir.attachment"].create(vals)

    def _finance_review(self):
        """A quotation whose finance review waits for Fiona."""
        order = self._submitted()
        self._approve_pending(order, self.sales_manager)
        review = self._review(order, "finance")
        self.assertEqual(review.state, "pending")
        return order, review

    def _assert_not_taken(self, review, attachments, before):
        self.assertEqual(self._values(attachments, ATTACHMENT_FIELDS), before)
        self.assertEqual(
            self._values(review, REVIEW_FIELDS)[0],
            {
                "id": review.id,
                "state": "pending",
                "decided_by_id": False,
                "attachment_ids": [],
                "comment": False,
            },
        )


@tagged("post_install", "-at_install")
class TestDecisionDocumentAttacks(DocumentCase):
    def test_invoice_pdf_is_not_taken_by_any_decision(self):
        _order, review = self._finance_review()
        before = self._values(self.invoice_pdf, ATTACHMENT_FIELDS)
        as_finance = review.with_user(self.finance_user)
        for method, comment in (
            ("action_approve", "Fine"),
            ("action_reject", "No"),
            ("action_request_changes", "Change it"),
        ):
            with self.assertRaisesRegex(AccessError, "Only documents you uploaded"):
                getattr(as_finance, method)(comment, [self.invoice_pdf.id])
        self._assert_not_taken(review, self.invoice_pdf, before)

    def test_documents_of_readable_records_are_not_moved(self):
        order, review = self._finance_review()
        sales_review = self._review(order, "sales")
        # The signed quotation on the order, which Fiona reads as reviewer;
        # the documents of a decision already made; someone else's upload;
        # Fiona's own file attached to her user.
        order_pdf = self._pdf("signed.pdf", self.env(user=self.salesperson), order)
        sales_document = self._pdf("memo.pdf", self.env, sales_review)
        loose_upload = self._pdf("draft.pdf", self.env(user=self.salesperson))
        own_elsewhere = self._pdf(
            "cv.pdf", self.env(user=self.finance_user), self.finance_user
        )
        attachments = order_pdf | sales_document | loose_upload | own_elsewhere
        self.assertTrue(order_pdf.with_user(self.finance_user).read(["name"]))
        before = self._values(attachments, ATTACHMENT_FIELDS)
        for attachment in attachments:
            with self.assertRaises(AccessError):
                review.with_user(self.finance_user).action_approve(
                    "Fine", attachment.ids
                )
        self._assert_not_taken(review, attachments, before)

    def test_wizard_does_not_carry_someone_elses_documents(self):
        _order, review = self._finance_review()
        before = self._values(self.invoice_pdf, ATTACHMENT_FIELDS)
        action = review.with_user(self.finance_user).action_open_approve_wizard()
        wizard = (
            self.env["sale.order.review.decision"]
            .with_user(self.finance_user)
            .browse(action["res_id"])
        )
        wizard.write({"attachment_ids": [Command.set(self.invoice_pdf.ids)]})
        with self.assertRaisesRegex(AccessError, "Only documents you uploaded"):
            wizard.action_confirm_decision()
        self._assert_not_taken(review, self.invoice_pdf, before)

    def test_malformed_document_ids_are_refused(self):
        _order, review = self._finance_review()
        before = self._values(self.invoice_pdf, ATTACHMENT_FIELDS)
        for attachment_ids in (
            [Command.link(self.invoice_pdf.id)],
            [str(self.invoice_pdf.id)],
            [True],
        ):
            with self.assertRaises(UserError):
                review.with_user(self.finance_user).action_approve(
                    "Fine", attachment_ids
                )
        with self.assertRaisesRegex(AccessError, "99999999"):
            review.with_user(self.finance_user).action_approve("Fine", [99999999])
        self._assert_not_taken(review, self.invoice_pdf, before)

    def test_own_upload_is_kept_with_the_decision(self):
        _order, review = self._finance_review()
        guarantee = self._pdf("guarantee.pdf", self.env(user=self.finance_user))
        review.with_user(self.finance_user).action_approve("Fine", guarantee.ids)
        self.assertEqual(review.attachment_ids, guarantee)
        self.assertEqual(
            (guarantee.res_model, guarantee.res_id), (review._name, review.id)
        )


@tagged("post_install", "-at_install")
class TestDecisionDocumentRpcAttacks(AttackHttpCase, DocumentCase):
    def test_invoice_pdf_is_not_taken_over_json_rpc(self):
        _order, review = self._finance_review()
        before = self._values(self.invoice_pdf, ATTACHMENT_FIELDS)
        self._assert_rpc_refused(
            "odoo.exceptions.AccessError",
            "gov_finance",
            "sale.order.review",
            "action_approve",
            [review.ids, "Fine", self.invoice_pdf.ids],
        )
        self._assert_not_taken(review, self.invoice_pdf, before)
