# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A request applies exactly what its reviewers approved.

Attacks of the lowest roles, made the way an RPC client calls: ``create``,
``write``, ``copy``, ``unlink``, ``load`` and public methods. Every test
checks the refusal and that nothing changed.
"""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .request_common import RequestCase, any_flag

# Access errors are user errors: either refusal counts.
REFUSED = UserError


class RequestAttackCase(RequestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_quantity, cls.stage_price = cls._create_change_stages(
            (
                "Production (attacks)",
                cls.production_user,
                "production",
                any_flag("touches_quantity", "touches_date"),
                10,
            ),
            (
                "Finance (attacks)",
                cls.finance_user,
                "finance",
                any_flag("touches_price", "touches_terms"),
                10,
            ),
        )
        cls.stage_cancel = cls._create_stage(
            "Sales (cancel attacks)", cls.sales_manager, 10, applies_to="cancel"
        )
        cls.salesperson_all = new_test_user(
            cls.env,
            login="gov_salesperson_all",
            groups="sales_team.group_sale_salesman_all_leads",
            name="Alma All-Documents",
        )
        cls.substitute = new_test_user(
            cls.env,
            login="gov_substitute",
            groups="sales_team.group_sale_salesman",
            name="Sid Substitute",
        )
        today = fields.Date.today()
        cls.env["sale.review.delegation"].create(
            {
                "user_id": cls.finance_user.id,
                "substitute_id": cls.substitute.id,
                "date_from": today,
                "date_to": today + timedelta(days=7),
            }
        )

    def _approved_request(self, order, changes, **vals):
        request = self._change_request(order, changes, **vals)
        request.with_user(self.salesperson).action_submit()
        for user in (self.production_user, self.finance_user):
            pending = request.governance_review_ids.filtered(
                lambda review, user=user: (
                    review.state == "pending" and user in review.reviewer_user_ids
                )
            )
            if pending:
                self._approve_request(request, user)
        self.assertEqual(request.state, "approved")
        return request

    def _request_values(self, request):
        """What an attack must leave as it was."""
        fields_ = [
            "state",
            "review_state",
            "governance_review_fingerprint",
            "applied_at",
            "applied_by_id",
            "requested_by_id",
        ]
        lines = [
            (line.id, line.sale_line_id.id, line.new_qty, line.new_price_unit)
            for line in request.line_ids
        ]
        return request.read(fields_)[0], lines


@tagged("post_install", "-at_install")
class TestRequestCreationAttacks(RequestAttackCase):
    def test_create_in_another_state_refused(self):
        order = self._confirmed_order()
        Request = self.env["sale.order.change.request"]
        before = Request.search_count([])
        forged = [
            {"state": "approved"},
            {"review_state": "approved"},
            {"applied_at": fields.Datetime.now()},
            {"applied_by_id": self.salesperson.id},
            {"requested_by_id": self.sales_manager.id},
            {"governance_review_fingerprint": "0" * 40},
            {"order_fingerprint": order._governance_change_fingerprint()},
            {"name": "CR/FORGED"},
            {"touches_lines": True},
            {"amount_delta": -100.0},
            {"old_payment_term_id": self.payment_term.id},
        ]
        for user in (self.salesperson, self.salesperson_all):
            for vals in forged:
                with self.assertRaisesRegex(UserError, "cannot be given"):
                    self._change_request(
                        order,
                        {order.order_line: {"new_qty": 9.0}},
                        user=user,
                        **vals,
                    )
        # A default_ key of the context is a value of the caller too.
        with self.assertRaisesRegex(UserError, "cannot be given"):
            Request.with_user(self.salesperson).with_context(
                default_state="approved"
            ).create({"order_id": order.id, "reason": "Forged"})
        self.assertEqual(Request.search_count([]), before)
        # The defaults themselves (as the web client may send them) pass.
        request = self._change_request(
            order,
            {order.order_line: {"new_qty": 3.0}},
            state="draft",
            review_state="not_submitted",
            requested_by_id=self.salesperson.id,
        )
        self.assertEqual(request.state, "draft")
        self.assertEqual(request.requested_by_id, self.salesperson)
        self.assertTrue(request.name.startswith("CR/"))

    def test_cancel_request_created_done_refused(self):
        order = self._confirmed_order()
        Request = self.env["sale.order.cancel.request"]
        for vals in (
            {"state": "done"},
            {"done_at": fields.Datetime.now()},
            {"assessment": "Nothing was done"},
            {"cost_handling_required": False, "work_started": True},
        ):
            with self.assertRaisesRegex(UserError, "cannot be given"):
                self._cancel_request(order, **vals)
        self.assertFalse(Request.search([("order_id", "=", order.id)]))
        self.assertEqual(order.state, "sale")

    def test_import_of_a_forged_request_refused(self):
        order = self._confirmed_order()
        Request = self.env["sale.order.change.request"].with_user(self.salesperson)
        before = Request.search_count([])
        result = Request.load(
            ["order_id/.id", "reason", "state"],
            [[str(order.id), "Imported", "approved"]],
        )
        self.assertFalse(result["ids"])
        self.assertIn("cannot be given", result["messages"][0]["message"])
        self.assertEqual(Request.search_count([]), before)

    def test_copy_is_a_clean_draft(self):
        order = self._confirmed_order()
        applied = self._approved_request(order, {order.order_line: {"new_qty": 3.0}})
        applied.with_user(self.salesperson).action_apply()
        as_sales = applied.with_user(self.salesperson)
        with self.assertRaisesRegex(UserError, "cannot be given"):
            as_sales.copy({"state": "approved"})
        with self.assertRaisesRegex(UserError, "cannot be given"):
            as_sales.copy({"applied_at": fields.Datetime.now()})
        copy = as_sales.copy()
        self.assertRecordValues(
            copy,
            [
                {
                    "state": "draft",
                    "review_state": "not_submitted",
                    "applied_at": False,
                    "applied_by_id": False,
                    "requested_by_id": self.salesperson.id,
                    "governance_review_fingerprint": False,
                    "governance_review_round": 0,
                }
            ],
        )
        self.assertFalse(copy.governance_review_ids)
        self.assertNotEqual(copy.name, applied.name)
        self.assertEqual(applied.state, "applied")


@tagged("post_install", "-at_install")
class TestRequestContentAttacks(RequestAttackCase):
    def test_lines_cannot_enter_or_leave_a_submitted_request(self):
        order = self._confirmed_order([(self.product, 5, 100.0)])
        line = order.order_line
        approved = self._approved_request(order, {line: {"new_qty": 4.0}})
        draft = self._change_request(order, {line: {"new_qty": 50.0}})
        values = self._request_values(approved)
        draft_line = draft.line_ids
        for user in (self.salesperson, self.salesperson_all):
            attacks = [
                # Move a line of the draft into the approved request.
                lambda user=user: draft_line.with_user(user).write(
                    {"request_id": approved.id}
                ),
                lambda user=user: approved.with_user(user).write(
                    {"line_ids": [Command.link(draft_line.id)]}
                ),
                # Create a line in it.
                lambda user=user: (
                    self.env["sale.order.change.request.line"]
                    .with_user(user)
                    .create(
                        {
                            "request_id": approved.id,
                            "product_id": self.product_b.id,
                            "new_qty": 10.0,
                        }
                    )
                ),
                lambda user=user: (
                    self.env["sale.order.change.request.line"]
                    .with_user(user)
                    .with_context(default_request_id=approved.id)
                    .create({"product_id": self.product_b.id, "new_qty": 10.0})
                ),
                lambda user=user: approved.with_user(user).write(
                    {"line_ids": [Command.create({"product_id": self.product_b.id})]}
                ),
                # Move its line out, edit it, delete it.
                lambda user=user: approved.line_ids.with_user(user).write(
                    {"request_id": draft.id}
                ),
                lambda user=user: approved.line_ids.with_user(user).write(
                    {"new_qty": 40.0}
                ),
                lambda user=user: approved.line_ids.with_user(user).unlink(),
                lambda user=user: approved.with_user(user).write(
                    {"line_ids": [Command.clear()]}
                ),
                # The request's own content.
                lambda user=user: approved.with_user(user).write(
                    {"reason": "Something else", "new_payment_term_id": False}
                ),
            ]
            for index, attack in enumerate(attacks):
                with self.assertRaises(REFUSED, msg=f"attack {index} of {user.login}"):
                    attack()
        # Not through sudo either: the content is frozen for every path.
        with self.assertRaisesRegex(UserError, "can no longer be edited"):
            draft_line.sudo().write({"request_id": approved.id})
        with self.assertRaisesRegex(UserError, "can no longer be edited"):
            approved.line_ids.sudo().write({"new_qty": 40.0})
        self.assertEqual(self._request_values(approved), values)
        self.assertEqual(draft_line.request_id, draft)
        approved.with_user(self.salesperson).action_apply()
        self.assertEqual(line.product_uom_qty, 4.0)
        self.assertEqual(len(order.order_line), 1)

    def test_reviewers_and_substitutes_cannot_touch_the_content(self):
        order = self._confirmed_order()
        request = self._change_request(
            order, {order.order_line: {"new_price_unit": 90.0}}
        )
        request.with_user(self.salesperson).action_submit()
        values = self._request_values(request)
        for user in (self.finance_user, self.substitute, self.production_user):
            for attack in (
                lambda user=user: request.line_ids.with_user(user).write(
                    {"new_price_unit": 1.0}
                ),
                lambda user=user: request.with_user(user).write({"reason": "x"}),
                lambda user=user: request.with_user(user).action_submit_for_review(),
                lambda user=user: request.with_user(user).action_apply(),
                lambda user=user: request.with_user(user).action_cancel(),
            ):
                with self.assertRaises(REFUSED):
                    attack()
        self.assertEqual(self._request_values(request), values)
        self.assertEqual(order.order_line.price_unit, 100.0)

    def test_derived_and_related_fields_not_writable(self):
        order = self._confirmed_order()
        request = self._change_request(
            order, {order.order_line: {"new_price_unit": 90.0}}
        )
        request_line = request.line_ids
        as_sales = request.with_user(self.salesperson)
        for vals in (
            # What the stages route on.
            {"touches_price": False},
            {"amount_delta": 0.0},
            # Written through to the order by a related field.
            {"user_id": self.salesperson_all.id},
            {"partner_id": self.customer.id},
            {"currency_id": self.env.ref("base.EUR").id},
        ):
            with self.assertRaisesRegex(UserError, "cannot be written"):
                as_sales.write(vals)
        for vals in (
            {"change_type": "none"},
            {"old_price_unit": 90.0},
            {"old_tax_ids": [Command.clear()]},
            {"qty_delivered": 2.0},
            {"order_id": self._create_order().id},
        ):
            with self.assertRaisesRegex(UserError, "cannot be written"):
                request_line.with_user(self.salesperson).write(vals)
        self.assertTrue(request.touches_price)
        self.assertEqual(request_line.change_type, "update")
        self.assertEqual(request_line.old_price_unit, 100.0)
        self.assertEqual(order.user_id, self.salesperson)
        self.assertEqual(order.order_line.qty_delivered, 0.0)
        request.with_user(self.salesperson).action_submit()
        self.assertEqual(request.governance_review_ids.stage_id, self.stage_price)

    def test_apply_refuses_content_changed_behind_the_reviews(self):
        """A path that skipped every check (SQL here) cannot get an unapproved
        change applied: the fingerprint of the approved content differs."""
        order = self._confirmed_order([(self.product, 5, 100.0)])
        line = order.order_line
        for column, value in (
            ("sale_order_change_request_line.new_qty", 500.0),
            ("sale_order_change_request_line.new_price_unit", 1.0),
            ("sale_order_change_request.new_payment_term_id", None),
            ("sale_order_change_request.reason", "Other"),
        ):
            request = self._approved_request(
                order, {line: {"new_qty": 4.0}}, new_incoterm_location="Port"
            )
            table, name = column.split(".")
            key = "request_id" if table.endswith("_line") else "id"
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s WHERE %s = %s",
                    SQL.identifier(table),
                    SQL.identifier(name),
                    value,
                    SQL.identifier(key),
                    request.id,
                )
            )
            self.env.invalidate_all()
            with self.assertRaisesRegex(UserError, "differs from what its reviewers"):
                request.with_user(self.salesperson).action_apply()
            self.assertEqual(request.state, "approved")
            self.assertEqual(line.product_uom_qty, 5.0)
            self.assertEqual(line.price_unit, 100.0)
            self.assertFalse(order.incoterm_location)
            request.with_user(self.salesperson).action_cancel()

    def test_cancel_request_content_bound_too(self):
        order = self._confirmed_order()
        request = self._cancel_request(order, note="The customer said so")
        request.with_user(self.salesperson).action_submit()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order_cancel_request SET note = %s WHERE id = %s",
            ("Something the reviewer never read", request.id),
        )
        self.env.invalidate_all()
        # As for an RPC call, the refused approval leaves nothing behind.
        with (
            self.assertRaisesRegex(UserError, "differs from what its reviewers"),
            self.env.cr.savepoint(),
        ):
            request.governance_review_ids.with_user(self.sales_manager).action_approve()
        self.env.invalidate_all()
        self.assertEqual(order.state, "sale")
        self.assertEqual(request.state, "in_review")


@tagged("post_install", "-at_install")
class TestSubmitForReviewAttacks(RequestAttackCase):
    def test_engine_method_takes_the_same_path_as_the_button(self):
        order = self._confirmed_order([(self.product, 5, 100.0)])
        line = order.order_line
        first = self._approved_request(order, {line: {"new_qty": 4.0}})
        later = self._change_request(order, {line: {"new_price_unit": 90.0}})
        first.with_user(self.salesperson).action_apply()
        # The picture of the order is taken again: the request is not stale
        # and shows the quantity now on the order.
        later.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(later.state, "in_review")
        self.assertEqual(
            later.order_fingerprint, order._governance_change_fingerprint()
        )
        self.assertEqual(later.line_ids.old_qty, 4.0)
        self.assertEqual(later.line_ids.new_qty, 4.0)
        # Submitting again, or a request in any other state, is refused.
        values = self._request_values(later)
        with self.assertRaisesRegex(UserError, "already submitted"):
            later.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(self._request_values(later), values)
        with self.assertRaisesRegex(UserError, "already submitted"):
            first.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(first.state, "applied")

    def test_reviewer_cannot_resubmit_a_request_they_rejected(self):
        order = self._confirmed_order()
        request = self._change_request(
            order, {order.order_line: {"new_price_unit": 5.0}}
        )
        request.with_user(self.salesperson).action_submit()
        request.governance_review_ids.with_user(self.finance_user).action_reject(
            "Far too cheap"
        )
        self.assertEqual(request.state, "rejected")
        values = self._request_values(request)
        for user in (self.finance_user, self.substitute):
            with self.assertRaises(AccessError):
                request.with_user(user).action_submit_for_review()
        self.assertEqual(self._request_values(request), values)
        self.assertEqual(len(request.governance_review_ids), 1)

    def test_submit_for_review_of_a_cancelled_order_refused(self):
        order = self._confirmed_order()
        request = self._change_request(order, {order.order_line: {"new_qty": 3.0}})
        cancel = self._cancel_request(order)
        self._submit_request(cancel, self.sales_manager)
        self.assertEqual(order.state, "cancel")
        self.assertEqual(request.state, "cancelled")
        with self.assertRaisesRegex(UserError, "already submitted|no longer confirmed"):
            request.with_user(self.salesperson).action_submit_for_review()
        self.assertEqual(request.review_state, "not_submitted")
        self.assertFalse(request.governance_review_ids)
