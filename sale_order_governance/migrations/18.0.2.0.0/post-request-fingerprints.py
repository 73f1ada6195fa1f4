# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.2.0.0: change requests bind the commercial terms too.

The picture of the order a change request is based on (``order_fingerprint``)
and the fingerprint of the content its reviewers approve now cover the
order's commercial terms and the lines' descriptions and taxes. Open requests
are brought to the new form, so that they are not taken for stale or
tampered with: a request whose order already changed under the old rules
stays stale.
"""

import hashlib

from odoo import SUPERUSER_ID, api

OPEN_STATES = ("draft", "in_review", "approved", "rejected")


def _former_order_fingerprint(order):
    """The picture of the order as versions before 18.0.2.0.0 took it."""
    values = (
        order.state,
        str(order.commitment_date or ""),
        sorted(
            (
                line.id,
                line.product_id.id,
                line.product_uom.id,
                line.product_uom_qty,
                line.price_unit,
                line.discount,
                tuple(sorted(line.tax_id.ids)),
            )
            for line in order._governance_product_lines()
        ),
    )
    return hashlib.sha1(repr(values).encode()).hexdigest()


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    requests = env["sale.order.change.request"].search([("state", "in", OPEN_STATES)])
    for request in requests:
        order = request.order_id
        if request.order_fingerprint == _former_order_fingerprint(order):
            request.order_fingerprint = order._governance_change_fingerprint()
        if request.state in ("in_review", "approved"):
            request._governance_engine_write(
                {"governance_review_fingerprint": request._review_compute_fingerprint()}
            )
