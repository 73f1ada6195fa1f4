# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""P5: KPI pivot month x department x stage over 1M orders (goal <= 1 s).

Builds, with SQL, 1M sales orders over 24 months in the three sales teams
of the database (the sales departments), in every stage (10 % quotations,
5 % cancelled, the rest confirmed and spread over to produce ... closed),
with 2 lines each and one review per department stage (sales, finance,
warehouse: 3M reviews).  Then times, as a sales manager (record rules
applied), warm, median of N interleaved runs:

1. ``sale.governance.report.read_group(month, sales team, order stage)``,
   the pivot of the Governance > Order KPIs menu without its default filters;
2. the same question asked of Odoo's ``sale.report`` (month, sales team,
   status), its own Sales Analysis pivot; printed with the ratio;
3. ``sale.review.report.read_group(month, department, late)`` over the 3M
   reviews, with the average hours and on-time rate;
4. the Order KPIs menu as it opens (this month, per day and stage).

twice: on the rows just written by the benchmark's transaction (no
visibility map yet), then, unless ``--no-commit``, after committing them and
running VACUUM ANALYZE (production's steady state).  Committed rows are
recognisable (orders ``BENCH/...`` of "SOG Benchmark Customer", users
``sog_bench_*``, product "SOG Benchmark KPI Product") and deleted at the
end, also after an error; a killed run leaves them and the next run deletes
them first.

    python benchmarks/bench_kpi_pivot.py --database sog_bench [--orders 1000000]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common

from odoo.tools import SQL

GOAL_MS = 1000.0
DEPARTMENTS = ("sales", "finance", "warehouse")
BENCH_PRODUCT = "SOG Benchmark KPI Product"
TABLES = ("sale_order", "sale_order_line", "sale_order_review")


def configure(parser):
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--lines-per-order", type=int, default=2)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument(
        "--no-commit",
        action="store_true",
        help="only measure the fresh rows; commit nothing",
    )


# ----------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------


def generate_orders(env, args, partner, users, teams):
    """Orders with the NOT NULL columns and what the KPIs read, one INSERT.

    ``h`` is a deterministic pseudo-random number 0..999 per order; it picks
    the state and stage.  Returns the first id (ids are consecutive).
    """
    env.flush_all()
    company = env.company
    seconds = int(args.months * 30.4 * 86400 / args.orders)
    rows = env.execute_query(
        SQL(
            """
            WITH src AS (
                SELECT g, mod(g::bigint * 2654435761, 1000)::int AS h,
                       (now() AT TIME ZONE 'UTC')
                           - make_interval(secs => g * %(seconds)s) AS day
                  FROM generate_series(1, %(count)s) AS g
            ), typed AS (
                SELECT src.*,
                       CASE WHEN h < 100 THEN 'draft' WHEN h < 150 THEN 'cancel'
                            ELSE 'sale' END AS state,
                       CASE WHEN h < 60 THEN 'draft' WHEN h < 100 THEN 'in_review'
                            WHEN h < 150 THEN 'cancel'
                            WHEN h < 250 THEN 'to_produce'
                            WHEN h < 350 THEN 'to_ship'
                            WHEN h < 600 THEN 'shipped'
                            WHEN h < 700 THEN 'received'
                            ELSE 'closed' END AS stage
                  FROM src
            )
            INSERT INTO sale_order (
                name, company_id, partner_id, partner_invoice_id,
                partner_shipping_id, user_id, team_id, currency_id, pricelist_id,
                date_order, picking_policy, state, review_state,
                governance_review_round, governance_stage, late_risk, commitment_date,
                submitted_date,
                approved_date, delivered_date, paid_date, closed_date,
                amount_untaxed, amount_tax, amount_total, margin, currency_rate,
                invoice_status, create_uid, write_uid, create_date, write_date)
            SELECT %(prefix)s || lpad(g::text, 8, '0'), %(company)s, %(partner)s,
                   %(partner)s, %(partner)s,
                   (%(users)s::int[])[1 + mod(g, %(n_users)s)],
                   (%(teams)s::int[])[1 + mod(g / 7, %(n_teams)s)],
                   %(currency)s, NULL, day, 'direct', state,
                   CASE WHEN stage = 'in_review' THEN 'in_review'
                        WHEN state = 'sale' THEN 'approved'
                        ELSE 'not_submitted' END,
                   CASE WHEN state = 'sale' THEN 1 + (mod(h, 5) = 0)::int ELSE 0 END,
                   stage, stage IN ('to_produce') AND mod(h, 3) = 0,
                   day + interval '4 days',
                   CASE WHEN state = 'sale' OR stage = 'in_review'
                        THEN day - interval '20 hours' END,
                   CASE WHEN state = 'sale' THEN day - interval '2 hours' END,
                   CASE WHEN stage IN ('shipped', 'received', 'closed')
                        THEN day + make_interval(days => mod(h, 7)) END,
                   CASE WHEN stage = 'closed'
                        THEN day + make_interval(days => 10 + mod(h, 20)) END,
                   CASE WHEN stage = 'closed'
                        THEN day + make_interval(days => 11 + mod(h, 20)) END,
                   1000 + h * 10, 0, 1000 + h * 10, 200 + h, 1.0,
                   CASE WHEN stage = 'closed' THEN 'invoiced'
                        WHEN state = 'sale' THEN 'to invoice' ELSE 'no' END,
                   %(uid)s, %(uid)s, day - interval '1 day', day
              FROM typed
             ORDER BY g
         RETURNING id
            """,
            seconds=seconds,
            count=args.orders,
            prefix=common.BENCH_ORDER_PREFIX,
            company=company.id,
            partner=partner.id,
            users=users.ids,
            n_users=len(users),
            teams=teams.ids,
            n_teams=len(teams),
            currency=company.currency_id.id,
            uid=env.uid,
        )
    )
    ids = sorted(row[0] for row in rows)
    assert ids[-1] - ids[0] == args.orders - 1, "order ids are not consecutive"
    return ids[0]


