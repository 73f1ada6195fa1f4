# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import GovernanceCase
from .test_credit import CreditCase

CREDIT_DECISION = "sale_order_governance.mail_activity_type_credit_decision"


def form_arch(model, user):
    """The order form as ``user`` receives it."""
    views = model.with_user(user).get_views([(False, "form")])
    return etree.fromstring(views["views"]["form"]["arch"])


@tagged("post_install", "-at_install")
class TestSalespersonForm(GovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_stage("Sales Manager", cls.sales_manager, 10)

    def test_one_primary_action_while_blocked(self):
        arch = form_arch(self.env["sale.order"], self.salesperson)
        confirms = arch.xpath("//header/button[@name='action_confirm']")
        self.assertEqual(len(confirms), 2)
        for button in confirms:
            self.assertIn("governance_confirm_blocked", button.get("invisible"))
        submit = arch.xpath("//header/button[@name='action_submit_for_review']")[0]
        self.assertIn("btn-primary", submit.get("class"))
        self.assertIn("not governance_confirm_blocked", submit.get("invisible"))
        send = arch.xpath("//header/button[@id='send_by_email_primary']")[0]
        self.assertIn("governance_confirm_blocked", send.get("invisible"))

        order = self._create_order()
        self.assertTrue(order.governance_confirm_blocked)
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertTrue(order.governance_confirm_blocked)
        self._approve_pending(order, self.sales_manager)
        self.assertFalse(order.governance_confirm_blocked)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.governance_confirm_blocked)

    def test_no_review_needed_confirm_stays(self):
        self.env["sale.review.stage"].search([]).action_archive()
        order = self._create_order()
        self.assertFalse(order.governance_confirm_blocked)

    def test_no_banner_on_an_unsaved_order(self):
        arch = form_arch(self.env["sale.order"], self.salesperson)
        banner = arch.xpath("//div[@name='governance_blocking']")[0]
        self.assertTrue(banner.get("invisible").startswith("not id or"))
        # Once saved, the banner names the order.
        order = self._create_order()
        self.assertIn(order.name, order.governance_blocking_reason)

    def test_no_placeholder_for_a_required_field(self):
        payment_term = self.env.ref("sale.field_sale_order__payment_term_id")
        rules = self.env["sale.governance.required.field"].search(
            [("field_id", "=", payment_term.id)]
        )
        self.assertTrue(rules, "the shipped rules require payment terms")
        arch = form_arch(self.env["sale.order"], self.salesperson)
        field = arch.xpath("//field[@name='payment_term_id'][not(ancestor::field)]")
        self.assertFalse(field[0].get("placeholder"))
        order = self._create_order(payment_term_id=False)
        self.assertIn("Payment Terms", ", ".join(order._review_missing_items()))
        rules.unlink()
        arch = form_arch(self.env["sale.order"], self.salesperson)
        field = arch.xpath("//field[@name='payment_term_id'][not(ancestor::field)]")
        self.assertEqual(field[0].get("placeholder"), "Immediate")

    def test_one_review_status(self):
        arch = form_arch(self.env["sale.order"], self.salesperson)
        self.assertEqual(
            arch.xpath("//field[@name='review_state']")[0].get("string"),
            "Review Status",
        )
        stage = arch.xpath("//field[@name='governance_stage']")[0]
        self.assertIn("'in_review'", stage.get("invisible"))
        views = (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .get_views([(self.env.ref("sale.view_quotation_tree").id, "list")])
        )
        tree = etree.fromstring(views["views"]["list"]["arch"])
        self.assertEqual(
            tree.xpath("//field[@name='review_state']")[0].get("string"),
            "Review Status",
        )
        self.assertIn(
            "'in_review'",
            tree.xpath("//field[@name='governance_stage']")[0].get("invisible"),
        )


@tagged("post_install", "-at_install")
class TestCreditNextStep(CreditCase):
    def _decisions(self, order):
        kind = self.env.ref(CREDIT_DECISION)
        return order.activity_ids.filtered(lambda act: act.activity_type_id == kind)

    def test_banner_says_what_to_do(self):
        self._invoice(900.0)
        order = self._create_order()
        self.assertTrue(order.credit_blocked)
        step = order.with_user(self.salesperson).credit_next_step
        self.assertIn("Carla Credit", step)
        self.assertIn("100.00", step)  # 1,100 exposure over a 1,000 limit
        arch = form_arch(self.env["sale.order"], self.salesperson)
        warning = arch.xpath("//div[field[@name='partner_credit_warning']]")[0]
        self.assertIn("credit_blocked", warning.get("invisible"))
        self.assertTrue(arch.xpath("//button[@name='action_credit_ask_release']"))
        controller_arch = form_arch(self.env["sale.order"], self.controller)
        self.assertFalse(
            controller_arch.xpath("//button[@name='action_credit_ask_release']")
        )

    def test_prepayment_step(self):
        self.customer.credit_require_prepayment = True
        order = self._create_order()
        self.assertIn("prepayment of", order.credit_next_step)

    def test_controller_asked_then_salesperson_told(self):
        self._invoice(900.0)
        order = self._create_order()
        self.assertFalse(self._decisions(order))
        order.with_user(self.salesperson).action_credit_ask_release()
        decisions = self._decisions(order)
        self.assertEqual(decisions.user_id, self.controller)
        self.assertIn("Credit decision", decisions.summary)
        # Asking twice does not pile activities up.
        order.with_user(self.salesperson).action_credit_ask_release()
        self.assertEqual(self._decisions(order), decisions)
        self._override(order, 1100.0)
        self.assertFalse(self._decisions(order))
        told = order.activity_ids.filtered(lambda act: act.user_id == self.salesperson)
        self.assertEqual(told.summary, "Credit released: confirm the order")
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_submitted_blocked_order_reaches_the_controller(self):
        self._create_stage("Sales Manager", self.sales_manager, 10)
        self._invoice(900.0)
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(self._decisions(order).user_id, self.controller)

    def test_unblocked_order_asks_nobody(self):
        order = self._create_order()
        self.assertFalse(order.credit_blocked)
        order.with_user(self.salesperson).action_credit_ask_release()
        self.assertFalse(self._decisions(order))

    def test_other_salesperson_cannot_ask(self):
        self._invoice(900.0)
        order = self._create_order(user=self.sales_manager)
        other = self.env["res.users"].create(
            {
                "name": "Own Documents",
                "login": "gov_own_docs",
                "groups_id": [
                    (6, 0, [self.env.ref("sales_team.group_sale_salesman").id])
                ],
            }
        )
        with self.assertRaises(AccessError):
            order.with_user(other).action_credit_ask_release()
        self.assertFalse(self._decisions(order))

    def test_activity_titles_in_the_readers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.controller.lang = "zh_CN"
        self._invoice(900.0)
        order = self._create_order()
        order.with_user(self.salesperson).action_credit_ask_release()
        self.assertEqual(self._decisions(order).summary, "信用审批：订单被拦截")
        self._override(order, 1100.0)
        told = order.activity_ids.filtered(lambda act: act.user_id == self.salesperson)
        self.assertEqual(told.summary, "Credit released: confirm the order")
