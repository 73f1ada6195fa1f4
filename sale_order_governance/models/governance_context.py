# Copyright 2026 sale_order_governance contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Trusted sections: the add-on's own writes, told apart from a client's.

A client controls the values and the context of its calls, so neither a
field value nor a context key proves anything. The add-on's own code (the
review engine, an approved change or cancel request being applied) and the
Odoo flows that add lines to a confirmed order run inside :func:`trusted`
instead: while the block runs, its purpose is registered on the transaction's
cursor. Only server code of this transaction runs inside the block, so a
client can neither enter it nor forge it, and Odoo code called inside it that
replaces the context (as some flows do) stays trusted.

:func:`memo` keeps, the same way, what one block of server code computes
once (a confirmation's fingerprints, a decision's substitutes).
"""

from collections import Counter
from contextlib import contextmanager

_CURSOR_KEY = "sale_order_governance.trusted"

# Purposes.
ENGINE = "engine"  # the review engine's, credit decision's and tracking's bookkeeping
APPLY = "apply"  # an approved change or cancel request applied to its order
DOWN_PAYMENT = "down_payment"  # Odoo's down payment invoices
EXPENSE = "expense"  # expenses re-invoiced from accounting
DELIVERED = "delivered"  # products delivered beyond the order (sale_stock)
DELIVERY = "delivery"  # delivery costs (delivery, stock_delivery)
CONFIRMING = "confirming"  # the values written with a confirmation, before its state
FLAGS_FRESH = "flags_fresh"  # a confirmation whose abnormal flags were just checked


def purposes(env):
    """The purposes the current transaction is inside a trusted block for."""
    active = env.cr.cache.get(_CURSOR_KEY)
    return frozenset(purpose for purpose, count in (active or {}).items() if count)


def allowed(env, purpose):
    return purpose in purposes(env)


@contextmanager
def trusted(env, purpose):
    """Run the block trusted for ``purpose``; yields ``env`` unchanged."""
    active = env.cr.cache.setdefault(_CURSOR_KEY, Counter())
    active[purpose] += 1
    try:
        yield env
    finally:
        active[purpose] -= 1


@contextmanager
def memo(env, key):
    """A dict kept on the transaction's cursor under ``key`` while the
    outermost block for ``key`` runs; nested blocks share it. Yields it."""
    cache = env.cr.cache
    if key in cache:
        yield cache[key]
        return
    cache[key] = {}
    try:
        yield cache[key]
    finally:
        cache.pop(key, None)
