# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from .engine_fields import REQUEST_ENGINE_FIELDS

_lt = LazyTranslate(__name__)

# Set by the request's own actions only (through sudo, after an access check).
REQUEST_PROTECTED_FIELDS = REQUEST_ENGINE_FIELDS
# The requests on confirmed orders. A request is open until it has an outcome
# (carried out or withdrawn): ``_open_domain``.
REQUEST_MODELS = ("sale.order.change.request", "sale.order.cancel.request")
# The content reviewers decide on: frozen once submitted.
REQUEST_CONTENT_FIELDS = frozenset({"order_id"})
# The request's state follows its review state (engine) until its outcome:
# carried out (applied, done) or withdrawn (cancelled).
REVIEW_TO_REQUEST_STATE = {
    "not_submitted": "draft",
    "in_review": "in_review",
    "approved": "approved",
    "rejected": "rejected",
    "changes": "draft",
}
# Labels of the evidence items and columns of requests.
REQUEST_EVIDENCE_LABELS = {
    "order": _lt("Order"),
    "request": _lt("Request"),
    "reason": _lt("Reason"),
    "amount_delta": _lt("Amount change"),
    "margin_delta": _lt("Margin change"),
    "new_credit_exposure": _lt("Credit exposure after the change"),
    "order_progress": _lt("Order progress"),
    "new_commitment_date": _lt("New delivery date"),
    "loss_amount": _lt("Loss"),
    "loss_borne_by": _lt("Loss borne by"),
    "change": _lt("Change"),
    "old_qty": _lt("Quantity before"),
    "new_qty": _lt("Quantity after"),
    "old_price": _lt("Price before"),
    "new_price": _lt("Price after"),
    "old_discount": _lt("Discount before (%)"),
    "new_discount": _lt("Discount after (%)"),
    "delivered": _lt("Delivered"),
    "invoiced": _lt("Invoiced"),
    "pickings": _lt("Pickings affected"),
    "cancel_reason": _lt("Cancellation reason"),
    "assessment": _lt("Assessment"),
    "cost_handling": _lt("Cost handling"),
    "amount_invoiced": _lt("Invoiced amount"),
    "amount_paid": _lt("Paid amount"),
}
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

    A request names itself from a sequence, records the order it is about and
    freezes its content once submitted. Its ``state`` is not a second state
    machine: it is the review state (``draft``, ``in_review``, ``approved``,
    ``rejected``) until the request has an ``outcome`` (its own final state,
    ``applied`` or ``done``, or ``cancelled`` when withdrawn).  A concrete
    request adds its final state to ``state`` and ``outcome``, sets the class
    attributes below and implements ``_governance_snapshot`` and
    ``_review_approved``.
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
    # Submitted from draft, or again once rejected; frozen otherwise.
    _review_state_from = ("draft", "rejected")
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
        compute="_compute_state",
        store=True,
        precompute=True,
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    outcome = fields.Selection(
        [("cancelled", "Cancelled")],
        readonly=True,
        copy=False,
        help="How the request ended: carried out, or withdrawn. Empty while "
        "its review decides.",
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
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("review_state", "outcome")
    def _compute_state(self):
        for request in self:
            request.state = request.outcome or REVIEW_TO_REQUEST_STATE.get(
                request.review_state, "draft"
            )

    # ------------------------------------------------------------
    # OPEN REQUESTS
    # ------------------------------------------------------------

    @api.model
    def _open_domain(self):
        """Requests not carried out nor withdrawn yet."""
        return [("outcome", "=", False)]

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
        requests._governance_engine_write({"outcome": "cancelled"})
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
            {"outcome": False, "review_state": "not_submitted"}
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

    def _request_post_with_order(self, body):
        """A note on the request and the same on its order."""
        self.ensure_one()
        self._review_post(body)
        # sudo: the order is the request's, whether or not the author may still
        # read it (its salesperson may have changed).
        self.order_id._review_post(body)

    def _governance_snapshot(self):
        """Record the order as it is now: what the request is based on."""
        raise NotImplementedError

    def _check_submittable_state(self):
        self.ensure_one()
        if self.state not in self._review_state_from:
            raise UserError(
                self.env._(
                    "The %(kind)s %(request)s was already submitted.",
                    kind=self._request_kind_label(),
                    request=self.name,
                )
            )
        self._check_order_confirmed(self.env._("submitted"))

    def _check_order_confirmed(self, step):
        """Refuse ``step`` (submitted, carried out) once the order is no
        longer a confirmed order."""
        self.ensure_one()
        if self.order_id.state != "sale":
            raise UserError(
                self.env._(
                    "Order %(order)s is no longer confirmed: %(kind)s "
                    "%(request)s cannot be %(step)s.",
                    order=self.order_id.name,
                    kind=self._request_kind_label(),
                    request=self.name,
                    step=step,
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
        """The order's labels (customer, amounts) and the requests' own."""
        return {
            **self.env["sale.order"]._review_evidence_labels(),
            **REQUEST_EVIDENCE_LABELS,
        }
