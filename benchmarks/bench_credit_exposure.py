# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Credit exposure of one big customer, next to Odoo's own receivable compute.

Builds, with ``INSERT ... SELECT generate_series`` and in ONE transaction that
is rolled back at the end:

* one customer with ``--receivables`` open receivable move lines (one posted
  invoice each, half of them overdue within tolerance), ``--open-orders``
  confirmed orders still to invoice and ``--invoiced-orders`` fully invoiced
  confirmed orders (its history);
* ``--others`` other customers sharing ``--other-receivables`` receivable
  lines and ``--other-orders`` open orders.

Then measures, warm (cache of the ORM invalidated, PostgreSQL buffers hot),
the median time of:

* the add-on's exposure and blocking reason of a quotation of that customer
  (every bucket: receivables, open orders, draft invoices, this order; the
  credit reasons) - goal <= 20 ms;
* Odoo's own ``res.partner.credit`` compute (open receivables only) on the
  same data, and the ratio of both (P2: goal <= 0.25);
* for information, Odoo's ``credit_to_invoice`` (the sale orders bucket of its
  credit warning), which reads every open order through the ORM.

By default the data lives in an open transaction: PostgreSQL cannot answer
from the covering indexes alone (no visibility map for uncommitted rows), so
every open item is also read from the table - a pessimistic figure.
``--committed`` commits the data, VACUUM ANALYZEs it as autovacuum would in
production, measures, and deletes it again at the end.

Run:  python benchmarks/bench_credit_exposure.py --database <db> [-c odoo.conf]
      [--committed] [--explain]
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import (
    analyze,
    configure_odoo,
    explain,
    fast_bulk_load,
    generate_orders,
    measure_interleaved,
    median_ms,
    median_queries,
    odoo_env,
    parse_args,
    report,
    section,
    timed,
)

GOAL_MS = 20.0
GOAL_RATIO = 0.25


def configure(parser):
    parser.add_argument("--receivables", type=int, default=50_000)
    parser.add_argument("--open-orders", type=int, default=5_000)
    parser.add_argument("--invoiced-orders", type=int, default=20_000)
    parser.add_argument("--others", type=int, default=20)
    parser.add_argument("--other-receivables", type=int, default=200_000)
    parser.add_argument("--other-orders", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--odoo-repeat",
        type=int,
        default=3,
        help="repetitions of Odoo's credit_to_invoice (slow)",
    )
    parser.add_argument("--explain", action="store_true", help="print query plans")
    parser.add_argument(
        "--committed",
        action="store_true",
        help="commit the generated data and VACUUM ANALYZE it (as autovacuum would in "
        "production, enabling index-only scans), measure, then delete it; by "
        "default everything happens in one transaction that is rolled back",
    )


def generate_invoices(env, partners, count, journal, receivable, income):
    """``count`` posted invoices with one open receivable line each.

    The invoices are spread over ``partners`` round-robin (commercial
    partners: Odoo puts them on receivable lines); due dates spread over the
    last 20 days (within the default tolerance) and the next 40.
    """
    from odoo.tools import SQL

    company = env.company
    currency = company.currency_id.id
    moves = env.execute_query(
        SQL(
            """
            INSERT INTO account_move (
                journal_id, company_id, currency_id, partner_id,
                commercial_partner_id, name, state, move_type, auto_post,
                payment_state, date, invoice_date, invoice_date_due,
                amount_total, amount_residual, amount_total_signed,
                amount_total_in_currency_signed, amount_residual_signed,
                create_uid, write_uid, create_date, write_date)
            SELECT %(journal)s, %(company)s, %(currency)s, p.id, p.id,
                   'BENCH/INV/' || %(tag)s || '/' || lpad(g::text, 8, '0'),
                   'posted', 'out_invoice', 'no', 'not_paid',
                   current_date - mod(g, 60), current_date - mod(g, 60),
                   current_date - 20 + mod(g, 60),
                   100 + mod(g, 50), 100 + mod(g, 50), 100 + mod(g, 50),
                   100 + mod(g, 50), 100 + mod(g, 50),
                   %(uid)s, %(uid)s, now(), now()
              FROM generate_series(1, %(count)s) AS g
              JOIN unnest(%(partners)s::int[]) WITH ORDINALITY AS p(id, n)
                ON p.n = mod(g, %(npartners)s) + 1
         RETURNING id
            """,
            journal=journal.id,
            company=company.id,
            currency=currency,
            tag=str(partners[0]),
            count=count,
            partners=list(partners),
            npartners=len(partners),
            uid=env.uid,
        )
    )
    first, last = min(row[0] for row in moves), max(row[0] for row in moves)
    # One receivable (payment term) line and one income line per invoice.
    env.cr.execute(
        SQL(
            """
            INSERT INTO account_move_line (
                move_id, journal_id, company_id, company_currency_id,
                currency_id, account_id, partner_id, move_name, parent_state,
                name, display_type, date, invoice_date, date_maturity,
                debit, credit, balance, amount_currency, amount_residual,
                amount_residual_currency, reconciled, quantity, price_unit,
                price_subtotal, price_total,
                create_uid, write_uid, create_date, write_date)
            SELECT m.id, m.journal_id, m.company_id, m.currency_id,
                   m.currency_id, line.account_id, m.partner_id, m.name,
                   'posted', line.label, line.display_type, m.date,
                   m.invoice_date, m.invoice_date_due,
                   CASE WHEN line.sign > 0 THEN m.amount_total ELSE 0 END,
                   CASE WHEN line.sign < 0 THEN m.amount_total ELSE 0 END,
                   line.sign * m.amount_total, line.sign * m.amount_total,
                   CASE WHEN line.sign > 0 THEN m.amount_total ELSE 0 END,
                   CASE WHEN line.sign > 0 THEN m.amount_total ELSE 0 END,
                   false, 1, m.amount_total, m.amount_total, m.amount_total,
                   m.create_uid, m.create_uid, now(), now()
              FROM account_move m
             CROSS JOIN (VALUES (%(receivable)s, 'payment_term', 1, ''),
                                (%(income)s, 'product', -1, 'Bench'))
                   AS line(account_id, display_type, sign, label)
             WHERE m.id BETWEEN %(first)s AND %(last)s
             ORDER BY m.id, line.sign DESC
            """,
            receivable=receivable.id,
            income=income.id,
            first=first,
            last=last,
        )
    )
    return first, last