def generate_lines(env, first, args, product):
    env.cr.execute(
        SQL(
            """
            INSERT INTO sale_order_line (
                order_id, name, sequence, product_id, product_uom,
                product_uom_qty, price_unit, customer_lead, discount,
                price_subtotal, price_tax, price_total, price_reduce_taxexcl,
                margin, purchase_price, qty_delivered, qty_invoiced,
                qty_to_invoice, untaxed_amount_invoiced,
                untaxed_amount_to_invoice, invoice_status, state, company_id,
                currency_id, order_partner_id, salesman_id,
                create_uid, write_uid, create_date, write_date)
            SELECT o.id, 'Benchmark line', n, %(product)s, %(uom)s,
                   1 + n, 499 + n, 0, 0, (499 + n) * (1 + n), 0,
                   (499 + n) * (1 + n), 499 + n,
                   100 * (1 + n), 400, 0, 0, 0, 0, 0, 'no', o.state,
                   o.company_id, o.currency_id, o.partner_id, o.user_id,
                   o.create_uid, o.create_uid, o.create_date, o.write_date
              FROM sale_order o, generate_series(1, %(per_order)s) AS n
             WHERE o.id BETWEEN %(first)s AND %(last)s
            """,
            product=product.id,
            uom=product.uom_id.id,
            per_order=args.lines_per_order,
            first=first,
            last=first + args.orders - 1,
        )
    )
    return env.cr.rowcount


def build(env, args):
    common.section(
        f"P5 KPI pivot: data ({args.orders} orders, "
        f"{args.orders * args.lines_per_order} lines, "
        f"{args.orders * len(DEPARTMENTS)} reviews)"
    )
    partner = common.create_customer(env)
    users = env["res.users"].concat(
        *(
            common.create_user(
                env,
                f"kpi_seller_{i}",
                f"Bench Seller {i}",
                ["sales_team.group_sale_salesman"],
            )
            for i in range(5)
        )
    )
    manager = common.create_user(
        env, "kpi_manager", "Bench Sales Manager", ["sales_team.group_sale_manager"]
    )
    teams = env["crm.team"].search([], limit=3)
    product = env["product.product"].create(
        {"name": BENCH_PRODUCT, "type": "consu", "list_price": 500.0}
    )
    stages = common.department_stages(env)
    stage_rows = [(stages[dep].id, dep, stages[dep].sequence) for dep in DEPARTMENTS]
    env.flush_all()
    with common.fast_bulk_load(env):
        first = common.timed(
            "insert orders", lambda: generate_orders(env, args, partner, users, teams)
        )
        common.timed("insert lines", lambda: generate_lines(env, first, args, product))
        seconds = int(args.months * 30.4 * 86400 / args.orders)
        common.timed(
            "insert reviews",
            lambda: common.generate_reviews(
                env,
                first,
                args.orders,
                stage_rows,
                state_sql="CASE WHEN h < 880 THEN 'approved' "
                "WHEN h < 940 THEN 'rejected' ELSE 'pending' END",
                requested_sql=f"(now() AT TIME ZONE 'UTC') "
                f"- make_interval(secs => (o + 1) * {seconds}) - interval '1 day'",
                deadline_sql=f"(now() AT TIME ZONE 'UTC') "
                f"- make_interval(secs => (o + 1) * {seconds}) "
                "+ make_interval(hours => mod(h, 48))",
            ),
        )
    common.timed("ANALYZE", lambda: common.analyze(env, *TABLES))
    return manager


# ----------------------------------------------------------------------------
# Measure
# ----------------------------------------------------------------------------


