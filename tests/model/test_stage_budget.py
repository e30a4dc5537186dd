"""The budget accounts stage (``llr_sim.model.budget``), on hand-built persons.

Every expectation is worked out by hand in the comments. A row of ``vintages`` is one person's
balance by year of credit, oldest first: ``[a, b, c]`` with ``reshape(True, 3)`` holds the
credits of the years t-2, t-1 and t (after this year's credit).
"""

import numpy as np

from llr_sim.model.budget import BudgetAccounts

NONE4 = np.zeros(4, dtype=bool)


def _accounts(rows: list[list[float]]) -> BudgetAccounts:
    """Accounts with the given vintages (oldest column first)."""
    a = BudgetAccounts(len(rows))
    a.vintages = np.array(rows, dtype=np.float64)
    return a


def test_credit_fills_up_to_the_cap_and_skips_the_ineligible():
    a = BudgetAccounts(4)
    start = a.credit(np.ones(4, bool), np.array([900.0, 300.0, 0.0, 500.0]), np.full(4, 1e9))
    np.testing.assert_array_equal(start, [900, 300, 0, 500])
    eligible = np.array([True, True, False, True])
    cap = np.array([1000.0, 1000.0, 1000.0, 400.0])
    credit = a.credit(eligible, np.full(4, 200.0), cap)
    # Room left under the cap: 1000-900 = 100, 1000-300 = 700, (ineligible), 400-500 < 0 -> 0.
    # Credit: min(200, 100) = 100; min(200, 700) = 200; 0 (ineligible); 0 (above the cap).
    np.testing.assert_array_equal(credit, [100, 200, 0, 0])
    # A balance above a lowered cap is not taken back: person 3 keeps 500.
    np.testing.assert_array_equal(a.balance, [1000, 500, 0, 500])


def test_credit_goes_to_the_newest_vintage():
    a = _accounts([[100.0, 200.0, 0.0]])
    credit = a.credit(np.array([True]), np.array([300.0]), np.array([550.0]))
    # Room 550 - 300 = 250: only 250 of the 300 is credited, into the newest column.
    np.testing.assert_array_equal(credit, [250])
    np.testing.assert_array_equal(a.vintages, [[100, 200, 250]])


