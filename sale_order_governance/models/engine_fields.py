# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The fields the engine owns, declared once for every governed model.

Callers never set them: ``create``, ``write``, ``copy(default=...)`` and
import refuse them, and context defaults for them are ignored (see
``sale.governance.review.mixin``). The review engine, the credit decision and
the tracking write them through ``_governance_engine_write``, inside a trusted
context (``governance_context``).
"""

# The review engine's bookkeeping, on every reviewed model.
REVIEW_ENGINE_FIELDS = frozenset(
    {
        "review_state",
        "governance_review_ids",
        "governance_review_submitted_at",
        "governance_review_round",
        "governance_review_base_round",
        "governance_review_changes_requested",
        "governance_review_fingerprint",
        # The deadline of the whole review, planned at submission.
        "governance_review_deadline",
    }
)

# The policy checks of quotations (abnormal orders, customers to evaluate,
# forwarding on time) and the company-currency amount stage rules compare.
POLICY_ENGINE_FIELDS = frozenset(
    {
        "governance_price_below_list",
        "governance_discount_exceeded",
        "governance_margin_low",
        "governance_date_impossible",
        "governance_quantity_abnormal",
        "governance_new_customer",
        "governance_high_risk",
        "governance_abnormal",
        "governance_flags_checked_at",
        "governance_forward_deadline",
        "governance_forward_late",
        "governance_amount_company",
    }
)

# Change and cancel requests: set by their own actions only (each request adds
# its audit fields, see ``_request_protected_fields``).
REQUEST_ENGINE_FIELDS = REVIEW_ENGINE_FIELDS | {
    "name",
    "state",
    "outcome",
    "requested_by_id",
    "order_progress",
}

ENGINE_OWNED_FIELDS = {
    "sale.order": REVIEW_ENGINE_FIELDS
    | {
        # The confirmation gate: a quotation accepted online while blocked.
        "governance_held_online",
        # Credit decisions are records of their own, created by controllers.
        "credit_override_ids",
        # Tracking: derived from Odoo's records or stamped by the engine.
        "governance_stage",
        "late_risk",
        "governance_late_risk_notified_at",
        "submitted_date",
        "approved_date",
        "closed_date",
        "delivered_date",
        "paid_date",
        "governance_payment_due_date",
        "governance_entry_hours",
        "governance_shipment_days",
        # KPIs: the first confirmation and the promise approved.
        "governance_confirmed_date",
        "governance_promised_date",
    }
    | POLICY_ENGINE_FIELDS,
}
