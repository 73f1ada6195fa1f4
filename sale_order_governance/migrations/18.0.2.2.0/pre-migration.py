# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.2.2.0: requests' state derived from their review; accountability and KPIs.

The outcome of a request (carried out or withdrawn) is taken from the stored
state before the registry loads, so that the derived state of every request
is the one it had. The analysis reports are queries now (``_table_query``):
their views go. The first confirmation and the promised date of orders, and
when reviews were cancelled without a decision, are created and filled with
SQL before the registry loads, as at installation. Records sent back for
changes before that had a review state of their own get it.
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from odoo.addons.sale_order_governance.hooks import (
    create_accountability_columns,
    create_kpi_columns,
)

GOVERNED_TABLES = (
    "sale_order",
    "sale_order_change_request",
    "sale_order_cancel_request",
)
OUTCOMES = {
    "sale_order_change_request": ("applied", "cancelled"),
    "sale_order_cancel_request": ("done", "cancelled"),
}


def migrate(cr, version):
    if not version:
        return
    cr.execute(SQL("DROP VIEW IF EXISTS sale_governance_report, sale_review_report"))
    for table, outcomes in OUTCOMES.items():
        if column_exists(cr, table, "outcome"):
            continue
        create_column(cr, table, "outcome", "varchar")
        cr.execute(
            SQL(
                "UPDATE %s SET outcome = state WHERE state IN %s",
                SQL.identifier(table),
                outcomes,
            )
        )
    create_kpi_columns(cr)
    create_accountability_columns(cr)
    for table in GOVERNED_TABLES:
        if column_exists(cr, table, "governance_review_changes_requested"):
            cr.execute(
                SQL(
                    "UPDATE %s SET review_state = 'changes' "
                    "WHERE review_state = 'not_submitted' "
                    "AND governance_review_changes_requested",
                    SQL.identifier(table),
                )
            )
