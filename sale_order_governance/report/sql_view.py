# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL


def create_report_view(report):
    """(Re)create the SQL view of ``report`` (``_auto = False``) from ``_query()``.

    Called from the report's ``init()``: the view is dropped first so that a
    column removed or retyped by an upgrade does not stop the replacement.
    """
    report.env.cr.execute(
        SQL(
            "DROP VIEW IF EXISTS %s; CREATE OR REPLACE VIEW %s AS (%s)",
            SQL.identifier(report._table),
            SQL.identifier(report._table),
            report._query(),
        )
    )
