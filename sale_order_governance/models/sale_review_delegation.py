# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from . import governance_context as trust

# Fields whose change gives a substitute reviews to decide.
NOTIFIED_FIELDS = {"substitute_id", "date_from", "date_to", "active"}


# Who substitutes whom, read once per decision (see _delegators_memo).
DELEGATORS_KEY = "sale_order_governance.delegators"


class SaleReviewDelegation(models.Model):
    """A reviewer's substitute for a period: both may decide meanwhile."""

    _name = "sale.review.delegation"
    _description = "Review Delegation"
    _order = "date_from desc, id desc"

    user_id = fields.Many2one(
        "res.users",
        string="Reviewer",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        ondelete="cascade",
        domain=[("share", "=", False)],
    )
    substitute_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("share", "=", False)],
        help="Decides the reviewer's pending and new reviews during the period, "
        "on the reviewer's behalf.",
    )
    date_from = fields.Date(required=True, default=fields.Date.context_today)
    date_to = fields.Date(required=True)
    reason = fields.Char(help="e.g. business trip, leave")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "dates_ordered",
            "CHECK(date_from <= date_to)",
            "A delegation must end on or after the day it starts.",
        ),
        (
            "not_self",
            "CHECK(user_id != substitute_id)",
            "A reviewer cannot be their own substitute.",
        ),
    ]

    @api.depends("user_id", "substitute_id")
    def _compute_display_name(self):
        for delegation in self:
            delegation.display_name = self.env._(
                "%(user)s → %(substitute)s",
                user=delegation.user_id.name,
                substitute=delegation.substitute_id.name,
            )

    @api.constrains("substitute_id", "user_id")
    def _check_substitute(self):
        for delegation in self:
            if delegation.substitute_id.share or delegation.user_id.share:
                raise ValidationError(
                    self.env._("A reviewer and a substitute must be internal users.")
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    # Who may delegate is checked here and not only by the record rules: the
    # current user is who acts, even when a caller runs in sudo mode, and the
    # rules cannot tell which reviewer a written ``user_id`` names.

    @api.model
    def _is_governance_manager(self):
        return self.env.user.has_group("sale_order_governance.group_governance_manager")

    def _check_delegator(self, user_ids, message=None):
        """Refuse to delegate the reviews of anyone but the current user."""
        if self._is_governance_manager():
            return
        if any(user_id != self.env.uid for user_id in user_ids):
            raise AccessError(
                message
                or self.env._(
                    "You can only delegate your own reviews; a governance "
                    "manager can set a substitute for someone else."
                )
            )

    def _check_own_delegations(self):
        self._check_delegator(
            self.user_id.ids,
            self.env._(
                "Only the reviewer who delegates, or a governance manager, can "
                "change or delete a delegation. Ask %(users)s.",
                users=", ".join(self.user_id.mapped("name")),
            ),
        )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_delegator([vals.get("user_id", self.env.uid) for vals in vals_list])
        delegations = super().create(vals_list)
        delegations._notify_substitutes()
        return delegations

    def write(self, vals):
        # The substitute reads the delegation but never changes who delegates,
        # the dates or the substitute.
        self._check_own_delegations()
        if "user_id" in vals:
            self._check_delegator([vals["user_id"]])
        res = super().write(vals)
        if NOTIFIED_FIELDS.intersection(vals):
            self._notify_substitutes()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_only_by_delegator(self):
        # Decisions made under the delegation keep who decided and on whose
        # behalf (sale.order.review): deleting the delegation only ends it.
        self._check_own_delegations()

    def _notify_substitutes(self):
        """Give substitutes the pending reviews that are now theirs too."""
        today = fields.Date.context_today(self)
        self._hand_over(
            [
                (delegation.user_id, delegation.substitute_id)
                for delegation in self.filtered(
                    lambda d: d.active and d.date_from <= today <= d.date_to
                )
            ]
        )

    @api.model
    def _running(self, field, users, day):
        """Delegations running on ``day`` whose ``field`` is one of ``users``
        (every running delegation when ``users`` is None)."""
        domain = [("date_from", "<=", day), ("date_to", ">=", day)]
        if users is not None:
            domain.append((field, "in", users.ids))
        # sudo: who substitutes whom is needed whoever asks. active_test:
        # record rules search in an inactive context; an archived delegation
        # has ended.
        return self.sudo().with_context(active_test=True).search(domain)

    @api.model
    @contextlib.contextmanager
    def _delegators_memo(self):
        """Read who substitutes whom once per user and day in this block.

        A decision asks it several times (who may decide, the record rules
        of every read of a review); delegations and time off do not change
        while it runs. The memo ends with the outermost block.
        """
        with trust.memo(self.env, DELEGATORS_KEY):
            yield

    @api.model
    def _delegators_of(self, user, day=None):
        """Reviewers whose reviews ``user`` may decide on ``day`` as substitute."""
        day = day or fields.Date.context_today(self)
        memo = self.env.cr.cache.get(DELEGATORS_KEY)
        key = (tuple(user.ids), day)
        if memo is not None and key in memo:
            return self.env["res.users"].sudo().browse(memo[key])
        delegators = self._find_delegators_of(user, day)
        if memo is not None:
            memo[key] = delegators.ids
        return delegators

    @api.model
    def _find_delegators_of(self, user, day):
        delegations = self._running("substitute_id", user, day)
        delegators = delegations.user_id
        for reviewer, _substitute in self._time_off_pairs(day, substitute=user):
            delegators |= reviewer
        return delegators

    @api.model
    def _time_off_pairs(self, day, reviewers=None, substitute=None):
        """``[(reviewer, substitute)]`` of the time off running on ``day``.

        Time off validated in the Time Off app (when installed) delegates to
        the substitute the reviewer chose in their preferences. Limited to
        the time off of ``reviewers``, or to the reviewers ``substitute``
        stands in for.
        """
        if "hr.leave" not in self.env:
            return []
        domain = [
            ("state", "=", "validate"),
            ("request_date_from", "<=", day),
            ("request_date_to", ">=", day),
            ("employee_id.user_id.governance_review_substitute_id", "!=", False),
        ]
        if reviewers is not None:
            domain.append(("employee_id.user_id", "in", reviewers.ids))
        if substitute is not None:
            domain.append(
                (
                    "employee_id.user_id.governance_review_substitute_id",
                    "in",
                    substitute.ids,
                )
            )
        # sudo: who substitutes whom is needed whoever asks.
        leaves = (
            self.env["hr.leave"].sudo().with_context(active_test=True).search(domain)
        )
        return [
            (reviewer, reviewer.governance_review_substitute_id)
            for reviewer in leaves.employee_id.user_id
        ]

    @api.model
    def _substitutes_of(self, users, day=None):
        """Active substitutes of ``users``: {user: substitutes}."""
        day = day or fields.Date.context_today(self)
        result = {user: self.env["res.users"] for user in users}
        for delegation in self._running("user_id", users, day):
            result[delegation.user_id] |= delegation.substitute_id
        for reviewer, substitute in self._time_off_pairs(day, reviewers=users):
            result[reviewer] |= substitute
        return result

    @api.model
    def _hand_over(self, pairs):
        """For each ``(reviewer, substitute)`` of ``pairs``, give the
        substitute an activity for each pending review of the reviewer they
        have none for yet."""
        if not pairs:
            return
        reviewers = self.env["res.users"].union(*(pair[0] for pair in pairs))
        # sudo: every pending review of the reviewers, whoever delegates.
        reviews = (
            self.env["sale.order.review"]
            .sudo()
            .search(
                [("state", "=", "pending"), ("reviewer_user_ids", "in", reviewers.ids)]
            )
        )
        for reviewer, substitute in pairs:
            for review in reviews.filtered(
                lambda review, reviewer=reviewer, substitute=substitute: (
                    reviewer in review.reviewer_user_ids
                    and substitute not in review.activity_ids.user_id
                )
            ):
                review._schedule_activities(substitute)

    @api.model
    def _cron_hand_over_reviews(self):
        """Each day: the pending reviews of the reviewers away today (a
        delegation or validated time off) go to their substitutes, once."""
        today = fields.Date.context_today(self)
        pairs = [
            (delegation.user_id, delegation.substitute_id)
            for delegation in self._running("user_id", None, today)
        ]
        self._hand_over(pairs + self._time_off_pairs(today))
