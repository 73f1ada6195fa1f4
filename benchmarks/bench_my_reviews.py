# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""P3: the "My Reviews" list with 1M sale.order.review rows (goal <= 100 ms).

Builds, with SQL, 1M reviews over 250k orders (4 department stages each) and
their reviewer snapshot (every reviewer of the department: 5M rows in
``sale_order_review_reviewer_rel`` by default).  History is mostly decided;
the newest 3 % of the orders are still in review (about 2 % of the reviews
pending).  Then times, as a finance reviewer, exactly what the "My Reviews"
menu asks:

    Review.with_user(reviewer).search([("can_decide", "=", True)], limit=80)
    Review.with_user(reviewer).search_count([("can_decide", "=", True)])

warm, median of N runs, twice:

1. on the rows just written by the benchmark's own transaction (worst case:
   no visibility map yet, every index entry sends PostgreSQL to the heap);
2. unless ``--no-commit``: after committing the rows and running VACUUM
   ANALYZE, the steady state of a production database where autovacuum has
   run.  These committed rows are recognisable (orders ``BENCH/...`` of
   "SOG Benchmark Customer", users ``sog_bench_*``) and deleted at the end,
   also after an error; a run interrupted by a kill leaves them, and the
   next run deletes them first.

    python benchmarks/bench_my_reviews.py --database sog_bench [--explain]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common

from odoo.tools import SQL

GOAL_MS = 100.0
DEPARTMENTS = ("sales", "finance", "warehouse", "management")