def generate_order_lines(env, first_order, count, product, invoiced):
    """One line per order: 1 to 5 units at the order's price, not invoiced
    (open orders) or fully invoiced (history)."""
    from odoo.tools import SQL

    env.cr.execute(
        SQL(
            """
            INSERT INTO sale_order_line (
                order_id, sequence, company_id, currency_id, order_partner_id,
                salesman_id, product_id, product_uom, state, name,
                product_uom_qty, price_unit, discount, price_subtotal,
                price_total, price_tax, price_reduce_taxexcl,
                price_reduce_taxinc, qty_delivered, qty_invoiced,
                qty_to_invoice, untaxed_amount_invoiced,
                untaxed_amount_to_invoice, invoice_status,
                qty_delivered_method, is_downpayment, is_expense,
                customer_lead, create_uid, write_uid, create_date, write_date)
            SELECT so.id, 10, so.company_id, so.currency_id, so.partner_id,
                   so.user_id, %(product)s, %(uom)s, 'sale', 'Bench',
                   q.qty, so.amount_total / q.qty, 0, so.amount_total,
                   so.amount_total, 0, so.amount_total / q.qty,
                   so.amount_total / q.qty, 0,
                   CASE WHEN %(invoiced)s THEN q.qty ELSE 0 END,
                   CASE WHEN %(invoiced)s THEN 0 ELSE q.qty END,
                   CASE WHEN %(invoiced)s THEN so.amount_total ELSE 0 END,
                   CASE WHEN %(invoiced)s THEN 0 ELSE so.amount_total END,
                   CASE WHEN %(invoiced)s THEN 'invoiced' ELSE 'to invoice' END,
                   'manual', false, false, 0,
                   so.create_uid, so.create_uid, now(), now()
              FROM sale_order so,
                   LATERAL (SELECT 1 + mod(so.id, 5) AS qty) AS q
             WHERE so.id BETWEEN %(first)s AND %(last)s
            """,
            product=product.id,
            uom=product.uom_id.id,
            invoiced=invoiced,
            first=first_order,
            last=first_order + count - 1,
        )
    )
    governed = "review_state" in env["sale.order"]._fields
    env.cr.execute(
        SQL(
            "UPDATE sale_order SET invoice_status = %s %s WHERE id BETWEEN %s AND %s",
            "invoiced" if invoiced else "to invoice",
            SQL(", review_state = 'approved'" if governed else ""),
            first_order,
            first_order + count - 1,
        )
    )


def capture_queries(env, func):
    """The queries (SELECT, WITH) ``func`` runs, as ``odoo.tools.SQL`` objects."""
    from odoo.tools import SQL

    captured = []
    cr = env.cr
    original = cr.execute

    def execute(query, params=None, log_exceptions=True):
        if isinstance(query, SQL):
            code, args = query.code, query.params
        else:
            code, args = query, params
        if code.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append(SQL(code, *(args or ())))
        return original(query, params, log_exceptions)

    cr.execute = execute
    try:
        func()
    finally:
        del cr.execute
    return captured


