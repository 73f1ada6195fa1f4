# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.tools import SQL


class SaleGovernanceReportMixin(models.AbstractModel):
    """What the add-on's analysis reports share: a query (``_query``) read as
    the model's table, and no JIT compilation.

    Their pivots aggregate millions of rows, so PostgreSQL's cost estimate
    makes it compile them with LLVM (inlining and optimisation included):
    0.9 to 3.7 s on a 2-core machine, for queries that run in 0.8 s without
    it (benchmarks/README.md, P5b). It is turned off for the grouping
    queries of these reports only, until the end of the statement's block.
    """

    _name = "sale.governance.report.mixin"
    _description = "Sales Governance Analysis"
    _auto = False

    @property
    def _table_query(self):
        # A query, as Odoo's own sale.report: no view to create or drop.
        return self._query()

    def _query(self):
        raise NotImplementedError

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
