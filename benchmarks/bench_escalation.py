# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""P4: the escalation cron over 100k open reviews (goal <= 10 s).

For each size N (10k and 100k by default) builds, with SQL, N pending
reviews: a parallel step (Finance + Warehouse) of N/2 orders, each review with
its reviewer snapshot; 1 % of them are past their deadline.  Then runs
``env["sale.order.review"]._cron_escalate_overdue()`` until it returns
nothing (the real cron re-triggers itself after each full batch) and reports
the total time, and the SQL queries of the selection step (the claiming
UPDATE) apart from those of the notifications, per call: the selection must
cost the same number of queries whatever N is.  Each size runs in a savepoint
rolled back afterwards; the whole run is rolled back at the end.

    python benchmarks/bench_escalation.py --database sog_bench [--explain]
"""

import contextlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common

from odoo import Command
from odoo.tools import SQL

GOAL_S = 10.0
DEPARTMENTS = ("finance", "warehouse")


def configure(parser):
    parser.add_argument(
        "--sizes",
        default="10000,100000",
        help="numbers of open reviews, comma separated (default %(default)s)",
    )
    parser.add_argument("--overdue-percent", type=float, default=1.0)
    parser.add_argument("--reviewers-per-department", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE")


def setup(env, args):
    """Users and stage configuration (a handful of ORM records)."""
    stages = common.department_stages(env)
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
    # Escalation goes to two managers: one reads e-mail, one the Odoo inbox.
    managers = common.create_user(
        env,
        "escalation_mail",
        "Bench Escalation (e-mail)",
        ["sale_order_governance.group_governance_manager"],
    ) | common.create_user(
        env,
        "escalation_inbox",
        "Bench Escalation (inbox)",
        ["sale_order_governance.group_governance_manager"],
    )
    managers[0].notification_type = "email"
    managers[1].notification_type = "inbox"
    for dep in DEPARTMENTS:
        stages[dep].write(
            {"active": True, "escalation_user_ids": [Command.set(managers.ids)]}
        )
    salesperson = common.create_user(
        env, "salesperson", "Bench Salesperson", ["sales_team.group_sale_salesman"]
    )
    customer = common.create_customer(env)
    stage_rows = [(stages[dep].id, dep, stages[dep].sequence) for dep in DEPARTMENTS]
    return stage_rows, reviewers, salesperson, customer


def build(env, size, overdue_percent, stage_rows, reviewers, salesperson, customer):
    orders = size // len(stage_rows)
    overdue_orders = int(orders * overdue_percent / 100.0)
    with common.fast_bulk_load(env):
        first_order = common.generate_orders(env, orders, customer, salesperson)
        first, last = common.generate_reviews(
            env,
            first_order,
            orders,
            stage_rows,
            state_sql="'pending'",
            requested_sql=f"""CASE WHEN o < {overdue_orders}
                                   THEN now() - interval '3 days'
                                   ELSE now() - make_interval(mins => mod(o, 600))
                              END""",
            deadline_sql=f"""CASE WHEN o < {overdue_orders}
                                  THEN now() - make_interval(mins => 60 + mod(o, 600))
                                  ELSE now() + interval '1 day'
                                       - make_interval(mins => mod(o, 600))
                             END""",
        )
        common.generate_reviewer_rel(env, first, last, reviewers)
    common.analyze(env, *common.review_tables(env))
    env.invalidate_all()
    return overdue_orders * len(stage_rows)


@contextlib.contextmanager
def instrument_notifications(env, marks):
    """Record the query counter and time around ``_notify_escalation``.

    Not a mock: the real method runs, wrapped on the registry class, so the
    queries of one cron call split into selection (before), notifications
    (inside) and re-trigger (after).
    """
    cls = type(env["sale.order.review"])
    original = cls._notify_escalation
    had_own = "_notify_escalation" in vars(cls)

    def wrapped(self):
        marks["enter"] = (self.env.cr.sql_log_count, time.perf_counter())
        try:
            return original(self)
        finally:
            marks["exit"] = (self.env.cr.sql_log_count, time.perf_counter())

    cls._notify_escalation = wrapped
    try:
        yield
    finally:
        if had_own:
            cls._notify_escalation = original
        else:
            del cls._notify_escalation


def drain(env):
    """Run the cron until it has nothing left, as its re-triggers would.

    Returns the total time, the time spent in notifications and, per call,
    (escalated reviews, queries of the selection = the claiming UPDATE,
    queries of the notifications, queries after them = cron re-trigger).
    """
    Review = env["sale.order.review"]
    marks = {}
    calls = []
    notify_s = 0.0
    with instrument_notifications(env, marks):
        start = time.perf_counter()
        while True:
            before = env.cr.sql_log_count
            escalated = Review._cron_escalate_overdue()
            after = env.cr.sql_log_count
            (enter_q, enter_t), (exit_q, exit_t) = marks["enter"], marks["exit"]
            notify_s += exit_t - enter_t
            calls.append(
                (len(escalated), enter_q - before, exit_q - enter_q, after - exit_q)
            )
            if not escalated:
                break
        env.flush_all()
        env.cr.precommit.run()  # mail tracking / notification hooks
        total_s = time.perf_counter() - start
    return total_s, notify_s, calls


def main():
    args = common.parse_args(__doc__.splitlines()[0], configure)
    sizes = [int(size) for size in args.sizes.split(",")]
    with common.odoo_env(args) as env:
        stage_rows, reviewers, salesperson, customer = setup(env, args)
        results = {}
        for size in sizes:
            common.section(
                f"P4 escalation cron: {size} pending reviews, "
                f"{args.overdue_percent}% overdue"
            )
            with contextlib.closing(env.cr.savepoint()):
                start = time.perf_counter()
                overdue = build(
                    env,
                    size,
                    args.overdue_percent,
                    stage_rows,
                    reviewers,
                    salesperson,
                    customer,
                )
                common.report("data generation (SQL)", time.perf_counter() - start, "s")
                if args.explain:
                    common.section("EXPLAIN ANALYZE of the selection (claim) query")
                    now = env.cr.now()
                    common.explain(
                        env,
                        SQL(
                            """SELECT id FROM sale_order_review
                                WHERE state = 'pending' AND escalated_at IS NULL
                                  AND deadline < %s
                                ORDER BY deadline LIMIT 500 FOR UPDATE SKIP LOCKED""",
                            now,
                        ),
                    )
                messages_before = env["mail.message"].search_count([])
                total_s, notify_s, calls = drain(env)
                escalated = env["sale.order.review"].search_count(
                    [("escalated_at", "!=", False), ("is_overdue", "=", True)]
                )
                messages = env["mail.message"].search_count([]) - messages_before
                if escalated != overdue:
                    sys.exit(f"escalated {escalated} reviews, expected {overdue}")
                selection_queries = [call[1] for call in calls]
                common.report("overdue reviews escalated", escalated)
                common.report("messages posted (notes on orders + digests)", messages)
                common.report("cron calls until drained (batch 500)", len(calls))
                common.report(
                    "SQL queries of the selection step (claim), per call",
                    " ".join(map(str, selection_queries)),
                )
                common.report(
                    "SQL queries re-triggering the cron, per call",
                    " ".join(str(call[3]) for call in calls),
                )
                common.report(
                    "SQL queries of the notifications, per call",
                    " ".join(str(call[2]) for call in calls),
                )
                common.report(
                    "  per escalated review",
                    sum(call[2] for call in calls) / max(escalated, 1),
                )
                common.report("time in notifications", notify_s, "s")
                common.report(
                    "time in selection and re-trigger", total_s - notify_s, "s"
                )
                common.report(
                    f"escalation cron over {size} open reviews, total",
                    total_s,
                    "s",
                    goal=GOAL_S,
                )
                results[size] = sorted(set(selection_queries))
        if len(results) > 1:
            common.section("Selection queries versus N")
            for size, queries in results.items():
                common.report(
                    f"N = {size}: selection queries per cron call",
                    " ".join(map(str, queries)),
                )
            constant = all(queries == [1] for queries in results.values())
            common.report(
                "selection = 1 query per call, whatever N",
                "yes" if constant else "NO",
            )


if __name__ == "__main__":
    main()
