# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Per-customer running totals of the two big credit buckets, kept by PostgreSQL.

Open receivables and confirmed orders not invoiced are sums over every open
item of a customer: 50,000 receivable lines for a big one, read at each
confirmation. ``sale_credit_exposure_total`` keeps them as rows of amounts
that triggers on ``account_move_line`` and ``sale_order_line`` append when an
item's contribution changes (minus the old contribution, plus the new one);
the exposure sums the customer's rows, whatever its history.

- Rows are only ever inserted by the triggers, never updated: two
  transactions changing documents of one customer never wait for each other
  nor fail on a shared row (a single total per customer would be a row every
  invoice, payment and confirmation of that customer updates).
- ``fold_totals`` (a cron) replaces the rows of each key by their sum, so
  that a customer has about one row per due date and currency.
- Receivables are kept per due date, so that the overdue part is read for
  any day; per account, so that the receivable accounts are chosen when
  reading (as Odoo's own ``credit`` does).
- ``rebuild_totals`` computes them again from the documents, with the same
  expressions: at install, and after loading data with the triggers off
  (``session_replication_role = replica``).

The contribution of a line, the SQL twin of the ``sale.credit.exposure``
service, is written once below for the triggers and the rebuild.
"""

from odoo.tools import SQL
from odoo.tools.sql import table_exists

TOTALS_TABLE = "sale_credit_exposure_total"

# What a receivable line (alias ``l``) adds while it is open: posted, not
# reconciled, residual left. Lines of accounts without reconciliation have no
# residual; the receivable accounts are chosen when reading.
RECEIVABLE_OPEN = """
    {l}.parent_state = 'posted' AND {l}.reconciled IS NOT TRUE
    AND {l}.partner_id IS NOT NULL
    AND ({l}.amount_residual != 0 OR {l}.amount_residual_currency != 0)
"""
RECEIVABLE_VALUES = """
    'receivable', {l}.partner_id, {l}.company_id, {l}.currency_id,
    {l}.account_id, {l}.date_maturity,
    {sign} * {l}.amount_residual_currency,
    {sign} * CASE WHEN {l}.amount_residual > 0
                  THEN {l}.amount_residual_currency ELSE 0 END,
    {sign} * CASE WHEN {l}.amount_residual > 0 THEN 1 ELSE 0 END
"""
# What an order line adds while its confirmed order still invoices it: the
# taxed unit price times the quantity ordered (or delivered, if more) not
# invoiced yet (draft invoices count as invoiced: they are a bucket of their
# own). Down payments are deducted when reading.
ORDER_OPEN = """
    {l}.state = 'sale' AND {l}.invoice_status != 'invoiced'
    AND {l}.order_partner_id IS NOT NULL
"""
ORDER_AMOUNT = """
    CASE WHEN {l}.product_uom_qty > 0 AND {l}.is_downpayment IS NOT TRUE
         THEN {l}.price_total / {l}.product_uom_qty
              * GREATEST(GREATEST({l}.product_uom_qty, {l}.qty_delivered)
                         - {l}.qty_invoiced, 0)
         ELSE 0 END
"""
ORDER_VALUES = """
    'orders', {l}.order_partner_id, {l}.company_id, {l}.currency_id,
    NULL::int, NULL::date, {sign} * COALESCE({amount}, 0), 0, 0
"""
# Columns whose change may change a line's contribution.
RECEIVABLE_COLUMNS = (
    "parent_state",
    "reconciled",
    "partner_id",
    "company_id",
    "currency_id",
    "account_id",
    "date_maturity",
    "amount_residual",
    "amount_residual_currency",
)
ORDER_COLUMNS = (
    "state",
    "invoice_status",
    "order_partner_id",
    "company_id",
    "currency_id",
    "product_uom_qty",
    "qty_delivered",
    "qty_invoiced",
    "price_total",
    "is_downpayment",
)
COLUMNS = (
    "kind, partner_id, company_id, currency_id, account_id, day,"
    " amount, overdue_basis, open_count"
)
KEY = "kind, partner_id, company_id, currency_id, account_id, day"


def _receivable(alias, sign):
    return (
        RECEIVABLE_OPEN.format(l=alias),
        RECEIVABLE_VALUES.format(l=alias, sign=sign),
    )


def _order(alias, sign):
    amount = ORDER_AMOUNT.format(l=alias)
    return ORDER_OPEN.format(l=alias), ORDER_VALUES.format(
        l=alias, sign=sign, amount=amount
    )


def _trigger_function(name, old, new):
    """A row trigger appending ``-old`` and ``+new`` contributions."""
    (old_open, old_values), (new_open, new_values) = old, new
    return f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
        LANGUAGE plpgsql AS $body$
        BEGIN
            IF TG_OP != 'INSERT' AND {old_open} THEN
                INSERT INTO {TOTALS_TABLE} ({COLUMNS}) VALUES ({old_values});
            END IF;
            IF TG_OP != 'DELETE' AND {new_open} THEN
                INSERT INTO {TOTALS_TABLE} ({COLUMNS}) VALUES ({new_values});
            END IF;
            RETURN NULL;
        END
        $body$;
    """


def _triggers(table, function, columns):
    changed = " OR ".join(
        f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns
    )
    return f"""
        DROP TRIGGER IF EXISTS {function}_write ON {table};
        CREATE TRIGGER {function}_write
            AFTER INSERT OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {function}();
        DROP TRIGGER IF EXISTS {function}_update ON {table};
        CREATE TRIGGER {function}_update
            AFTER UPDATE ON {table}
            FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {function}();
    """


def create_totals(cr):
    """Create (or update) the table, its trigger functions and triggers.

    Returns True when the table was created: it must then be filled
    (:func:`rebuild_totals`).
    """
    created = not table_exists(cr, TOTALS_TABLE)
    receivable = "sale_credit_exposure_receivable"
    order = "sale_credit_exposure_order"
    statements = [
        f"""
        CREATE TABLE IF NOT EXISTS {TOTALS_TABLE} (
            kind varchar NOT NULL,
            partner_id integer NOT NULL,
            company_id integer NOT NULL,
            currency_id integer,
            account_id integer,
            day date,
            amount numeric NOT NULL,
            overdue_basis numeric NOT NULL,
            open_count integer NOT NULL
        );
        CREATE INDEX IF NOT EXISTS {TOTALS_TABLE}_partner_idx
            ON {TOTALS_TABLE} (partner_id, company_id);
        """,
        _trigger_function(receivable, _receivable("OLD", -1), _receivable("NEW", 1)),
        _trigger_function(order, _order("OLD", -1), _order("NEW", 1)),
        _triggers("account_move_line", receivable, RECEIVABLE_COLUMNS),
        _triggers("sale_order_line", order, ORDER_COLUMNS),
    ]
    # Built from the constants of this file only (no value).
    cr.execute(SQL("\n".join(statements)))
    return created


def drop_totals(cr):
    """Remove the triggers, their functions and the table (uninstall)."""
    cr.execute(
        SQL(
            f"""
            DROP FUNCTION IF EXISTS sale_credit_exposure_receivable() CASCADE;
            DROP FUNCTION IF EXISTS sale_credit_exposure_order() CASCADE;
            DROP TABLE IF EXISTS {TOTALS_TABLE};
            """
        )
    )


def rebuild_totals(cr, partner_ids=None):
    """Compute the totals again from the documents (all, or some partners').

    Meant for installation and for data loaded with the triggers off: the
    documents read must not change meanwhile (their tables are locked in
    SHARE mode until the transaction ends).
    """
    cr.execute(SQL("LOCK TABLE account_move_line, sale_order_line IN SHARE MODE"))
    receivable_open, receivable_values = _receivable("l", 1)
    order_open, order_values = _order("l", 1)
    if partner_ids is None:
        scope = SQL("TRUE")
        line_scope = order_scope = SQL("TRUE")
    else:
        ids = list(partner_ids)
        scope = SQL("partner_id = ANY(%s)", ids)
        line_scope = SQL("l.partner_id = ANY(%s)", ids)
        order_scope = SQL("l.order_partner_id = ANY(%s)", ids)
    cr.execute(SQL("DELETE FROM %s WHERE %s", SQL.identifier(TOTALS_TABLE), scope))
    cr.execute(
        SQL(
            f"""
            INSERT INTO {TOTALS_TABLE} ({COLUMNS})
            SELECT {KEY}, SUM(amount), SUM(overdue_basis), SUM(open_count)
              FROM (SELECT {receivable_values} FROM account_move_line l
                     WHERE {receivable_open} AND %(line_scope)s
                    UNION ALL
                    SELECT {order_values} FROM sale_order_line l
                     WHERE {order_open} AND %(order_scope)s
                   ) AS items ({COLUMNS})
             GROUP BY {KEY}
            HAVING SUM(amount) != 0 OR SUM(overdue_basis) != 0
                OR SUM(open_count) != 0
            """,
            line_scope=line_scope,
            order_scope=order_scope,
        )
    )


def fold_totals(cr):
    """Replace the rows of each key by their sum (zero sums disappear).

    Rows inserted meanwhile by other transactions are not seen, so not
    touched. Two folds never run at once (transaction-level advisory lock).
    Returns the number of rows folded, None when another fold runs.
    """
    cr.execute(SQL("SELECT pg_try_advisory_xact_lock(hashtext(%s))", TOTALS_TABLE))
    if not cr.fetchone()[0]:
        return None
    cr.execute(
        SQL(
            f"""
            WITH keys AS (
                SELECT {KEY} FROM {TOTALS_TABLE}
                 GROUP BY {KEY} HAVING count(*) > 1
            ), folded AS (
                DELETE FROM {TOTALS_TABLE} t USING keys k
                 WHERE t.kind = k.kind AND t.partner_id = k.partner_id
                   AND t.company_id = k.company_id
                   AND t.currency_id IS NOT DISTINCT FROM k.currency_id
                   AND t.account_id IS NOT DISTINCT FROM k.account_id
                   AND t.day IS NOT DISTINCT FROM k.day
             RETURNING t.*
            ), inserted AS (
                INSERT INTO {TOTALS_TABLE} ({COLUMNS})
                SELECT {KEY}, SUM(amount), SUM(overdue_basis), SUM(open_count)
                  FROM folded
                 GROUP BY {KEY}
                HAVING SUM(amount) != 0 OR SUM(overdue_basis) != 0
                    OR SUM(open_count) != 0
            )
            SELECT count(*) FROM folded
            """
        )
    )
    return cr.fetchone()[0]
