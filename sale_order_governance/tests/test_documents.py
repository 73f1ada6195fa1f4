# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Documents the policy requires.

上传相关订单文件; 营业执照、税务登记; 变更方案需经客户书面确认.
"""

import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .request_common import RequestCase

PDF = base64.b64encode(b"%PDF-1.4 governance test document")


class DocumentCase(RequestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["sale.governance.document.rule"].search([]).action_archive()
        cls.kind_po = cls.env.ref("sale_order_governance.document_kind_customer_po")
        cls.kind_contract = cls.env.ref("sale_order_governance.document_kind_contract")
        cls.kind_licence = cls.env.ref(
            "sale_order_governance.document_kind_business_licence"
        )
        cls.kind_confirmation = cls.env.ref(
            "sale_order_governance.document_kind_customer_confirmation"
        )
        cls.rule_po = cls.env.ref("sale_order_governance.document_rule_po_or_contract")
        cls.rule_licence = cls.env.ref(
            "sale_order_governance.document_rule_new_customer_licence"
        )
        cls.stage = cls._create_stage("Sales Manager", cls.sales_manager, 10)

    def _add_document(self, record, kind, user=None, name="scan.pdf"):
        """Attach a document with its kind as ``user`` would, through the wizard."""
        user = user or self.salesperson
        action = record.with_user(user).action_governance_add_document()
        wizard = (
            self.env["sale.governance.document.add"]
            .with_user(user)
            .with_context(**action["context"])
            .create({"document_kind_id": kind.id, "file": PDF, "file_name": name})
        )
        wizard.action_add()
        return self.env["ir.attachment"].search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("name", "=", name),
            ]
        )


@tagged("post_install", "-at_install")
class TestRequiredDocuments(DocumentCase):
    def test_missing_documents_are_listed_with_the_other_missing_items(self):
        self.rule_po.action_unarchive()
        order = self._create_order(payment_term_id=False)
        with self.assertRaises(UserError) as caught:
            order.with_user(self.salesperson).action_submit_for_review()
        message = str(caught.exception)
        self.assertIn("Customer purchase order or sales contract", message)
        self.assertIn("Payment Terms", message)
        self.assertEqual(order.review_state, "not_submitted")

    def test_a_document_of_an_accepted_kind_satisfies_the_rule(self):
        self.rule_po.action_unarchive()
        order = self._create_order()
        attachment = self._add_document(order, self.kind_contract)
        self.assertEqual(attachment.governance_document_kind_id, self.kind_contract)
        self.assertEqual(order.governance_document_ids, attachment)
        self.assertTrue(
            order.message_ids.filtered(lambda m: attachment in m.attachment_ids)
        )
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(order.review_state, "in_review")

    def test_an_attachment_without_kind_does_not_count(self):
        self.rule_po.action_unarchive()
        order = self._create_order()
        self.env["ir.attachment"].with_user(self.salesperson).create(
            {
                "name": "po.pdf",
                "datas": PDF,
                "res_model": "sale.order",
                "res_id": order.id,
            }
        )
        with self.assertRaisesRegex(UserError, "purchase order or sales contract"):
            order.with_user(self.salesperson).action_submit_for_review()

    def test_licence_required_from_new_customers_only(self):
        self.rule_licence.action_unarchive()
        newcomer = self.env["res.partner"].create(
            {"name": "Newcomer Ltd", "is_company": True}
        )
        order = self._create_order(partner_id=newcomer.id)
        with self.assertRaisesRegex(UserError, "Business licence of a new customer"):
            order.with_user(self.salesperson).action_submit_for_review()
        self._add_document(order, self.kind_licence)
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(order.review_state, "in_review")
        # A customer with a confirmed order is not asked for it.
        self.stage.action_archive()
        self._confirmed_order()
        self.stage.action_unarchive()
        known = self._create_order()
        known.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(known.review_state, "in_review")

    def test_rule_of_another_company_does_not_apply(self):
        self.rule_po.write(
            {
                "active": True,
                "company_id": self.env["res.company"].create({"name": "Other Co"}).id,
            }
        )
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(order.review_state, "in_review")


@tagged("post_install", "-at_install")
class TestDocumentsAreKept(DocumentCase):
    """As a salesperson through RPC: a submitted order keeps its documents."""

    def test_documents_of_a_submitted_order_stay_as_they_are(self):
        self.rule_po.action_unarchive()
        order = self._create_order()
        document = self._add_document(order, self.kind_po)
        order.with_user(self.salesperson).action_submit_for_review()
        as_sales = document.with_user(self.salesperson)
        attempts = [
            as_sales.unlink,
            lambda: as_sales.write({"governance_document_kind_id": False}),
            lambda: as_sales.write({"datas": base64.b64encode(b"another file")}),
            lambda: as_sales.write({"res_id": self._create_order().id}),
        ]
        for attempt in attempts:
            with self.assertRaises(UserError):
                attempt()
        document.invalidate_recordset()
        self.assertTrue(document.exists())
        self.assertEqual(document.governance_document_kind_id, self.kind_po)
        self.assertEqual(document.res_id, order.id)
        self.assertEqual(document.datas, PDF)
        # Documents can still be added.
        self._add_document(order, self.kind_contract, name="contract.pdf")
        self.assertEqual(len(order.governance_document_ids), 2)

    def test_documents_of_a_draft_quotation_can_be_replaced(self):
        order = self._create_order()
        document = self._add_document(order, self.kind_po)
        document.with_user(self.salesperson).unlink()
        self.assertFalse(document.exists())

    def test_wizard_adds_documents_to_what_the_user_may_edit_only(self):
        other_seller = new_test_user(
            self.env,
            login="gov_documents_other_seller",
            groups="sales_team.group_sale_salesman",
            name="Olga Other",
        )
        order = self._create_order(user=other_seller)
        Wizard = self.env["sale.governance.document.add"].with_user(self.salesperson)
        with self.assertRaises(AccessError):
            Wizard.create(
                {
                    "res_model": "sale.order",
                    "res_id": order.id,
                    "document_kind_id": self.kind_po.id,
                    "file": PDF,
                }
            ).action_add()
        with self.assertRaises(UserError):
            Wizard.create(
                {
                    "res_model": "res.partner",
                    "res_id": self.customer.id,
                    "document_kind_id": self.kind_po.id,
                    "file": PDF,
                }
            ).action_add()
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("governance_document_kind_id", "=", self.kind_po.id)]
            )
        )


@tagged("post_install", "-at_install")
class TestChangeAskedByTheCustomer(DocumentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_stage(
            "Production Planning",
            cls.production_user,
            10,
            department="production",
            applies_to="change",
        )

    def _request(self, **vals):
        self.stage.action_archive()
        order = self._confirmed_order()
        self.stage.action_unarchive()
        return self._change_request(order, {order.order_line: {"new_qty": 3.0}}, **vals)

    def test_customer_change_needs_the_customer_s_written_confirmation(self):
        request = self._request(origin="customer")
        with self.assertRaisesRegex(UserError, "written confirmation"):
            request.with_user(self.salesperson).action_submit()
        self.assertEqual(request.state, "draft")
        self._add_document(request, self.kind_confirmation, name="confirmation.pdf")
        request.with_user(self.salesperson).action_submit()
        self.assertEqual(request.state, "in_review")

    def test_internal_change_needs_no_customer_confirmation(self):
        request = self._request()
        self.assertEqual(request.origin, "internal")
        request.with_user(self.salesperson).action_submit()
        self.assertEqual(request.state, "in_review")

    def test_origin_is_frozen_once_submitted(self):
        request = self._request()
        request.with_user(self.salesperson).action_submit()
        with self.assertRaises(UserError):
            request.with_user(self.salesperson).write({"origin": "customer"})
        request.invalidate_recordset()
        self.assertEqual(request.origin, "internal")
        self.assertEqual(request.state, "in_review")

    def test_confirmation_of_a_submitted_request_is_kept(self):
        request = self._request(origin="customer")
        document = self._add_document(
            request, self.kind_confirmation, name="confirmation.pdf"
        )
        request.with_user(self.salesperson).action_submit()
        with self.assertRaises(UserError):
            document.with_user(self.salesperson).unlink()
        self.assertTrue(document.exists())
        self.assertEqual(
            request.governance_review_ids.mapped("stage_id.department"), ["production"]
        )