def build(env, args):
    """Generate the data set; return what cleaning it up needs."""
    from odoo import Command

    company = env.company
    created = {
        "moves": [],
        "orders": [],
        "use_credit_limit": company.account_use_credit_limit,
    }
    company.account_use_credit_limit = True
    customer = env["res.partner"].create(
        {"name": "Bench Big Customer", "is_company": True}
    )
    customer.with_company(company).credit_limit = 1e9
    contacts = env["res.partner"].create(
        [{"name": f"Bench Contact {i}", "parent_id": customer.id} for i in range(3)]
    )
    others = env["res.partner"].create(
        [{"name": f"Bench Other {i}", "is_company": True} for i in range(args.others)]
    )
    user = env.ref("base.user_admin")
    product = env["product.product"].create(
        {
            "name": "Bench Product",
            "type": "consu",
            "list_price": 100.0,
            "taxes_id": False,
        }
    )
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    receivable = customer.property_account_receivable_id
    income = journal.default_account_id
    env.flush_all()

    def invoices(partners, count):
        created["moves"].append(
            generate_invoices(env, partners.ids, count, journal, receivable, income)
        )

    def orders(partner, count, invoiced):
        first = generate_orders(env, count, partner, user, state="sale")
        created["orders"].append((first, first + count - 1))
        generate_order_lines(env, first, count, product, invoiced)

    with fast_bulk_load(env):
        timed(
            f"{args.receivables} open receivable lines of the customer",
            lambda: invoices(customer, args.receivables),
        )
        timed(
            f"{args.other_receivables} receivable lines of {args.others} others",
            lambda: invoices(others, args.other_receivables),
        )
        timed(
            f"{args.open_orders} open confirmed orders of the customer",
            lambda: orders(customer, args.open_orders, False),
        )
        timed(
            f"{args.invoiced_orders} invoiced orders of the customer (history)",
            lambda: orders(contacts[0], args.invoiced_orders, True),
        )
        per_other = max(args.other_orders // max(args.others, 1), 1)
        timed(
            f"{per_other * args.others} open orders of the others",
            lambda: [orders(other, per_other, False) for other in others],
        )
    # The bulk load ran with the triggers off: the running totals of the
    # exposure are computed again from the documents, as at install.
    timed(
        "running totals of the exposure rebuilt",
        lambda: env["sale.credit.exposure"]._rebuild_totals(customer | others),
    )
    env.invalidate_all()
    quotation = env["sale.order"].create(
        {
            "partner_id": contacts[1].id,
            "order_line": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": 3,
                        "price_unit": 100.0,
                    }
                )
            ],
        }
    )
    env.flush_all()
    created.update(
        customer=customer.id,
        partners=(customer | contacts | others).ids,
        product=product.id,
        quotation=quotation.id,
    )
    return created


def measure(env, args, created):
    from odoo.addons.sale_order_governance.models.sale_order_credit import (
        CREDIT_ORDER_FIELDS,
    )

    env = env(context=dict(env.context, tracking_disable=True))
    analyze(
        env,
        "account_move",
        "account_move_line",
        "sale_order",
        "sale_order_line",
        "res_partner",
    )
    customer = env["res.partner"].browse(created["customer"])
    quotation = env["sale.order"].browse(created["quotation"])

    def ours_order():
        quotation.invalidate_recordset(CREDIT_ORDER_FIELDS)
        return quotation.credit_exposure, quotation.credit_blocked_reason

    def ours_partner():
        customer.invalidate_recordset(["credit_exposure"])
        return customer.credit_exposure

    def odoo_credit():
        customer.invalidate_recordset(["credit"])
        return customer.credit

    section("Figures (company currency)")
    report("exposure: open receivables", quotation.credit_exposure_receivable)
    report("exposure: confirmed orders not invoiced", quotation.credit_exposure_orders)
    report("exposure: draft invoices", quotation.credit_exposure_draft)
    report("exposure: this order", quotation.credit_exposure_order)
    report("exposure: total", quotation.credit_exposure)
    report("oldest overdue (days)", quotation.credit_overdue_days)
    report("blocking reason", repr(quotation.credit_blocked_reason or ""))
    report("Odoo res.partner.credit (receivables only)", odoo_credit())
    if args.explain:
        section("Plans of the queries the exposure runs")
        for query in capture_queries(env, ours_order):
            explain(env, query)

    section(f"Warm timings (median of {args.repeat})")
    samples = measure_interleaved(
        env,
        {"order": ours_order, "partner": ours_partner, "odoo_credit": odoo_credit},
        args.repeat,
    )
    ours_ms = median_ms(samples["order"])
    odoo_ms = median_ms(samples["odoo_credit"])
    report(
        "add-on: exposure + blocking reason of a quotation", ours_ms, "ms", goal=GOAL_MS
    )
    report(
        "add-on: SQL queries per exposure + reason (fresh ORM cache)",
        median_queries(samples["order"]),
    )
    report(
        "add-on: exposure on the partner (credit tab)",
        median_ms(samples["partner"]),
        "ms",
    )
    report("Odoo: res.partner.credit (receivables only)", odoo_ms, "ms")
    report(
        "P2 ratio add-on / Odoo res.partner.credit",
        ours_ms / odoo_ms if odoo_ms else 0.0,
        "x",
        goal=GOAL_RATIO,
    )
    if args.odoo_repeat:
        durations = []
        for _round in range(args.odoo_repeat):
            env.invalidate_all()
            start = time.perf_counter()
            customer.credit_to_invoice  # noqa: B018 - the compute is what is timed
            durations.append((time.perf_counter() - start) * 1000.0)
        report(
            "Odoo: res.partner.credit_to_invoice (orders, ORM loop)",
            statistics.median(durations),
            "ms",
        )


