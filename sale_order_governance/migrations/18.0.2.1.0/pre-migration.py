# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.2.1.0: the policy checks of orders.

The new columns of ``sale_order`` are created (and filled where history has
a value) before the registry loads, as at installation: the ORM would
otherwise compute them order by order. The abnormal-order flags of open
quotations are filled by their scheduled action.
"""

from odoo.addons.sale_order_governance.hooks import create_policy_columns


def migrate(cr, version):
    if not version:
        return
    create_policy_columns(cr)
