# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Shared helpers of the benchmarks: registry, timing, SQL data generation.

Every benchmark runs in ONE transaction that is rolled back at the end, so
nothing it builds (users, stages, orders, millions of reviews) stays in the
database.  Large data is generated with ``INSERT ... SELECT generate_series``,
never record by record through the ORM.
"""

import argparse
import contextlib
import os
import statistics
import sys
import time

import psycopg2

DEFAULT_CONFIG = os.environ.get(
    "ODOO_RC",
    os.path.expanduser("~/.cache/sale_order_governance/odoo.conf"),
)


# ----------------------------------------------------------------------------
# Command line, registry, output
# ----------------------------------------------------------------------------


def parse_args(description, configure=None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database", "-d", required=True, help="database name")
    parser.add_argument(
        "--config",
        "-c",
        default=DEFAULT_CONFIG,
        help="Odoo configuration file (default: $ODOO_RC or %(default)s)",
    )
    if configure:
        configure(parser)
    return parser.parse_args()


_CONFIGURED = []


def configure_odoo(args):
    """Read the Odoo configuration once per process."""
    import odoo

    if not _CONFIGURED:
        odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
        _CONFIGURED.append(args.config)


@contextlib.contextmanager
def odoo_env(args, database=None, governed=True):
    """Yield a superuser environment on a cursor that is ALWAYS rolled back.

    ``database`` defaults to ``args.database``; ``governed=False`` for a
    database without the add-on (vanilla Odoo).
    """
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    database = database or args.database
    configure_odoo(args)
    registry = Registry(database)
    if governed and "sale.order.review" not in registry:
        sys.exit(f"sale_order_governance is not installed in {database}")
    if not governed and "sale.order.review" in registry:
        sys.exit(f"{database} has sale_order_governance: it is not vanilla Odoo")
    cr = registry.cursor()
    try:
        yield api.Environment(cr, SUPERUSER_ID, {"tz": "UTC"})
    except (psycopg2.errors.UndefinedColumn, psycopg2.errors.UndefinedTable):
        print(
            f"\nThe schema of {database} is older than the add-on's code: "
            "update it first (odoo-bin -u sale_order_governance).",
            file=sys.stderr,
        )
        raise
    finally:
        # Benchmarks never commit: everything they created disappears here.
        cr.rollback()
        cr.close()


def report(label, value, unit="", goal=None, lower_is_better=True):
    """Print one figure on one line, with its goal and verdict if any."""
    if isinstance(value, float):
        text = f"{value:.2f}" if abs(value) < 1000 else f"{value:.0f}"
    else:
        text = str(value)
    line = f"{label:<58} {text:>10} {unit}".rstrip()
    if goal is not None:
        ok = value <= goal if lower_is_better else value >= goal
        line += f"   (goal {'<=' if lower_is_better else '>='} {goal} {unit}: "
        line += ("OK" if ok else "MISSED") + ")"
    print(line, flush=True)


def section(title):
    print(f"\n== {title}", flush=True)


# ----------------------------------------------------------------------------
# Timing and query counting
# ----------------------------------------------------------------------------


class Sample:
    """Wall time (ms) and SQL query count of one run."""

    __slots__ = ("ms", "queries")

    def __init__(self, ms, queries):
        self.ms = ms
        self.queries = queries


def run_once(env, func, rollback=True):
    """Run ``func`` once, flushed and precommit hooks run, inside a savepoint.

    The savepoint is rolled back afterwards (and the ORM cache cleared), so
    every repetition starts from the same data.  The measured span includes
    the flush of pending writes and the precommit hooks (mail tracking), as a
    real request would execute them before its COMMIT.
    """
    cr = env.cr
    savepoint = cr.savepoint()
    try:
        start_count = cr.sql_log_count
        start = time.perf_counter()
        func()
        cr.flush()
        elapsed = (time.perf_counter() - start) * 1000.0
        queries = cr.sql_log_count - start_count
    finally:
        savepoint.close(rollback=rollback)
        cr.postcommit.clear()
    return Sample(elapsed, queries)


def median_ms(samples):
    return statistics.median(sample.ms for sample in samples)


def median_queries(samples):
    return int(statistics.median(sample.queries for sample in samples))


def measure_interleaved(env, variants, repeat, warmup=3):
    """Time several variants alternately (A B C A B C ...), after warm-up runs.

    Interleaving spreads the noise of a shared machine evenly over the
    variants, which keeps their ratio meaningful.  Returns {name: [Sample]}.
    """

    def run(variant):
        # A variant is a callable, or (callable, context factory): the context
        # is entered outside the timed span.
        func, around = variant if isinstance(variant, tuple) else (variant, None)
        if around is None:
            return run_once(env, func)
        with around():
            return run_once(env, func)

    for _round in range(warmup):
        for variant in variants.values():
            run(variant)
    samples = {name: [] for name in variants}
    for _round in range(repeat):
        for name, variant in variants.items():
            samples[name].append(run(variant))
    return samples


@contextlib.contextmanager
def count_queries(cr):
    """``with count_queries(cr) as counter: ...`` then ``counter[0]``."""
    counter = [0]
    start = cr.sql_log_count
    try:
        yield counter
    finally:
        counter[0] = cr.sql_log_count - start


def explain(env, sql):
    """EXPLAIN (ANALYZE, BUFFERS) of an ``odoo.tools.SQL`` query, printed."""
    from odoo.tools import SQL

    rows = env.execute_query(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", sql))
    print(env.cr.mogrify(sql.code, sql.params).decode())
    for (line,) in rows:
        print("    " + line)


# ----------------------------------------------------------------------------
# Data: users and stages through the ORM (a handful), volume through SQL
# ----------------------------------------------------------------------------


BENCH_LOGIN_PREFIX = "sog_bench_"
BENCH_LOGIN_LIKE = r"sog\_bench\_%"  # LIKE pattern: "_" is a wildcard
BENCH_CUSTOMER = "SOG Benchmark Customer"
BENCH_ORDER_PREFIX = "BENCH/"


def create_user(env, key, name, groups):
    """One internal user with the given group xml ids (a handful per run).

    Logins start with ``sog_bench_`` so that benchmark users are recognisable.
    """
    from odoo import Command

    login = BENCH_LOGIN_PREFIX + key
    group_ids = [env.ref(xmlid).id for xmlid in ["base.group_user", *groups]]
    return (
        env["res.users"]
        .with_context(no_reset_password=True, mail_create_nolog=True)
        .create(
            {
                "name": name,
                "login": login,
                "email": f"{login}@bench.example.com",
                "groups_id": [Command.set(group_ids)],
                "company_id": env.company.id,
                "company_ids": [Command.set(env.company.ids)],
            }
        )
    )


def create_stocked_products(env, names, quantity=100000.0, **vals):
    """Storable products (one per name, list prices 100, 101, ...) in stock."""
    products = env["product.product"].create(
        [
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "list_price": 100.0 + i,
                **vals,
            }
            for i, name in enumerate(names)
        ]
    )
    stock = (
        env["stock.warehouse"]
        .search([("company_id", "=", env.company.id)], limit=1)
        .lot_stock_id
    )
    for product in products:
        env["stock.quant"]._update_available_quantity(product, stock, quantity)
    return products


def create_customer(env):
    return env["res.partner"].create({"name": BENCH_CUSTOMER})


def department_stages(env):
    """The shipped stages, active, as {department: stage}."""
    stages = (
        env["sale.review.stage"]
        .with_context(active_test=False)
        .search([("applies_to", "=", "order")])
    )
    return {stage.department: stage for stage in stages}


def review_tables(env):
    """The tables the generated data goes to."""
    tables = ["sale_order", "sale_order_review", "sale_order_review_reviewer_rel"]
    field = env["sale.order.review"]._fields.get("pending_reviewer_ids")
    if field is not None and field.store:
        tables.append(field.relation)
    return tables


def analyze(env, *tables):
    from odoo.tools import SQL

    for table in tables:
        env.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))


def generate_orders(env, count, partner, user, state="draft"):
    """``count`` sale orders with the NOT NULL columns, one INSERT ... SELECT.

    Returns the first id; the ids are consecutive (``first + 0 .. count - 1``)
    because the rows are inserted by one statement in one transaction.
    """
    from odoo.tools import SQL

    env.flush_all()
    company = env.company
    # Without the add-on (vanilla database) there is no review state.
    governed = "review_state" in env["sale.order"]._fields
    rows = env.execute_query(
        SQL(
            """
            INSERT INTO sale_order (
                name, company_id, partner_id, partner_invoice_id,
                partner_shipping_id, user_id, currency_id, pricelist_id,
                date_order, picking_policy, state %(review_column)s,
                amount_untaxed, amount_tax, amount_total,
                create_uid, write_uid, create_date, write_date)
            SELECT %(prefix)s || lpad(g::text, 8, '0'), %(company)s, %(partner)s,
                   %(partner)s, %(partner)s, %(user)s, %(currency)s, NULL,
                   now() - make_interval(mins => (%(count)s - g) * 5),
                   'direct', %(state)s %(review_value)s,
                   1000 + mod(g, 9000), 0, 1000 + mod(g, 9000),
                   %(user)s, %(user)s, now(), now()
              FROM generate_series(1, %(count)s) AS g
             ORDER BY g
         RETURNING id
            """,
            prefix=BENCH_ORDER_PREFIX,
            company=company.id,
            partner=partner.id,
            user=user.id,
            currency=company.currency_id.id,
            count=count,
            state=state,
            review_column=SQL(", review_state" if governed else ""),
            review_value=SQL(", 'in_review'" if governed else ""),
        )
    )
    ids = sorted(row[0] for row in rows)
    assert ids[-1] - ids[0] == count - 1, "order ids are not consecutive"
    return ids[0]


def generate_reviews(
    env,
    first_order,
    orders,
    stage_rows,
    state_sql,
    requested_sql,
    deadline_sql,
    evidence_sql="NULL::jsonb",
):
    """One review per stage for ``orders`` consecutive orders, one INSERT.

    ``stage_rows``: list of (stage_id, department, sequence).  The ``*_sql``
    arguments are SQL expressions over ``o`` (0-based order number), ``s``
    (0-based stage number), ``n`` (0-based review number) and ``h`` (a
    deterministic pseudo-random number 0..999 per review).  Returns the
    (first, last) review id; ids are consecutive.
    """
    per_order = len(stage_rows)
    from odoo.tools import SQL

    stage_ids = [row[0] for row in stage_rows]
    departments = [row[1] for row in stage_rows]
    sequences = [row[2] for row in stage_rows]
    uid = env.uid
    rows = env.execute_query(
        SQL(
            """
            WITH src AS (
                SELECT o, s, o * %(per_order)s + s AS n,
                       mod((o * %(per_order)s + s)::bigint * 2654435761, 1000)::int
                           AS h,
                       %(first_order)s + o AS order_id
                  FROM generate_series(0, %(orders)s - 1) AS o,
                       generate_series(0, %(per_order)s - 1) AS s
            )
            INSERT INTO sale_order_review (
                res_model, res_id, order_id, stage_id, department, sequence,
                state, submitted_by_id, requested_at, request_date,
                order_governance_stage, deadline, is_overdue,
                decided_by_id, decided_at, evidence, company_id, user_id,
                create_uid, write_uid, create_date, write_date)
            SELECT 'sale.order', order_id, order_id,
                   (%(stage_ids)s::int[])[s + 1],
                   (%(departments)s::varchar[])[s + 1],
                   (%(sequences)s::int[])[s + 1],
                   st.state, %(uid)s, %(requested)s,
                   ((%(requested)s)::timestamp AT TIME ZONE 'UTC'
                                                AT TIME ZONE %(tz)s)::date,
                   (SELECT o.governance_stage FROM sale_order o
                     WHERE o.id = src.order_id),
                   %(deadline)s, FALSE,
                   CASE WHEN st.state IN ('approved', 'rejected')
                        THEN %(uid)s END,
                   CASE WHEN st.state IN ('approved', 'rejected')
                        THEN %(requested)s + interval '3 hours' END,
                   CASE WHEN st.state IN ('approved', 'rejected')
                        THEN %(evidence)s END,
                   %(company)s, %(uid)s, %(uid)s, %(uid)s, now(), now()
              FROM src, LATERAL (SELECT %(state)s AS state) AS st
             ORDER BY n
         RETURNING id
            """,
            per_order=per_order,
            first_order=first_order,
            orders=orders,
            stage_ids=stage_ids,
            departments=departments,
            sequences=sequences,
            uid=uid,
            state=SQL(state_sql),
            requested=SQL(requested_sql),
            deadline=SQL(deadline_sql),
            evidence=SQL(evidence_sql),
            tz=env.company.resource_calendar_id.tz or "UTC",
            company=env.company.id,
        )
    )
    ids = sorted(row[0] for row in rows)
    return ids[0], ids[-1]


def generate_reviewer_rel(env, first_review, last_review, users_by_department):
    """Reviewer snapshot rows: every user of the review's department.

    Also fills the rows the ORM keeps for pending reviews only
    (``pending_reviewer_ids``), as it would have for these states.
    """
    from odoo.tools import SQL

    departments = list(users_by_department)
    # one row per (department, user)
    pairs_dep = []
    pairs_user = []
    for department in departments:
        for user_id in users_by_department[department]:
            pairs_dep.append(department)
            pairs_user.append(user_id)
    env.cr.execute(
        SQL(
            """
            INSERT INTO sale_order_review_reviewer_rel (review_id, user_id)
            SELECT r.id, p.user_id
              FROM sale_order_review r
              JOIN unnest(%(deps)s::varchar[], %(users)s::int[])
                   AS p(department, user_id) ON p.department = r.department
             WHERE r.id BETWEEN %(first)s AND %(last)s
            """,
            deps=pairs_dep,
            users=pairs_user,
            first=first_review,
            last=last_review,
        )
    )
    count = env.cr.rowcount
    field = env["sale.order.review"]._fields.get("pending_reviewer_ids")
    if field is not None and field.store:
        env.cr.execute(
            SQL(
                """
                INSERT INTO %(pending)s (review_id, user_id)
                SELECT rel.review_id, rel.user_id
                  FROM sale_order_review_reviewer_rel rel
                  JOIN sale_order_review r ON r.id = rel.review_id
                 WHERE r.state = 'pending'
                   AND r.id BETWEEN %(first)s AND %(last)s
                """,
                pending=SQL.identifier(field.relation),
                first=first_review,
                last=last_review,
            )
        )
    return count


@contextlib.contextmanager
def fast_bulk_load(env):
    """Skip foreign-key triggers while bulk-inserting generated rows.

    The generated rows reference existing orders, stages and users by
    construction; ``session_replication_role = replica`` (superuser only)
    spares the per-row FK checks, local to this transaction.
    """
    env.cr.execute("SET LOCAL session_replication_role = replica")
    yield
    env.cr.execute("SET LOCAL session_replication_role = DEFAULT")


def timed(label, func):
    start = time.perf_counter()
    result = func()
    report(label, time.perf_counter() - start, "s")
    return result


# ----------------------------------------------------------------------------
# Committed benchmark rows (only for the "after VACUUM" measurement of P3)
# ----------------------------------------------------------------------------


def vacuum_analyze(env, *tables):
    """VACUUM ANALYZE outside any transaction (call right after a commit)."""
    from odoo.tools import SQL

    connection = env.cr._cnx
    connection.autocommit = True
    try:
        for table in tables:
            env.cr.execute(SQL("VACUUM ANALYZE %s", SQL.identifier(table)))
    finally:
        connection.autocommit = False


def bench_rows_exist(env):
    from odoo.tools import SQL

    return env.execute_query(
        SQL(
            """SELECT EXISTS(SELECT 1 FROM res_users WHERE login LIKE %(login)s)
                   OR EXISTS(SELECT 1 FROM res_partner WHERE name = %(customer)s)""",
            login=BENCH_LOGIN_LIKE,
            customer=BENCH_CUSTOMER,
        )
    )[0][0]


def delete_bench_rows(env):
    """Delete, and commit the deletion of, every row a benchmark committed.

    Benchmark rows are recognised by name: orders ``BENCH/...`` of the
    customer ``SOG Benchmark Customer`` (their reviews and reviewer rows go
    with them) and users whose login starts with ``sog_bench_``.
    """
    from odoo.tools import SQL

    env.cr.rollback()
    env.invalidate_all()
    customers = (
        env["res.partner"]
        .with_context(active_test=False)
        .search([("name", "=", BENCH_CUSTOMER)])
    )
    orders = SQL(
        "SELECT id FROM sale_order WHERE name LIKE %s AND partner_id IN %s",
        BENCH_ORDER_PREFIX + "%",
        tuple(customers.ids) or (0,),
    )
    # The generated rows have no other dependants (no lines, messages or
    # activities): skip the per-row foreign-key triggers, as when loading.
    with fast_bulk_load(env):
        for table in review_tables(env)[2:]:  # the reviewer tables
            env.cr.execute(
                SQL(
                    """DELETE FROM %s
                        WHERE review_id IN (SELECT id FROM sale_order_review
                                             WHERE order_id IN (%s))""",
                    SQL.identifier(table),
                    orders,
                )
            )
        env.cr.execute(
            SQL("DELETE FROM sale_order_review WHERE order_id IN (%s)", orders)
        )
        env.cr.execute(SQL("DELETE FROM sale_order WHERE id IN (%s)", orders))
    users = (
        env["res.users"]
        .with_context(active_test=False)
        .search([("login", "=like", BENCH_LOGIN_LIKE)])
    )
    partners = users.partner_id | customers
    users.unlink()
    partners.unlink()
    env.cr.commit()
    vacuum_analyze(env, *review_tables(env))
