# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from . import governance_context as trust
from .engine_fields import ENGINE_OWNED_FIELDS, REVIEW_ENGINE_FIELDS

REVIEW_STATES = [
    ("not_submitted", "Not Submitted"),
    ("in_review", "In Review"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("changes", "Changes Requested"),
]


class SaleGovernanceReviewMixin(models.AbstractModel):
    """The review engine shared by orders, change requests and cancel requests.

    A reviewed model inherits this mixin, declares what it is and how its
    own state follows the review (the class attributes below, as OCA's
    ``tier.validation`` binds ``_state_field``/``_state_from``/``_state_to``)
    and implements the few hooks below (owner, fingerprint, evidence, order).
    Reviews are ``sale.order.review`` rows pointing back with
    ``res_model``/``res_id``; the engine itself is in
    ``review_mixin_engine.py``.
    """

    _name = "sale.governance.review.mixin"
    _description = "Sales Governance Review Engine"

    # What the stages governing this model call it (``sale.review.stage``
    # ``applies_to``); the stage, the report and the engine find the governed
    # models by this attribute.
    _review_applies_to = None
    # Its name in the stage's "Applies To" (default: the model's description).
    _review_applies_to_name = None
    # The host's own state field, the states from which a record may be
    # submitted, and the states it may reach only once its reviews cleared it.
    _review_state_field = "state"
    _review_state_from = ("draft",)
    _review_state_to = ()

    review_state = fields.Selection(
        REVIEW_STATES,
        default="not_submitted",
        required=True,
        copy=False,
        index=True,
        tracking=True,
        readonly=True,
    )
    governance_review_submitted_at = fields.Datetime(
        string="Review Submitted At", copy=False, readonly=True
    )
    governance_review_round = fields.Integer(
        string="Review Round", copy=False, readonly=True
    )
    governance_review_base_round = fields.Integer(
        string="Review Base Round",
        copy=False,
        readonly=True,
        help="First round whose approvals may be kept after a request for changes.",
    )
    governance_review_changes_requested = fields.Boolean(
        string="Changes Requested",
        copy=False,
        readonly=True,
        help="A reviewer sent the record back for changes; on resubmission the "
        "stages whose evidence did not change keep their approval.",
    )
    governance_review_fingerprint = fields.Char(
        string="Review Fingerprint", copy=False, readonly=True
    )
    governance_review_can_decide = fields.Boolean(
        string="Review Can Decide", compute="_compute_review_can_decide"
    )
    governance_review_overdue = fields.Boolean(
        string="Review Overdue",
        compute="_compute_review_overdue",
        search="_search_review_overdue",
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    def _review_reviews(self):
        # sudo: the engine works on every review of the record, including
        # those the current user may not read (another department's).
        return (
            self.env["sale.order.review"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        )

    @api.depends_context("uid")
    @api.depends("review_state")
    def _compute_review_can_decide(self):
        pending = self.env["sale.order.review"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("can_decide", "=", True),
            ]
        )
        ids = set(pending.mapped("res_id"))
        for record in self:
            record.governance_review_can_decide = record.id in ids

    @api.depends("review_state")
    def _compute_review_overdue(self):
        overdue = self.env["sale.order.review"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("state", "=", "pending"),
                ("is_overdue", "=", True),
            ]
        )
        ids = set(overdue.mapped("res_id"))
        for record in self:
            record.governance_review_overdue = record.id in ids

    def _search_review_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue reviews."))
        query = self.env["sale.order.review"]._search(
            [
                ("res_model", "=", self._name),
                ("state", "=", "pending"),
                ("is_overdue", "=", True),
            ]
        )
        ids_query = query.subselect("res_id")
        op = "in" if (operator == "=") == value else "not in"
        return [("id", op, ids_query)]

    # ------------------------------------------------------------
    # CRUD: ENGINE-OWNED FIELDS
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._governance_check_engine_fields(vals)
        owned = self._governance_engine_fields()
        # Context defaults are the caller's input too: ignored.
        context = {
            key: value
            for key, value in self.env.context.items()
            if not (key.startswith("default_") and key[len("default_") :] in owned)
        }
        records = self
        if len(context) < len(self.env.context):
            # Replaces the context: the ignored defaults must be absent.
            records = self.with_context(context)  # pylint: disable=context-overridden
        return super(SaleGovernanceReviewMixin, records).create(vals_list)

    def write(self, vals):
        self._governance_check_engine_fields(vals)
        return super().write(vals)

    @api.model
    def _governance_engine_fields(self):
        """The fields of this model that only the engine writes."""
        return ENGINE_OWNED_FIELDS.get(self._name, REVIEW_ENGINE_FIELDS)

    @api.model
    def _governance_check_engine_fields(self, names):
        """Refuse callers setting engine-owned fields (``names``: vals keys)."""
        if trust.allowed(self.env, trust.ENGINE):
            return
        owned = [name for name in names if name in self._governance_engine_fields()]
        if owned:
            raise UserError(
                self.env._(
                    "%(fields)s of %(model)s are kept by the sales governance "
                    "engine and cannot be set directly. Use the actions on the "
                    "record (Submit for Review, Approve, Request a change...).",
                    fields=", ".join(
                        self._fields[name]._description_string(self.env)
                        for name in sorted(owned)
                    ),
                    model=self._description,
                )
            )

    def _governance_engine_write(self, vals):
        """The engine's own bookkeeping on these records, as superuser.

        The only path that writes engine-owned fields: callers' values never
        reach it, only the engine's.
        """
        with trust.trusted(self.env, trust.ENGINE) as env:
            return self.with_env(env).sudo().write(vals)

    # ------------------------------------------------------------
    # HOOKS FOR THE REVIEWED MODEL
    # ------------------------------------------------------------

    @api.model
    def _review_applies_to_label(self):
        """The governed model's name in "Applies To", translated."""
        if self._review_applies_to_name is None:
            return self.env["ir.model"]._get(self._name).name
        return self._review_applies_to_name._translate(self.env.lang or "en_US")

    def _review_order(self):
        """The sales order a review of this record belongs to."""
        raise NotImplementedError

    def _review_owner_users(self):
        """Users who may never review this record (four-eyes)."""
        raise NotImplementedError

    def _review_responsible_user(self):
        """Who gets the record back on rejection."""
        raise NotImplementedError

    def _review_missing_items(self):
        """Labels of the items that must be filled before submission."""
        return []

    def _review_fingerprint_values(self):
        """Values whose change sends the record back through review."""
        raise NotImplementedError

    def _review_evidence(self, department):
        """Evidence dict {"items": [[key, value]], "lines": [{...}]}."""
        return {}

    def _review_evidence_labels(self):
        return {}

    def _review_check_submittable(self):
        """Raise when the record is in no state to be submitted: its own
        state is not one of ``_review_state_from``, or it is in review."""
        for record in self:
            if record[self._review_state_field] not in self._review_state_from:
                raise UserError(record._review_not_submittable_message())
            if record.review_state == "in_review":
                raise UserError(
                    self.env._(
                        "%(record)s is already in review.", record=record.display_name
                    )
                )

    def _review_not_submittable_message(self):
        self.ensure_one()
        return self.env._(
            "%(record)s cannot be submitted for review in its current state.",
            record=self.display_name,
        )

    def _review_approved(self):
        """Called once every review of the record is approved."""

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_submit_for_review(self):
        """Check completeness, then request the applicable reviews."""
        self._review_check_submittable()
        missing = []
        for record in self:
            items = record._review_missing_items()
            if items:
                missing.append(
                    self.env._(
                        "%(record)s is missing: %(items)s",
                        record=record.display_name,
                        items=", ".join(items),
                    )
                )
        if missing:
            raise UserError(
                self.env._(
                    "Complete these items before submitting for review:\n%(items)s",
                    items="\n".join(missing),
                )
            )
        for record in self:
            record._review_submit()
        return True

    def action_review_approve(self):
        reviews = self._review_my_pending()
        reviews.action_approve()
        return True

    def action_review_reject(self):
        reviews = self._review_my_pending()
        return self.env["sale.order.review.decision"]._action_open(reviews, "reject")

    def action_review_request_changes(self):
        reviews = self._review_my_pending()
        return self.env["sale.order.review.decision"]._action_open(reviews, "changes")