def cleanup(env, created):
    """Delete what a committed run generated (``--committed`` only)."""
    from odoo.tools import SQL

    from odoo.addons.sale_order_governance.models.sale_credit_exposure_totals import (
        rebuild_totals,
    )

    cr = env.cr
    # The rows were loaded with the triggers off: they are deleted so too,
    # then the customers' running totals computed again (to nothing).
    cr.execute("SET LOCAL session_replication_role = replica")
    for first, last in created["moves"]:
        cr.execute(
            SQL(
                "DELETE FROM account_move_line WHERE move_id BETWEEN %s AND %s",
                first,
                last,
            )
        )
        cr.execute(
            SQL("DELETE FROM account_move WHERE id BETWEEN %s AND %s", first, last)
        )
    for first, last in created["orders"]:
        cr.execute(
            SQL(
                "DELETE FROM sale_order_line WHERE order_id BETWEEN %s AND %s",
                first,
                last,
            )
        )
        cr.execute(
            SQL("DELETE FROM sale_order WHERE id BETWEEN %s AND %s", first, last)
        )
    cr.execute("SET LOCAL session_replication_role = DEFAULT")
    rebuild_totals(cr, created["partners"])
    env["sale.order"].browse(created["quotation"]).unlink()
    env["res.partner"].browse(created["partners"]).unlink()
    product = env["product.product"].browse(created["product"])
    template = product.product_tmpl_id
    product.unlink()
    template.unlink()
    env.company.account_use_credit_limit = created["use_credit_limit"]
    env.flush_all()


def vacuum(registry, tables):
    """VACUUM ANALYZE, as autovacuum would before production reads."""
    from odoo.tools import SQL

    with registry.cursor() as cr:
        cr.rollback()
        cr._cnx.autocommit = True
        try:
            for table in tables:
                cr.execute(SQL("VACUUM ANALYZE %s", SQL.identifier(table)))
        finally:
            cr._cnx.autocommit = False


def main():
    args = parse_args(__doc__.splitlines()[0], configure)
    if not args.committed:
        section("Data (one transaction, rolled back at the end)")
        with odoo_env(args) as env:
            created = build(env, args)
            measure(env, args, created)
        return
    # Production-like: the data is committed and vacuumed, so that the
    # covering indexes answer alone (index-only scans need the visibility
    # map, which rows of an open transaction never have); it is deleted
    # again at the end, whatever happens.
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    configure_odoo(args)
    registry = Registry(args.database)
    section("Data (committed, vacuumed, deleted at the end)")
    created = None
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tz": "UTC"})
            created = build(env, args)
            cr.commit()
        vacuum(
            registry,
            ["account_move", "account_move_line", "sale_order", "sale_order_line"],
        )
        with registry.cursor() as cr:
            measure(api.Environment(cr, SUPERUSER_ID, {"tz": "UTC"}), args, created)
            cr.rollback()
    finally:
        if created:
            with registry.cursor() as cr:
                cleanup(api.Environment(cr, SUPERUSER_ID, {"tz": "UTC"}), created)
                cr.commit()
            section("Generated data deleted")


if __name__ == "__main__":
    main()
