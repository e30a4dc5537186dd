"""Synthetic Flemish workforce: targets, synthesis, raking, employers, calibration report."""