def test_credit_expires_after_the_years_of_validity():
    # Validity 3 years: a credit of year y can be spent in y, y+1 and y+2 and expires as year
    # y+3 begins. Person 0 is credited 100, 200, 300, 400, 500, 600 and spends nothing; person 1
    # is credited 1000 in year 1 only; person 2 is credited 100 a year and spends 150 in year 2.
    a = BudgetAccounts(3)
    credits = {
        0: [100.0, 200.0, 300.0, 400.0, 500.0, 600.0],
        1: [1000.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        2: [100.0] * 6,
    }
    spend = {2: np.array([0.0, 0.0, 150.0])}  # year 2 (index 1)
    expired, vintages = [], []
    for year in range(6):
        a.reshape(True, 3)
        start = a.start_year(np.zeros(3, bool), np.zeros(3, bool), portable=True, expires=True)
        expired.append(start.expired)
        annual = np.array([credits[i][year] for i in range(3)])
        a.credit(annual > 0, annual, np.full(3, 1e9))
        if year + 1 in spend:
            a.spend(spend[year + 1])
        vintages.append(a.vintages.copy())
    # Year 2: person 2 holds [0, 100, 100] and spends 150 oldest first -> [0, 0, 50].
    np.testing.assert_array_equal(vintages[1], [[0, 100, 200], [0, 1000, 0], [0, 0, 50]])
    np.testing.assert_array_equal(vintages[2], [[100, 200, 300], [1000, 0, 0], [0, 50, 100]])
    # Nothing expires in years 1-3. Year 4: the year-1 credits (100; 1000; person 2's was
    # spent: 0). Year 5: the year-2 credits (200; 0; the 50 left of person 2's). Year 6: the
    # year-3 credits (300; 0; 100).
    np.testing.assert_array_equal(
        np.array(expired),
        [[0, 0, 0], [0, 0, 0], [0, 0, 0], [100, 1000, 0], [200, 0, 50], [300, 0, 100]],
    )
    # After year 6: the credits of years 4, 5 and 6.
    np.testing.assert_array_equal(vintages[5], [[400, 500, 600], [0, 0, 0], [100, 100, 100]])


def test_no_expiry_when_credit_does_not_expire():
    a = _accounts([[700.0], [0.0]])
    a.reshape(False, 3)
    start = a.start_year(np.zeros(2, bool), np.zeros(2, bool), portable=True, expires=False)
    np.testing.assert_array_equal(start.expired, [0, 0])
    np.testing.assert_array_equal(a.balance, [700, 0])


def test_a_change_forfeits_the_balance_unless_it_is_portable():
    changed = np.array([True, False, True, False])
    rows = [[500.0], [500.0], [0.0], [300.0]]
    # Not portable: person 0 changed and loses 500, counted as expired; person 2 changed with
    # nothing to lose; no portability event.
    a = _accounts(rows)
    start = a.start_year(NONE4, changed, portable=False, expires=False)
    np.testing.assert_array_equal(start.balance_start, [500, 500, 0, 300])
    np.testing.assert_array_equal(start.expired, [500, 0, 0, 0])
    np.testing.assert_array_equal(a.balance, [0, 500, 0, 300])
    assert not start.portability.any()
    # Portable: everyone keeps the balance; an event for person 0 only (person 2's balance is 0).
    a = _accounts(rows)
    start = a.start_year(NONE4, changed, portable=True, expires=False)
    np.testing.assert_array_equal(start.expired, [0, 0, 0, 0])
    np.testing.assert_array_equal(a.balance, [500, 500, 0, 300])
    np.testing.assert_array_equal(start.portability, [True, False, False, False])


def test_a_forfeit_and_the_expiry_are_not_counted_twice():
    # Person 0 changed (not portable) holding [100, 200, 300]: all 600 forfeited, once, although
    # its oldest 100 would also have expired. Person 1 did not change: its oldest 100 expires.
    a = _accounts([[100.0, 200.0, 300.0], [100.0, 200.0, 300.0]])
    start = a.start_year(np.zeros(2, bool), np.array([True, False]), portable=False, expires=True)
    np.testing.assert_array_equal(start.expired, [600, 100])
    np.testing.assert_array_equal(a.vintages, [[0, 0, 0], [200, 300, 0]])


def test_portability_is_counted_on_the_balance_before_expiry():
    # The current rule: the event is counted on the balance left after the entrants' rows are
    # emptied but before this year's expiry. A changer whose whole balance is in the expiring
    # vintage counts an event and carries 0 across the change (see the report of issue 10).
    a = _accounts([[400.0, 0.0, 0.0], [400.0, 100.0, 0.0]])
    start = a.start_year(np.zeros(2, bool), np.array([True, True]), portable=True, expires=True)
    np.testing.assert_array_equal(start.expired, [400, 400])
    np.testing.assert_array_equal(a.balance, [0, 100])
    np.testing.assert_array_equal(start.portability, [True, True])


def test_an_entrant_row_is_emptied_and_its_balance_counted_as_expired():
    # Row 0 is taken by a new 18-year-old: the leaver's 700 goes with them, counted as expired
    # (not 700 + the expiring 200); no portability event even though the row "changed".
    # Row 1 (no event) loses only its oldest vintage, 200.
    a = _accounts([[200.0, 200.0, 300.0], [200.0, 200.0, 300.0]])
    start = a.start_year(
        np.array([True, False]), np.array([True, False]), portable=True, expires=True
    )
    np.testing.assert_array_equal(start.balance_start, [700, 700])
    np.testing.assert_array_equal(start.expired, [700, 200])
    np.testing.assert_array_equal(start.portability, [False, False])
    np.testing.assert_array_equal(a.vintages, [[0, 0, 0], [200, 300, 0]])


def test_nothing_happens_to_empty_accounts():
    a = BudgetAccounts(3)
    start = a.start_year(np.ones(3, bool), np.ones(3, bool), portable=False, expires=True)
    assert not start.expired.any() and not start.portability.any()
    assert not start.balance_start.any()


def test_spending_takes_the_oldest_credit_first():
    a = _accounts(
        [[100.0, 200.0, 300.0], [100.0, 200.0, 300.0], [100.0, 200.0, 300.0], [0.0, 0.0, 50.0]]
    )
    a.spend(np.array([250.0, 0.0, 600.0, 80.0]))
    # 250 = 100 (oldest) + 150 of the 200; 0 touches nothing; 600 = everything; 80 > 50: the
    # account gives the 50 it has and never goes negative (the caller, ``outcome.pay``, limits
    # the spending to the balance, so what is spent is what is taken).
    np.testing.assert_array_equal(a.vintages, [[0, 50, 300], [100, 200, 300], [0, 0, 0], [0, 0, 0]])


def test_reshape_merges_the_oldest_columns_when_validity_shrinks():
    a = _accounts([[100.0, 200.0, 300.0, 400.0], [0.0, 0.0, 0.0, 50.0]])
    a.reshape(True, 4)  # the same width: unchanged
    np.testing.assert_array_equal(a.vintages, [[100, 200, 300, 400], [0, 0, 0, 50]])
    a.reshape(True, 2)
    # Two columns: the newest (400) stays; the three oldest merge into the oldest: 600.
    np.testing.assert_array_equal(a.vintages, [[600, 400], [0, 50]])
    np.testing.assert_array_equal(a.balance, [1000, 50])
    # With 2 years of validity the merged 600 (credits of t-3 .. t-1 under the old rule:
    # all of them t-2 or older now) expires as the year begins, the 400 of last year does not.
    start = a.start_year(np.zeros(2, bool), np.zeros(2, bool), portable=True, expires=True)
    np.testing.assert_array_equal(start.expired, [600, 0])
    np.testing.assert_array_equal(a.vintages, [[400, 0], [50, 0]])


def test_reshape_to_no_expiry_keeps_one_column_and_a_longer_validity_pads_old_columns():
    a = _accounts([[100.0, 200.0, 300.0]])
    a.reshape(False, 3)  # credit no longer expires: one column, the total
    np.testing.assert_array_equal(a.vintages, [[600]])
    a.reshape(True, 3)  # expiry again: the balance counts as the newest credit
    np.testing.assert_array_equal(a.vintages, [[0, 0, 600]])
    a.reshape(True, 0)  # a validity below a year counts as one year
    np.testing.assert_array_equal(a.vintages, [[600]])


def test_money_is_conserved_person_by_person():
    # Five years of four persons with every event; each year, per person:
    # balance_end - balance_start = credit - spent - expired.
    cap = np.array([1000.0, 800.0, 1000.0, 3000.0])
    years = [
        # (validity, portable, entered, changed, eligible, annual, wanted spending)
        (3, True, NONE4, NONE4, [1, 1, 1, 1], [500, 500, 300, 200], [0, 0, 0, 0]),
        (3, True, NONE4, [1, 0, 0, 0], [1, 1, 0, 1], [500, 500, 300, 200], [200, 0, 100, 0]),
        (2, False, [0, 0, 1, 0], [0, 1, 0, 0], [1, 1, 1, 1], [500, 500, 300, 200], [0, 0, 0, 50]),
        (2, True, NONE4, NONE4, [1, 0, 1, 1], [500, 500, 300, 200], [900, 0, 0, 0]),
        (4, True, NONE4, NONE4, [1, 1, 1, 1], [500, 500, 300, 200], [0, 0, 5000, 0]),
    ]
    a = BudgetAccounts(4)
    for validity, portable, entered, changed, eligible, annual, wanted in years:
        a.reshape(True, validity)
        start = a.start_year(
            np.asarray(entered, bool), np.asarray(changed, bool), portable, expires=True
        )
        credit = a.credit(np.asarray(eligible, bool), np.asarray(annual, float), cap)
        spent = np.minimum(np.asarray(wanted, float), a.balance)  # as ``outcome.pay`` does
        a.spend(spent)
        np.testing.assert_allclose(
            a.balance - start.balance_start, credit - spent - start.expired, atol=1e-9
        )
        assert (a.vintages >= 0).all()
