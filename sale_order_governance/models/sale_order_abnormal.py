# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Abnormal orders are flagged, not silently processed (异常订单).

The flags are stored on the order, computed on quotations only (a confirmed
order keeps the flags it was reviewed with), searchable and usable in the
filters of review stages. They are refreshed when the order is edited, when
it is submitted or confirmed (the routing then reads fresh values) and, for
what time and other records change (a date passing, a first confirmed order,
a credit hold), by a daily scheduled action over the open quotations.
"""

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index
from odoo.tools.translate import LazyTranslate

from . import governance_context as trust
from .sale_order_abnormal_checks import FLAG_KINDS, ORDER_KINDS, flag_field

_lt = LazyTranslate(__name__)

QUOTATION_STATES = ("draft", "sent")
# Every stored field the checks compute.
FLAG_FIELDS = (*(flag_field(kind) for kind in FLAG_KINDS), "governance_abnormal")
CHECK_FIELDS = (*FLAG_FIELDS, "governance_flags_checked_at")
# Which flags each department's reviewers are shown as evidence.
EVIDENCE_KINDS = {
    "sales": FLAG_KINDS,
    "management": FLAG_KINDS,
    "finance": (
        "new_customer",
        "high_risk",
        "price_below_list",
        "discount_exceeded",
        "margin_low",
    ),
    "warehouse": ("date_impossible", "quantity_abnormal"),
    "production": ("date_impossible", "quantity_abnormal"),
}
FLAG_LABELS = {
    "price_below_list": _lt("Price below the pricelist"),
    "discount_exceeded": _lt("Discount beyond authority"),
    "margin_low": _lt("Margin below the minimum"),
    "date_impossible": _lt("Impossible delivery date"),
    "quantity_abnormal": _lt("Abnormal quantity"),
    "new_customer": _lt("New customer"),
    "high_risk": _lt("High-risk customer"),
}


def _flag(string, help_text):
    """A flag of the policy checks, stored on the order."""
    return fields.Boolean(
        string=string,
        compute="_compute_governance_flags",
        store=True,
        readonly=True,
        help=help_text,
    )


class SaleOrder(models.Model):
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    governance_price_below_list = _flag(
        "Price Below Pricelist",
        "A line's unit price is below the price the pricelist proposes.",
    )
    governance_discount_exceeded = _flag(
        "Discount Beyond Authority",
        "A line is sold further below the pricelist price than the sales team "
        "(or, by default, the company) allows its salespeople.",
    )
    governance_margin_low = _flag(
        "Margin Below Minimum",
        "A line's margin on the product's cost is below the minimum of its "
        "product category or, by default, of the company.",
    )
    governance_date_impossible = _flag(
        "Impossible Delivery Date",
        "The requested delivery date is in the past or earlier than the "
        "customer lead time of a product allows.",
    )
    governance_quantity_abnormal = _flag(
        "Abnormal Quantity",
        "A quantity is zero or negative, or far above what the customer "
        "usually orders of the product.",
    )
    governance_new_customer = _flag(
        "New Customer",
        "The customer has no confirmed order in this company yet.",
    )
    governance_high_risk = _flag(
        "High-Risk Customer",
        "The customer is on credit hold, has invoices overdue beyond its "
        "tolerance or has the credit risk grade High.",
    )
    governance_abnormal = _flag(
        "Abnormal Order",
        "Price, discount, margin, delivery date or quantity out of the "
        "policy: the order needs the approval of someone who may accept it.",
    )
    governance_flags_checked_at = fields.Datetime(
        string="Policy Checks Run On",
        compute="_compute_governance_flags",
        store=True,
        readonly=True,
        help="When the abnormal-order checks of this quotation last ran.",
    )
    governance_flag_reasons = fields.Text(
        string="Why the Order Is Flagged",
        compute="_compute_governance_flag_reasons",
    )

    def init(self):
        res = super().init()
        # The daily refresh reads the open quotations, stalest first.
        create_index(
            self.env.cr,
            "sale_order_governance_flags_checked_idx",
            self._table,
            ["governance_flags_checked_at"],
            where="state IN ('draft', 'sent')",
        )
        return res

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends(
        "state",
        "partner_id",
        "company_id",
        "user_id",
        "pricelist_id",
        "fiscal_position_id",
        "currency_id",
        "date_order",
        "commitment_date",
        "order_line.product_id",
        "order_line.product_uom_qty",
        "order_line.product_uom",
        "order_line.price_unit",
        "order_line.discount",
        "order_line.tax_id",
        "order_line.customer_lead",
        "order_line.display_type",
    )
    def _compute_governance_flags(self):
        quotations = self.filtered(lambda order: order.state in QUOTATION_STATES)
        findings = quotations._governance_findings()
        now = fields.Datetime.now()
        for order in self:
            if order not in quotations:
                # A confirmed or cancelled order keeps the flags it had.
                for name in CHECK_FIELDS:
                    order[name] = order[name]
                continue
            found = findings[order]
            for kind in FLAG_KINDS:
                order[flag_field(kind)] = bool(found.get(kind))
            order.governance_abnormal = any(found.get(kind) for kind in ORDER_KINDS)
            order.governance_flags_checked_at = now

    @api.depends(*FLAG_FIELDS)
    @api.depends_context("lang", "tz")
    def _compute_governance_flag_reasons(self):
        raised = self.filtered(lambda order: any(order[name] for name in FLAG_FIELDS))
        # sudo: the history, receivables and costs behind the reasons are
        # read on the user's behalf; only the sentences are shown.
        kinds = [kind for kind in FLAG_KINDS if any(raised.mapped(flag_field(kind)))]
        findings = raised.sudo()._governance_findings(kinds)
        for order in self:
            found = findings.get(order, {})
            reasons = [
                f"• {reason}"
                for kind in FLAG_KINDS
                if order[flag_field(kind)]
                for reason in found.get(kind, [])
            ]
            order.governance_flag_reasons = "\n".join(reasons) or False

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def write(self, vals):
        if vals.get("state") == "sale" and not trust.allowed(
            self.env, trust.FLAGS_FRESH
        ):
            # The state-write backstop routes on fresh flags.
            self._governance_refresh_flags()
        return super().write(vals)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_submit_for_review(self):
        # Required documents and review stages read the flags: fresh ones.
        self._governance_refresh_flags()
        return super().action_submit_for_review()

    def action_confirm(self):
        # Checked once per confirmation: Odoo's own state write that follows
        # needs no second check. An order whose approval holds for its
        # content keeps the flags its reviewers saw; the others are routed
        # on fresh flags.
        with self._governance_confirmation_scope():
            self.filtered(
                lambda order: not order._governance_approval_holds()
            )._governance_refresh_flags()
            with trust.trusted(self.env, trust.FLAGS_FRESH):
                return super().action_confirm()

    def _validate_order(self):
        self._governance_refresh_flags()
        return super()._validate_order()

    # ------------------------------------------------------------
    # BUSINESS METHODS
    # ------------------------------------------------------------

    def _governance_refresh_flags(self):
        """Recompute the flags of the quotations in ``self`` now."""
        quotations = self.filtered(
            lambda order: order.id and order.state in QUOTATION_STATES
        )
        if not quotations:
            return
        for name in CHECK_FIELDS:
            self.env.add_to_compute(self._fields[name], quotations)
        quotations.flush_recordset(list(CHECK_FIELDS))

    def _review_submit(self):
        self._governance_refresh_flags()
        return super()._review_submit()

    @api.model
    def _cron_governance_refresh_flags(self, batch_size=500):
        """Refresh the flags of open quotations not checked since yesterday.

        Time and other records change them too: a requested date passes, a
        customer gets its first confirmed order or a credit hold. The
        quotations never checked (after installation) come first; those a user
        is editing are skipped until the next run; the action runs again at
        once while it finds full batches.
        """
        self.flush_model(["state", "governance_flags_checked_at"])
        limit = fields.Datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id FROM sale_order
                 WHERE state IN %(states)s
                   AND (governance_flags_checked_at IS NULL
                        OR governance_flags_checked_at < %(limit)s)
                 ORDER BY governance_flags_checked_at NULLS FIRST, id
                 LIMIT %(batch)s
                   FOR UPDATE SKIP LOCKED
                """,
                states=QUOTATION_STATES,
                limit=limit,
                batch=batch_size,
            )
        )
        orders = self.browse([row[0] for row in rows])
        orders._governance_refresh_flags()
        orders._governance_refresh_forwarding()
        if len(rows) == batch_size:
            self.env.ref(
                "sale_order_governance.ir_cron_governance_refresh_flags"
            )._trigger()
        return orders

    # ------------------------------------------------------------
    # EVIDENCE
    # ------------------------------------------------------------

    def _review_evidence_labels(self):
        labels = super()._review_evidence_labels()
        labels.update({f"flag_{kind}": label for kind, label in FLAG_LABELS.items()})
        return labels

    def _review_evidence(self, department):
        evidence = super()._review_evidence(department)
        kinds = [
            kind
            for kind in EVIDENCE_KINDS.get(department, ())
            if self[flag_field(kind)]
        ]
        if kinds and evidence is not None:
            # sudo: as the rest of the evidence, read on the reviewer's behalf.
            found = self.sudo()._governance_findings(kinds)[self]
            evidence.setdefault("items", []).extend(
                [f"flag_{kind}", list(found.get(kind, []))] for kind in kinds
            )
        return evidence
