"""Reporting: charts and tables for the concept note, notebooks, and the report batch.

Charts (:mod:`~llr_sim.reporting.charts`) follow one house style (:mod:`.style`) with Dutch
labels by default (:mod:`.labels`); tables (:mod:`.tables`) are written as CSV and one XLSX
workbook per report; the batch (:mod:`.batch`) runs the notebooks with papermill.
"""
