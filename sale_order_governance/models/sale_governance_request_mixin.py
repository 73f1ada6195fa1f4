# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .sale_order_change import governance_apply_allowed

# Set by the request's own actions only (through sudo, after an access check).
REQUEST_PROTECTED_FIELDS = frozenset(
    {
        "name",
        "state",
        "requested_by_id",
        "order_progress",
        "review_state",
        "governance_review_submitted_at",
        "governance_review_fingerprint",
        "governance_review_round",
        "governance_review_base_round",
        "governance_review_changes_requested",
    }
)
# The content reviewers decide on: frozen once submitted.
REQUEST_CONTENT_FIELDS = frozenset({"order_id"})
# Each request adds its final state (applied, done) before "cancelled".
REQUEST_STATES = [
    ("draft", "Draft"),
    ("in_review", "In Review"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Withdrawn"),
]


class SaleGovernanceRequestMixin(models.AbstractModel):
    """What change and cancel requests on a confirmed order have in common.

    A request names itself from a sequence, records the order it is about,
    freezes its content once submitted and follows the review engine with its
    own ``state`` (``draft``, ``in_review``, ``approved``, ``rejected``, its own
    final state, ``cancelled``).  A concrete request adds its final state to
    ``state``, sets the class attributes below and implements
    ``_governance_snapshot`` and ``_review_approved``.
    """

    _name = "sale.governance.request.mixin"
    _description = "Sales Governance Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "sale.governance.review.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # Code of the ir.sequence naming new requests.
    _request_sequence_code = None
    # Lazy label of the kind of request, the placeholder of shared messages.
    _request_kind = None
    # Fields written by the request's own actions only.
    _request_protected_fields = REQUEST_PROTECTED_FIELDS
    # What the reviewers decide on: frozen outside the editable states.
    _request_content_fields = REQUEST_CONTENT_FIELDS
    _request_editable_states = ("draft", "rejected")
    # States from which the owner may reopen the request.
    _request_reopenable_states = ("rejected",)
    # States in which the request is over (carried out or withdrawn).
    _request_closed_states = ("cancelled",)

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    order_id = fields.Many2one(
        "sale.order",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
        domain=[("state", "=", "sale")],
    )
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="order_id.currency_id")
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    partner_id = fields.Many2one(
        related="order_id.partner_id", string="Customer", store=True, index=True
    )
    user_id = fields.Many2one(
        related="order_id.user_id", string="Salesperson", store=True, index=True
    )
    requested_by_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        readonly=True,
        copy=False,
    )
    state = fields.Selection(
        REQUEST_STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    governance_review_ids = fields.One2many(
        "sale.order.review",
        "res_id",
        string="Reviews",
        domain=lambda self: [("res_model", "=", self._name)],
        readonly=True,
        copy=False,
    )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # A request starts as a draft of the caller, whatever the client
            # sends (create, copy with defaults, import, default_ keys).
            self._check_protected_create_values(vals_list)
        # Checked before anything is created: a refused request leaves no trace.
        self._check_orders_requestable(
            self.env["sale.order"].browse(
                [vals["order_id"] for vals in vals_list if vals.get("order_id")]
            )
        )
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    self._request_sequence_code
                ) or self.env._("New")
        requests = super().create(vals_list)
        for request in requests:
            # sudo: the picture of the order is protected, written by the
            # request itself.
            request.sudo()._governance_snapshot()
        return requests

    def write(self, vals):
        if not self.env.su and not governance_apply_allowed(self.env):
            protected = self._request_engine_fields().intersection(vals)
            if protected:
                raise UserError(
                    self.env._(
                        "These fields of a %(kind)s are set by its actions and "
                        "cannot be written: %(fields)s",
                        kind=self._request_kind_label(),
                        fields=", ".join(sorted(protected)),
                    )
                )
        if self._request_content_fields.intersection(vals):
            # Also under sudo: what the reviewers decided on never changes
            # once submitted.
            self._check_editable()
        return super().write(vals)

    @api.model
    def _request_engine_fields(self):
        """What only the request's own actions write: the protected fields,
        and what it reads from its order or derives from its content."""
        return self._request_protected_fields | {
            name
            for name, field in self._fields.items()
            if field.related or (field.compute and field.readonly)
        }

    def _check_protected_create_values(self, vals_list):
        """Refuse values of protected fields other than a new draft's own.

        Values equal to the defaults (the web client may send them) are
        dropped; any other value, in ``vals_list`` or as a ``default_`` key
        of the context, is refused.
        """
        protected = self._request_engine_fields()
        context_keys = {f"default_{name}": name for name in protected}

        def harmless(name, value):
            field = self._fields[name]
            default = field.default(self) if field.default else None
            if isinstance(value, models.BaseModel):
                value = value.id
            if isinstance(default, models.BaseModel):
                default = default.id
            return not value or value == default or (name == "name" and value == "New")

        forced = {
            name
            for key, name in context_keys.items()
            if key in self.env.context and not harmless(name, self.env.context[key])
        }
        for vals in vals_list:
            for name in protected.intersection(vals):
                if harmless(name, vals[name]):
                    del vals[name]
                else:
                    forced.add(name)
        if forced:
            raise UserError(
                self.env._(
                    "A new %(kind)s starts as a draft of its requester; these "
                    "fields are set by its actions and cannot be given: %(fields)s",
                    kind=self._request_kind_label(),
                    fields=", ".join(sorted(forced)),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        for request in self:
            # sudo: reviews the user may not read count too.
            if request.state != "draft" or request.sudo().governance_review_ids:
                raise UserError(
                    self.env._(
                        "The %(kind)s %(request)s was submitted: it stays as a "
                        "record. Withdraw it instead.",
                        kind=self._request_kind_label(),
                        request=request.name,
                    )
                )

    def _check_editable(self):
        locked = self.filtered(
            lambda request: request.state not in self._request_editable_states
        )
        if locked:
            raise UserError(
                self.env._(
                    "The %(kind)s %(request)s is %(state)s and can no longer be "
                    "edited. Withdraw it and make a new request.",
                    kind=self._request_kind_label(),
                    request=locked[0].name,
                    state=locked[0]._request_state_label(),
                )
            )

    @api.model
    def _check_orders_requestable(self, orders):
        """Raise when no request of this kind may be made for ``orders``."""
        orders._governance_check_confirmed()

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_submit(self):
        """Take the picture of the order again, then request the reviews."""
        return self.action_submit_for_review()

    def action_submit_for_review(self):
        # One path for the button and the engine's public method: the
        # requester's write access, the state checks and a fresh picture of
        # the order always come before the reviews are requested.
        self.check_access("write")
        for request in self:
            request._check_submittable_state()
            # sudo: the picture of the order and the review state are protected.
            request.sudo()._governance_snapshot()
        super().action_submit_for_review()
        return True

    def action_cancel(self):
        """Withdraw the request; the order stays as it is."""
        self.check_access("write")
        for request in self:
            if request.state in self._request_closed_states:
                raise UserError(
                    self.env._(
                        "The %(kind)s %(request)s is already %(state)s.",
                        kind=self._request_kind_label(),
                        request=request.name,
                        state=request._request_state_label(),
                    )
                )
        # sudo: the state is protected; write access was checked above.
        requests = self.sudo()
        for request in requests:
            request._review_lock()
            request._review_reviews()._cancel()
        requests.write({"state": "cancelled"})
        for request in requests:
            request._review_post(
                self.env._(
                    "The %(kind)s was withdrawn.", kind=self._request_kind_label()
                )
            )
        return True

    def action_draft(self):
        """Reopen the request for correction."""
        self.check_access("write")
        self._check_reopenable()
        # sudo: the state is protected; write access was checked above.
        self._governance_engine_write(
            {"state": "draft", "review_state": "not_submitted"}
        )
        return True

    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _request_kind_label(self):
        """The kind of request in the user's language ("change request")."""
        return self.env._(self._request_kind)

    def _request_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _governance_snapshot(self):
        """Record the order as it is now: what the request is based on."""
        raise NotImplementedError

    def _check_submittable_state(self):
        self.ensure_one()
        if self.state not in self._request_editable_states:
            raise UserError(
                self.env._(
                    "The %(kind)s %(request)s was already submitted.",
                    kind=self._request_kind_label(),
                    request=self.name,
                )
            )
        if self.order_id.state != "sale":
            raise UserError(
                self.env._(
                    "Order %(order)s is no longer confirmed: %(kind)s "
                    "%(request)s cannot be submitted.",
                    order=self.order_id.name,
                    kind=self._request_kind_label(),
                    request=self.name,
                )
            )

    def _check_reviewed_content(self):
        """Refuse carrying out a request whose content is not what was approved.

        The reviews approved the fingerprint of the request taken when it was
        submitted; any difference (whatever path changed it) stops it.
        """
        for request in self:
            if (
                not request.governance_review_fingerprint
                or request._review_compute_fingerprint()
                != request.governance_review_fingerprint
            ):
                raise UserError(
                    self.env._(
                        "The %(kind)s %(request)s differs from what its reviewers "
                        "approved: nothing was changed. Withdraw it and make a new "
                        "request.",
                        kind=self._request_kind_label(),
                        request=request.name,
                    )
                )

    def _check_reopenable(self):
        for request in self:
            if request.state not in self._request_reopenable_states:
                raise UserError(
                    self.env._(
                        "The %(kind)s %(request)s is %(state)s: it cannot be reopened.",
                        kind=self._request_kind_label(),
                        request=request.name,
                        state=request._request_state_label(),
                    )
                )

    # ------------------------------------------------------------
    # REVIEW ENGINE HOOKS
    # ------------------------------------------------------------

    def _review_order(self):
        return self.order_id

    def _review_owner_users(self):
        return self.order_id.user_id | self.requested_by_id

    def _review_responsible_user(self):
        return self.requested_by_id or self.order_id.user_id or self.create_uid

    def _review_check_submittable(self):
        for request in self:
            request._check_submittable_state()

    def _review_evidence_labels(self):
        return self.env["sale.order"]._review_evidence_labels()

    def _review_rejected(self, reviews, comment):
        res = super()._review_rejected(reviews, comment)
        # sudo: the reviewer only reads the request.
        self.sudo().write({"state": "rejected"})
        return res

    def _review_changes_requested(self, reviews, comment):
        res = super()._review_changes_requested(reviews, comment)
        # sudo: the reviewer only reads the request; back to its owner.
        self.sudo().write({"state": "draft"})
        return res

    def _review_reset(self, reason):
        res = super()._review_reset(reason)
        # sudo: the state is protected; the engine restarts the review.
        self.sudo().write({"state": "draft"})
        return res

    def _review_submit(self):
        res = super()._review_submit()
        if self.review_state == "in_review":
            # sudo: the state is protected; it follows the engine's.
            self.sudo().write({"state": "in_review"})
        return res
