# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What protects a request: it starts as a draft of its requester, its
protected fields are set by its own actions only, its content is frozen once
submitted, and a submitted request is never deleted."""

from odoo import api, models
from odoo.exceptions import UserError

from .sale_order_change import governance_apply_allowed


class SaleGovernanceRequestMixin(models.AbstractModel):
    _inherit = "sale.governance.request.mixin"  # pylint: disable=consider-merging-classes-inherited

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
            return (
                not value
                or value == default
                or (name, value) in (("name", "New"), ("state", "draft"))
            )

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
            lambda request: request.state not in self._review_state_from
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