def configure(parser):
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument(
        "--reviewers-per-department",
        type=int,
        default=5,
        help="size of each review's reviewer snapshot (default %(default)s)",
    )
    parser.add_argument(
        "--open-percent",
        type=float,
        default=3.0,
        help="percentage of the (newest) orders still in review",
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE")
    parser.add_argument(
        "--no-commit",
        action="store_true",
        help="only measure the fresh rows inside the rolled-back transaction; "
        "by default the rows are then committed, vacuumed, measured again "
        "and deleted",
    )


def build(env, args):
    stages = common.department_stages(env)
    missing = [dep for dep in DEPARTMENTS if dep not in stages]
    if missing:
        sys.exit(f"shipped review stages missing for {missing}")
    reviewers = {
        dep: [
            common.create_user(
                env,
                f"{dep}_{i}",
                f"Bench {dep.title()} Reviewer {i}",
                [f"sale_order_governance.group_reviewer_{dep}"],
            ).id
            for i in range(args.reviewers_per_department)
        ]
        for dep in DEPARTMENTS
    }
    salesperson = common.create_user(
        env, "salesperson", "Bench Salesperson", ["sales_team.group_sale_salesman"]
    )
    customer = common.create_customer(env)
    orders = args.reviews // len(DEPARTMENTS)
    decided_orders = int(orders * (1 - args.open_percent / 100.0))
    stage_rows = [(stages[dep].id, dep, stages[dep].sequence) for dep in DEPARTMENTS]
    with common.fast_bulk_load(env):
        first_order = common.timed(
            f"generate {orders} sale_order rows (SQL)",
            lambda: common.generate_orders(env, orders, customer, salesperson),
        )
        first, last = common.timed(
            f"generate {orders * len(DEPARTMENTS)} sale_order_review rows (SQL)",
            lambda: common.generate_reviews(
                env,
                first_order,
                orders,
                stage_rows,
                # decided history, then the orders still in review
                state_sql=f"""CASE WHEN o < {decided_orders} THEN
                                  CASE WHEN h < 20 THEN 'rejected'
                                       WHEN h < 50 THEN 'cancelled'
                                       ELSE 'approved' END
                              WHEN h < 670 THEN 'pending' ELSE 'waiting' END""",
                requested_sql=f"now() - make_interval(mins => ({orders} - o) * 5)",
                deadline_sql=f"now() - make_interval(mins => ({orders} - o) * 5)"
                " + interval '1 day'",
                evidence_sql="""'{"items": [["amount_total", "$ 12,345.00"],
                    ["margin_percent", 23.5], ["max_discount", 5.0],
                    ["payment_term", "30 Days"]]}'::jsonb""",
            ),
        )
        rel_rows = common.timed(
            "generate sale_order_review_reviewer_rel rows (SQL)",
            lambda: common.generate_reviewer_rel(env, first, last, reviewers),
        )
    common.timed(
        "ANALYZE",
        lambda: common.analyze(env, *common.review_tables(env)),
    )
    env.invalidate_all()
    counts = dict(
        env.execute_query(
            SQL("SELECT state, count(*) FROM sale_order_review GROUP BY state")
        )
    )
    common.report("sale_order_review rows in table", sum(counts.values()))
    common.report("  of which pending", counts.get("pending", 0))
    common.report("sale_order_review_reviewer_rel rows generated", rel_rows)
    for table in common.review_tables(env)[3:]:
        rows = env.execute_query(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
        common.report(f"{table} rows", rows[0][0])
    return env["res.users"].browse(reviewers["finance"][0])


def measure(env, reviewer, args, label):
    """Time "My Reviews" as ``reviewer``; print the figures."""
    Review = env["sale.order.review"].with_user(reviewer)
    domain = [("can_decide", "=", True)]
    found = {}

    def search():
        found["ids"] = Review.search(domain, limit=80).ids

    def count():
        found["count"] = Review.search_count(domain)

    def both():
        search()
        count()

    samples = common.measure_interleaved(
        env, {"search": search, "count": count, "both": both}, args.repeat
    )
    expected = env["sale.order.review"].search_count(
        [("state", "=", "pending"), ("reviewer_user_ids", "in", reviewer.id)]
    )
    common.section(
        f"P3 My Reviews as {reviewer.login}, {label}: warm median of {args.repeat} runs"
    )
    common.report("rows returned by search (limit 80)", len(found["ids"]))
    common.report("search_count (reviews this reviewer can decide)", found["count"])
    if found["count"] != expected or len(found["ids"]) != min(80, expected):
        sys.exit(f"wrong result: {found['count']} != {expected}")
    common.report(
        "search(can_decide, limit=80)", common.median_ms(samples["search"]), "ms"
    )
    common.report("search_count(can_decide)", common.median_ms(samples["count"]), "ms")
    common.report(
        "SQL queries of search + search_count", common.median_queries(samples["both"])
    )
    common.report(
        f"My Reviews search + search_count ({label})",
        common.median_ms(samples["both"]),
        "ms",
        goal=GOAL_MS,
    )
    if args.explain:
        common.section(f"EXPLAIN ANALYZE of the search query ({label})")
        query = Review._search(domain, limit=80, order=Review._order)
        common.explain(env, query.select())
        common.section(f"EXPLAIN ANALYZE of the count query ({label})")
        query = Review._search(domain)
        common.explain(env, query.select("COUNT(*)"))


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
            common.delete_bench_rows(env)
        common.section(f"P3 My Reviews: data ({args.reviews} reviews)")
        reviewer_id = build(env, args).id
        reviewer = env["res.users"].browse(reviewer_id)
        # 1. Rows just written by this transaction: no visibility map, so
        #    PostgreSQL must visit the heap for every index entry (worst case).
        measure(env, reviewer, args, "fresh rows, before VACUUM")
        if args.no_commit:
            return
        # 2. Steady state, as in production where autovacuum has run: the
        #    rows are committed, vacuumed, measured, then deleted.
        try:
            env.cr.commit()
            start = time.perf_counter()
            common.vacuum_analyze(env, *common.review_tables(env))
            common.report("VACUUM ANALYZE", time.perf_counter() - start, "s")
            env.invalidate_all()
            measure(env, reviewer, args, "after VACUUM")
        finally:
            start = time.perf_counter()
            common.delete_bench_rows(env)
            common.report(
                "benchmark rows deleted (and committed)",
                time.perf_counter() - start,
                "s",
            )


if __name__ == "__main__":
    main()
