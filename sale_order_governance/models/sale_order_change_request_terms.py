# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The commercial terms a change request carries besides lines and date.

Each order field of ``CHANGE_TERMS`` is kept on the request twice:
``old_<field>``, the order as it was when the request was made or submitted,
and ``new_<field>``, what the requester wants (the order's value until
changed). Line descriptions and taxes are kept the same way on the lines.
Everything is reviewed, fingerprinted and applied with the rest of the
request.
"""

from odoo import api, fields, models
from odoo.tools import html2plaintext, is_html_empty

from .sale_order_change_request import SaleOrderChangeRequest as ChangeRequest

# Order field: (stored flag the review stages filter on, evidence label key).
CHANGE_TERMS = {
    "partner_invoice_id": ("touches_addresses", "invoice_address"),
    "partner_shipping_id": ("touches_addresses", "delivery_address"),
    "payment_term_id": ("touches_terms", "payment_term"),
    "incoterm": ("touches_terms", "incoterm"),
    "incoterm_location": ("touches_terms", "incoterm_location"),
    "note": ("touches_terms", "terms_conditions"),
    "fiscal_position_id": ("touches_taxes", "fiscal_position"),
    "warehouse_id": ("touches_warehouse", "warehouse"),
    "user_id": ("touches_salesperson", "salesperson"),
}
TERM_FLAGS = (
    "touches_addresses",
    "touches_terms",
    "touches_taxes",
    "touches_warehouse",
    "touches_salesperson",
    "touches_descriptions",
)


def term_key(value):
    """A comparable form of a term's value (records, texts, HTML)."""
    if isinstance(value, models.BaseModel):
        return tuple(sorted(value.ids))
    if not value or (hasattr(value, "__html__") and is_html_empty(value)):
        return ""
    return str(value)


def new_term(name, field_type, *args, tracking=True, **kwargs):
    """``new_<name>``: what the requester wants, the order's value until changed.

    Each term has its own compute method: a term the form does not show (e.g.
    the warehouse without multi-warehouse rights) must not reset the others.
    """
    return field_type(
        *args,
        compute=f"_compute_new_{name}",
        store=True,
        readonly=False,
        precompute=True,
        tracking=tracking,
        **kwargs,
    )


def new_term_compute(name):
    """The compute method of ``new_<name>``."""

    @api.depends("order_id")
    def compute(self):
        for request in self:
            request[f"new_{name}"] = request.order_id[name]

    compute.__name__ = f"_compute_new_{name}"
    return compute


def old_term(field_type, *args, **kwargs):
    """``old_<name>``: the order's value when the request was made or submitted."""
    return field_type(
        *args, compute="_compute_old_terms", store=True, precompute=True, **kwargs
    )


def touches_flag(help_text):
    """A stored flag review stages filter on."""
    return fields.Boolean(compute="_compute_touches_terms", store=True, help=help_text)


def term_label(value):
    """How reviewers read a term's value."""
    if isinstance(value, models.BaseModel):
        return ", ".join(value.mapped("display_name")) or "-"
    if hasattr(value, "__html__"):
        value = html2plaintext(value) if not is_html_empty(value) else ""
    return str(value or "-")


