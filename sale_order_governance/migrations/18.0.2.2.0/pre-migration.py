# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.2.2.0: a request's state is derived from its review and its outcome.

The outcome (carried out or withdrawn) is taken from the stored state before
the registry loads, so that the derived state of every request is the one it
had. The analysis reports are queries now (``_table_query``): their views go.
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

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
