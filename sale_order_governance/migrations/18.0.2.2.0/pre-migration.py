# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.2.2.0: accountability and KPIs.

The first confirmation and the promised date of orders, and when reviews
were cancelled without a decision, are created and filled with SQL before
the registry loads, as at installation.
"""

from odoo.addons.sale_order_governance.models.sale_order_kpi import (
    create_kpi_columns,
)
from odoo.addons.sale_order_governance.models.sale_order_review_accountability import (
    create_accountability_columns,
)


def migrate(cr, version):
    if not version:
        return
    create_kpi_columns(cr)
    create_accountability_columns(cr)