class SaleOrderChangeRequest(models.Model):
    _inherit = "sale.order.change.request"  # pylint: disable=consider-merging-classes-inherited
    _request_content_fields = ChangeRequest._request_content_fields | {
        f"new_{name}" for name in CHANGE_TERMS
    }

    new_partner_invoice_id = new_term(
        "partner_invoice_id",
        fields.Many2one,
        "res.partner",
        string="New Invoice Address",
        check_company=True,
    )
    old_partner_invoice_id = old_term(
        fields.Many2one, "res.partner", string="Invoice Address Before"
    )
    new_partner_shipping_id = new_term(
        "partner_shipping_id",
        fields.Many2one,
        "res.partner",
        string="New Delivery Address",
        check_company=True,
    )
    old_partner_shipping_id = old_term(
        fields.Many2one, "res.partner", string="Delivery Address Before"
    )
    new_payment_term_id = new_term(
        "payment_term_id",
        fields.Many2one,
        "account.payment.term",
        string="New Payment Terms",
        check_company=True,
    )
    old_payment_term_id = old_term(
        fields.Many2one, "account.payment.term", string="Payment Terms Before"
    )
    new_fiscal_position_id = new_term(
        "fiscal_position_id",
        fields.Many2one,
        "account.fiscal.position",
        check_company=True,
    )
    old_fiscal_position_id = old_term(
        fields.Many2one, "account.fiscal.position", string="Fiscal Position Before"
    )
    new_incoterm = new_term("incoterm", fields.Many2one, "account.incoterms")
    old_incoterm = old_term(
        fields.Many2one, "account.incoterms", string="Incoterm Before"
    )
    new_incoterm_location = new_term("incoterm_location", fields.Char, tracking=False)
    old_incoterm_location = old_term(fields.Char, string="Incoterm Location Before")
    new_note = new_term(
        "note", fields.Html, string="New Terms and Conditions", tracking=False
    )
    old_note = old_term(fields.Html, string="Terms and Conditions Before")
    new_warehouse_id = new_term(
        "warehouse_id",
        fields.Many2one,
        "stock.warehouse",
        check_company=True,
        help="Ship from another warehouse; only while nothing is produced, "
        "picked or shipped. The open pickings are cancelled and planned again "
        "from the new warehouse.",
    )
    old_warehouse_id = old_term(
        fields.Many2one, "stock.warehouse", string="Warehouse Before"
    )
    new_user_id = new_term(
        "user_id",
        fields.Many2one,
        "res.users",
        string="New Salesperson",
        domain="[('share', '=', False), ('company_ids', '=', company_id)]",
    )
    old_user_id = old_term(fields.Many2one, "res.users", string="Salesperson Before")
    touches_addresses = touches_flag("The invoice or the delivery address changes.")
    touches_terms = touches_flag(
        "Payment terms, incoterm or terms and conditions change."
    )
    touches_taxes = touches_flag("The fiscal position or the taxes of a line change.")
    touches_warehouse = touches_flag("The order is to ship from another warehouse.")
    touches_salesperson = touches_flag("The salesperson changes.")
    touches_descriptions = touches_flag("Line descriptions change.")

    @api.depends("order_id")
    def _compute_old_terms(self):
        for request in self:
            for name in CHANGE_TERMS:
                request[f"old_{name}"] = request.order_id[name]

    _compute_new_partner_invoice_id = new_term_compute("partner_invoice_id")
    _compute_new_partner_shipping_id = new_term_compute("partner_shipping_id")
    _compute_new_payment_term_id = new_term_compute("payment_term_id")
    _compute_new_fiscal_position_id = new_term_compute("fiscal_position_id")
    _compute_new_incoterm = new_term_compute("incoterm")
    _compute_new_incoterm_location = new_term_compute("incoterm_location")
    _compute_new_note = new_term_compute("note")
    _compute_new_warehouse_id = new_term_compute("warehouse_id")
    _compute_new_user_id = new_term_compute("user_id")

    @api.depends(
        *(f"new_{name}" for name in CHANGE_TERMS),
        *(f"old_{name}" for name in CHANGE_TERMS),
        "line_ids.change_type",
        "line_ids.new_name",
        "line_ids.old_name",
        "line_ids.new_tax_ids",
        "line_ids.old_tax_ids",
    )
    def _compute_touches_terms(self):
        for request in self:
            flags = {CHANGE_TERMS[name][0] for name in request._term_changes()}
            lines = request.line_ids.filtered(
                lambda line: line.sale_line_id and line.change_type == "update"
            )
            if any(line._tax_changes() for line in lines):
                flags.add("touches_taxes")
            if any(line._name_changes() for line in lines):
                flags.add("touches_descriptions")
            for flag in TERM_FLAGS:
                request[flag] = flag in flags

    @api.depends("touches_warehouse", "touches_addresses")
    def _compute_execution_impact(self):
        res = super()._compute_execution_impact()
        for request in self.filtered(
            lambda request: request.touches_warehouse or request.touches_addresses
        ):
            # Every open picking ships from the warehouse, to the address.
            request.picking_ids = request.order_id.picking_ids.filtered(
                lambda picking: picking.state not in ("done", "cancel")
            )
            request.picking_count = len(request.picking_ids)
        return res

    # ------------------------------------------------------------
    # ONCHANGE METHODS
    # ------------------------------------------------------------

    @api.onchange("new_partner_shipping_id")
    def _onchange_new_partner_shipping_id(self):
        """Suggest the fiscal position Odoo would give the new address; the
        order's own again when its address comes back."""
        order = self.order_id
        if not order or not self.new_partner_shipping_id:
            return
        if self.new_partner_shipping_id == self.old_partner_shipping_id:
            self.new_fiscal_position_id = self.old_fiscal_position_id
        else:
            self.new_fiscal_position_id = (
                self.env["account.fiscal.position"]
                .with_company(order.company_id)
                ._get_fiscal_position(order.partner_id, self.new_partner_shipping_id)
            )

    @api.onchange("new_fiscal_position_id")
    def _onchange_new_fiscal_position_id(self):
        """Map the taxes of the lines as Odoo does for a new fiscal position."""
        for line in self.line_ids:
            line.new_tax_ids = line._default_new_taxes()

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _term_changes(self):
        """``{order field: new value}`` of the header terms that change."""
        self.ensure_one()
        return {
            name: self[f"new_{name}"]
            for name in CHANGE_TERMS
            if term_key(self[f"new_{name}"]) != term_key(self[f"old_{name}"])
        }

    def _has_changes(self):
        return super()._has_changes() or bool(self._term_changes())

    def _governance_snapshot(self):
        """Terms the request leaves unchanged follow the order."""
        order = self.order_id
        vals = {}
        for name in CHANGE_TERMS:
            current = order[name]
            old, new = self[f"old_{name}"], self[f"new_{name}"]
            if term_key(new) == term_key(old) and term_key(new) != term_key(current):
                vals[f"new_{name}"] = current
            if term_key(old) != term_key(current):
                vals[f"old_{name}"] = current
        if vals:
            self.write(
                {
                    key: value.id if isinstance(value, models.BaseModel) else value
                    for key, value in vals.items()
                }
            )
        for line in self.line_ids.filtered("sale_line_id"):
            line._snapshot_terms()
        return super()._governance_snapshot()

    def _governance_problems(self):
        problems = super()._governance_problems()
        if self.touches_warehouse:
            progress = self.order_id._governance_assessment()["progress"]
            if progress != "not_started":
                label = dict(
                    self._fields["order_progress"]._description_selection(self.env)
                )[progress]
                problems.append(
                    self.env._(
                        "The order cannot ship from another warehouse: it is "
                        "already %(progress)s. Change the warehouse of its open "
                        "pickings in the Inventory app instead.",
                        progress=label,
                    )
                )
        return problems

    def _review_missing_items(self):
        missing = super()._review_missing_items()
        if not self.new_partner_invoice_id:
            missing.append(self.env._("The invoice address"))
        if not self.new_partner_shipping_id:
            missing.append(self.env._("The delivery address"))
        if self.old_warehouse_id and not self.new_warehouse_id:
            missing.append(self.env._("The warehouse"))
        return missing

    def _review_fingerprint_values(self):
        return (
            super()._review_fingerprint_values(),
            [
                (term_key(self[f"old_{name}"]), term_key(self[f"new_{name}"]))
                for name in CHANGE_TERMS
            ],
        )

    def _review_evidence(self, department):
        evidence = super()._review_evidence(department)
        # sudo: reviewers read the evidence of what they decide on.
        request = self.sudo().with_company(self.company_id)
        items = evidence["items"]
        for name in request._term_changes():
            items.insert(
                len(items) - 1,  # before the pickings affected
                [
                    CHANGE_TERMS[name][1],
                    " → ".join(
                        [
                            term_label(request[f"old_{name}"]),
                            term_label(request[f"new_{name}"]),
                        ]
                    ),
                ],
            )
        changed = request.line_ids.filtered(lambda line: line.change_type != "none")
        if any(line._name_changes() or line._tax_changes() for line in changed):
            for values, line in zip(evidence["lines"], changed, strict=True):
                values.update(
                    {
                        "old_description": line.old_name or "",
                        "new_description": line.new_name or "",
                        "old_taxes": term_label(line.old_tax_ids),
                        "new_taxes": term_label(line.new_tax_ids),
                    }
                )
        return evidence
