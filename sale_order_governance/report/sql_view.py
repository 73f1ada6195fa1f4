# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
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


class SaleGovernanceReportMixin(models.AbstractModel):
    """What the add-on's analysis reports share: no JIT compilation.

    Their pivots aggregate millions of rows, so PostgreSQL's cost estimate
    makes it compile them with LLVM (inlining and optimisation included):
    0.9 to 3.7 s on a 2-core machine, for queries that run in 0.8 s without
    it (benchmarks/README.md, P5b). It is turned off for the grouping
    queries of these reports only, until the end of the statement's block.
    """

    _name = "sale.governance.report.mixin"
    _description = "Sales Governance Analysis"

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        cr = self.env.cr
        cr.execute(SQL("SET LOCAL jit = off"))
        result = super()._read_group(
            domain, groupby, aggregates, having, offset, limit, order
        )
        cr.execute(SQL("SET LOCAL jit TO DEFAULT"))
        return result