def measure(env, manager, args, label):
    common.section(f"P5 KPI pivot: {label} (median of {args.repeat})")
    user_env = env(user=manager.id, context={"allowed_company_ids": env.company.ids})
    governance = user_env["sale.governance.report"]
    sale_report = user_env["sale.report"]
    reviews = user_env["sale.review.report"]
    counts = {}

    def pivot_governance():
        rows = governance.read_group(
            [],
            ["amount_untaxed:sum", "on_time_rate:avg"],
            ["date:month", "team_id", "governance_stage"],
            lazy=False,
        )
        counts["governance"] = sum(row["__count"] for row in rows)

    def pivot_sale_report():
        rows = sale_report.read_group(
            [],
            ["price_subtotal:sum"],
            ["date:month", "team_id", "state"],
            lazy=False,
        )
        counts["sale.report"] = sum(row["__count"] for row in rows)

    def pivot_reviews():
        rows = reviews.read_group(
            [],
            ["hours_taken:avg", "on_time_rate:avg"],
            ["request_date:month", "department", "is_late"],
            lazy=False,
        )
        counts["reviews"] = sum(row["__count"] for row in rows)

    def pivot_review_stage():
        reviews.read_group(
            [],
            ["hours_taken:avg"],
            ["request_date:month", "department", "governance_stage"],
            lazy=False,
        )

    def dashboard():
        governance.with_context(tz="UTC").read_group(
            [("date", ">=", time.strftime("%Y-%m-01"))],
            ["amount_untaxed:sum"],
            ["date:day", "governance_stage"],
            lazy=False,
        )

    samples = common.measure_interleaved(
        env,
        {
            "governance": pivot_governance,
            "sale.report": pivot_sale_report,
            "reviews": pivot_reviews,
            "reviews x stage": pivot_review_stage,
            "dashboard": dashboard,
        },
        args.repeat,
        warmup=args.warmup,
    )
    gov = common.median_ms(samples["governance"])
    vanilla = common.median_ms(samples["sale.report"])
    common.report(
        "sale.governance.report month x team x stage", gov, "ms", goal=GOAL_MS
    )
    common.report("sale.report month x team x status (Odoo)", vanilla, "ms")
    common.report("ratio governance / sale.report", gov / vanilla, "x")
    common.report(
        "P5b sale.review.report month x department x late",
        common.median_ms(samples["reviews"]),
        "ms",
        goal=GOAL_MS,
    )
    common.report(
        "P5b sale.review.report month x department x order stage",
        common.median_ms(samples["reviews x stage"]),
        "ms",
        goal=GOAL_MS,
    )
    common.report(
        "Order KPIs as it opens (this month, day x stage)",
        common.median_ms(samples["dashboard"]),
        "ms",
    )
    common.report("rows: governance report (orders)", counts["governance"])
    common.report("rows: sale.report (order lines)", counts["sale.report"])
    common.report("rows: review report (reviews)", counts["reviews"])


# ----------------------------------------------------------------------------
# Clean-up of committed rows
# ----------------------------------------------------------------------------


def delete_rows(env):
    """Lines and product first (common's clean-up knows orders and reviews)."""
    env.cr.rollback()
    env.invalidate_all()
    with common.fast_bulk_load(env):
        env.cr.execute(
            SQL(
                """DELETE FROM sale_order_line
                    WHERE order_id IN (
                        SELECT so.id FROM sale_order so
                          JOIN res_partner p ON p.id = so.partner_id
                         WHERE so.name LIKE %s AND p.name = %s)""",
                common.BENCH_ORDER_PREFIX + "%",
                common.BENCH_CUSTOMER,
            )
        )
    env.cr.commit()
    common.delete_bench_rows(env)
    products = (
        env["product.product"]
        .with_context(active_test=False)
        .search([("name", "=", BENCH_PRODUCT)])
    )
    products.product_tmpl_id.unlink()
    env.cr.commit()
    common.vacuum_analyze(env, "sale_order_line")


def main():
    args = common.parse_args(__doc__.splitlines()[0], configure)
    with common.odoo_env(args) as env:
        if common.bench_rows_exist(env):
            if args.no_commit:
                sys.exit(
                    "benchmark rows of an interrupted run exist: run once "
                    "without --no-commit to delete them"
                )
            print("deleting the rows of an interrupted benchmark run")
            delete_rows(env)
        manager = build(env, args)
        measure(env, manager, args, "fresh rows, before VACUUM")
        if args.no_commit:
            return
        try:
            env.cr.commit()
            common.timed("VACUUM ANALYZE", lambda: common.vacuum_analyze(env, *TABLES))
            env.invalidate_all()
            measure(env, manager, args, "after VACUUM")
        finally:
            common.timed(
                "benchmark rows deleted (and committed)", lambda: delete_rows(env)
            )


if __name__ == "__main__":
    main()
