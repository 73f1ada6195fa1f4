# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.mail.tests.common import MockEmail

from .common import GovernanceCase


@tagged("post_install", "-at_install")
class TestSharedRows(GovernanceCase, MockEmail):
    """Reviews, notices, reminders, escalations and to-dos write no shared row.

    Rows every order of a customer shares (the customer, its products, the
    company, the users) are locks two workers would wait for. Any UPDATE
    gives a row a new version (``ctid``), also inside one transaction.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Anyone may sign up from a portal link: Odoo then prepares a sign-up
        # token for the customer of every document it e-mails about.
        cls.env["ir.config_parameter"].set_param("auth_signup.invitation_scope", "b2c")
        cls.finance_stage = cls._create_stage(
            "Finance",
            cls.finance_user,
            10,
            department="finance",
            escalation_user_ids=[Command.set(cls.general_manager.ids)],
        )
        cls.warehouse_stage = cls._create_stage(
            "Warehouse", cls.warehouse_user, 10, department="warehouse"
        )
        cls.users = (
            cls.salesperson
            | cls.finance_user
            | cls.warehouse_user
            | cls.general_manager
            | cls.env.user
        )
        cls.users.notification_type = "email"

    def _versions(self):
        """Row versions of the customer, product, company and users."""
        self.env.flush_all()
        tables = {
            "res_partner": (
                self.customer | self.users.partner_id | self.company.partner_id
            ).ids,
            "res_users": self.users.ids,
            "res_company": self.company.ids,
            "product_product": self.product.ids,
            "product_template": self.product.product_tmpl_id.ids,
        }
        versions = {}
        for table, ids in tables.items():
            for row_id, ctid in self.env.execute_query(
                SQL(
                    "SELECT id, ctid::text FROM %s WHERE id = ANY(%s)",
                    SQL.identifier(table),
                    ids,
                )
            ):
                versions[table, row_id] = ctid
        return versions

    def _assert_untouched(self, before, step):
        after = self._versions()
        changed = sorted(key for key, ctid in after.items() if before[key] != ctid)
        self.assertFalse(changed, f"{step} wrote shared rows")

    def test_review_cycle_writes_no_shared_row(self):
        order = self._create_order()
        order.with_user(self.salesperson).action_submit_for_review()
        rejected = self._create_order()
        rejected.with_user(self.salesperson).action_submit_for_review()
        self.assertFalse(self.customer.signup_type)
        before = self._versions()
        with self.mock_mail_gateway():
            # Reminders and escalation of the pending reviews.
            self.env.cr.execute(
                SQL(
                    "UPDATE sale_order_review SET remind_at = %s, deadline = %s"
                    " WHERE order_id IN %s AND state = 'pending'",
                    fields.Datetime.now() - timedelta(hours=2),
                    fields.Datetime.now() - timedelta(hours=1),
                    (order | rejected)._ids,
                )
            )
            self.env.invalidate_all()
            Review = self.env["sale.order.review"]
            self.assertTrue(Review._cron_send_reminders())
            self.assertTrue(Review._cron_escalate_overdue())
            self._assert_untouched(before, "reminders and escalation")
            # Parallel approvals, the last one asks the salesperson (by
            # e-mail) to confirm the order.
            self._approve_pending(order, self.finance_user)
            self._approve_pending(order, self.warehouse_user)
            self.assertEqual(order.review_state, "approved")
            self._assert_untouched(before, "approvals")
            # A rejection asks the salesperson to correct the order.
            rejected.governance_review_ids.filtered(
                lambda review: review.stage_id == self.finance_stage
            ).with_user(self.finance_user).action_reject("Price too low")
            self.assertEqual(rejected.review_state, "rejected")
            self._assert_untouched(before, "rejection")
        to_dos = self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "in", (order | rejected).ids),
                ("user_id", "=", self.salesperson.id),
            ]
        )
        self.assertEqual(len(to_dos), 2)
        # The salesperson was e-mailed about both to-dos; the customer was
        # not prepared a sign-up link for it.
        self.assertEqual(
            len(
                self._new_mails.filtered(
                    lambda mail: self.salesperson.partner_id in mail.recipient_ids
                )
            ),
            2,
        )
        self.assertFalse(self.customer.signup_type)

    def test_customer_still_gets_its_link(self):
        """An e-mail to the customer still carries its portal link."""
        order = self._create_order()
        self.customer.email = "customer@example.com"
        with self.mock_mail_gateway():
            order.message_post(
                body="Your quotation",
                partner_ids=self.customer.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(self.customer.signup_type, "signup")
        self.assertIn("access_token", self._new_mails.body_html)
