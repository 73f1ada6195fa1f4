# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Invariant 11: decision links change nothing on GET.

A link opens a page that asks to confirm; only its form, posted with the
session's CSRF token, decides. Tokens are bound to the user, the review, the
action, the deadline and the reviewers.
"""

import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .attack_common import AttackHttpCase

REVIEW_FIELDS = ["state", "decided_by_id", "decided_at", "comment"]
UNDECIDED = {"state": "pending", "decided_by_id": False, "decided_at": False}


@tagged("post_install", "-at_install")
class TestDecisionLinkAttacks(AttackHttpCase):
    def setUp(self):
        super().setUp()
        self.order = self._submitted()
        self.review = self._review(self.order, "sales")

    def _link(self, action, user=None, review=None):
        review = review or self.review
        url = review._decision_url(user or self.sales_manager, action)
        return url.split(review.get_base_url())[1]

    def _csrf(self):
        """The CSRF token of the logged-in session, as the web client has it."""
        page = self.url_open("/odoo")
        return re.search(r'csrf_token: "([^"]+)"', page.text).group(1)

    def _post(self, link, csrf=True, **data):
        """Post the confirmation form of ``link`` as the logged-in user."""
        path, token = link.split("?token=")
        data.setdefault("token", token)
        if csrf:
            data["csrf_token"] = self._csrf()
        return self.url_open(path, data=data)

    def _assert_undecided(self, review=None):
        values = self._values(review or self.review, REVIEW_FIELDS)[0]
        self.assertEqual(
            {name: values[name] for name in UNDECIDED}, UNDECIDED, "nothing decided"
        )

    def test_get_asks_to_confirm_and_changes_nothing(self):
        self.authenticate("gov_sales_manager", "gov_sales_manager")
        for action, button in (
            ("approve", "Confirm the approval"),
            ("reject", "Confirm the rejection"),
        ):
            page = self.url_open(self._link(action))
            self.assertEqual(page.status_code, 200)
            self.assertIn(button, page.text)
            self.assertIn('method="post"', page.text)
            self._assert_undecided()
        # Any number of GETs, with a comment in the query string too.
        self.url_open(self._link("reject") + "&comment=No")
        self._assert_undecided()

    def test_post_without_csrf_token_is_refused(self):
        self.authenticate("gov_sales_manager", "gov_sales_manager")
        response = self._post(self._link("approve"), csrf=False)
        self.assertEqual(response.status_code, 400)
        response = self._post(
            self._link("approve"), csrf=False, csrf_token="forged.token"
        )
        self.assertEqual(response.status_code, 400)
        self._assert_undecided()

    def test_token_of_another_user_action_or_review_is_refused(self):
        other = self._review(self._submitted(), "sales")
        self.authenticate("gov_sales_manager", "gov_sales_manager")
        approve_path = self._link("approve").split("?")[0]
        forged = [
            # Another reviewer's link, opened in the sales manager's session.
            self._link("approve", user=self.finance_user),
            # The reject link's token on the approve action.
            approve_path + "?token=" + self._link("reject").split("token=")[1],
            # The token of another review.
            approve_path
            + "?token="
            + self._link("approve", review=other).split("token=")[1],
            approve_path + "?token=",
        ]
        for link in forged:
            self.assertEqual(self.url_open(link).status_code, 403)
            self.assertEqual(self._post(link).status_code, 403)
        self._assert_undecided()
        self._assert_undecided(other)

    def test_link_of_a_reassigned_review_is_refused(self):
        link = self._link("approve")
        self.env["sale.order.review.reassign"].with_user(
            self.governance_manager
        ).create(
            {
                "review_ids": [Command.set(self.review.ids)],
                "user_ids": [Command.set(self.general_manager.ids)],
                "reason": "Sam is on leave",
            }
        ).action_reassign()
        self.authenticate("gov_sales_manager", "gov_sales_manager")
        self.assertEqual(self._post(link).status_code, 403)
        self._assert_undecided()

    def test_expired_link_is_refused(self):
        link = self._link("approve")
        self.authenticate("gov_sales_manager", "gov_sales_manager")
        csrf = self._csrf()
        path, token = link.split("?token=")
        with freeze_time(self.review.deadline + timedelta(minutes=1)):
            response = self.url_open(path, data={"token": token, "csrf_token": csrf})
        self.assertEqual(response.status_code, 403)
        self.assertIn("expired", response.text)
        self._assert_undecided()

    def test_decided_review_is_not_decided_again(self):
        self.authenticate("gov_sales_manager", "gov_sales_manager")
        self.assertEqual(self._post(self._link("approve")).status_code, 200)
        decided = self._values(self.review, REVIEW_FIELDS)
        self.assertEqual(decided[0]["state"], "approved")
        response = self._post(self._link("reject"), comment="Changed my mind")
        self.assertIn("already decided", response.text)
        self.assertEqual(self._values(self.review, REVIEW_FIELDS), decided)

    def test_anonymous_and_portal_users_are_refused(self):
        link = self._link("approve")
        response = self.url_open(link, allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        path, token = link.split("?token=")
        response = self.url_open(path, data={"token": token}, allow_redirects=False)
        self.assertNotEqual(response.status_code, 200)
        self._assert_undecided()
        self.authenticate("gov_portal", "gov_portal")
        for user in (self.sales_manager, self.portal_user):
            portal_link = self._link("approve", user=user)
            response = self.url_open(portal_link)
            self.assertEqual(response.status_code, 403)
            self.assertNotIn(self.order.name, response.text)
        self._assert_undecided()

    def test_notice_links_land_on_the_confirmation_page(self):
        notice = self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", self.order.id),
                ("partner_ids", "in", self.sales_manager.partner_id.ids),
                ("body", "ilike", "/sale_governance/review/"),
            ],
            limit=1,
        )
        approve_url = re.search(
            r'href="[^"]*(/sale_governance/review/\d+/approve\?token=[^"]+)"',
            str(notice.body),
        ).group(1)
        self.authenticate("gov_sales_manager", "gov_sales_manager")
        page = self.url_open(approve_url.replace("&amp;", "&"))
        self.assertIn("Confirm the approval", page.text)
        self._assert_undecided()
        response = self._post(approve_url, comment="Fine for me")
        self.assertEqual(response.status_code, 200)
        self.assertRecordValues(
            self.review,
            [
                {
                    "state": "approved",
                    "decided_by_id": self.sales_manager.id,
                    "comment": "Fine for me",
                }
            ],
        )

    def test_substitute_confirms_on_behalf_with_own_link(self):
        self._delegate(self.sales_manager, self.deputy)
        self.authenticate("gov_deputy", "gov_deputy")
        self.assertEqual(
            self._post(self._link("approve", user=self.sales_manager)).status_code, 403
        )
        self._assert_undecided()
        response = self._post(self._link("approve", user=self.deputy))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(self.review.decided_by_id, self.deputy)
        self.assertEqual(self.review.decided_on_behalf_of_id, self.sales_manager)
