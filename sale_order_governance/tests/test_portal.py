# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo.tests import HttpCase, tagged

from .test_confirm_doors import DoorsCommon

# A 1x1 transparent PNG, the smallest signature the portal accepts.
SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
    )
).decode()


@tagged("post_install", "-at_install")
class TestPortalSignature(HttpCase, DoorsCommon):
    def _sign(self, order):
        order.write({"require_signature": True, "require_payment": False})
        order.action_quotation_sent()
        return self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {
                "access_token": order._portal_ensure_token(),
                "name": "Customer Signer",
                "signature": SIGNATURE,
            },
        )

    def test_signature_of_unreviewed_quotation_is_kept(self):
        order = self._create_order()
        result = self._sign(order)
        self.assertNotIn("error", result, "the customer sees a normal signed page")
        self.assertEqual(order.signed_by, "Customer Signer")
        self._assert_held(order)
        self.assertEqual(order.review_state, "in_review")

    def test_signature_of_approved_quotation_confirms(self):
        order = self._approved_order()
        self._sign(order)
        self.assertEqual(order.state, "sale")
