# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The commercial terms of an order that its reviewers approve.

Before confirmation a change of any of them restarts the review (the
approval is bound to a fingerprint of these values, checked again when the
order is confirmed); after confirmation they change only through an approved
change request.
"""

# Fields of ``sale.order``.
GOVERNED_ORDER_FIELDS = (
    "partner_id",
    "partner_invoice_id",
    "partner_shipping_id",
    "pricelist_id",
    "currency_id",
    "payment_term_id",
    "fiscal_position_id",
    "incoterm",
    "incoterm_location",
    "commitment_date",
    "note",
    "warehouse_id",
    "company_id",
    "user_id",
)

# Fields of ``sale.order.line``.
GOVERNED_LINE_FIELDS = (
    "display_type",
    "name",
    "product_id",
    "product_uom_qty",
    "product_uom",
    "price_unit",
    "discount",
    "tax_id",
    # The cost the margin shown to reviewers is computed from.
    "purchase_price",
)
