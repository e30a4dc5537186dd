"""Behaviour: the behavioural parameters, awareness, the training decision, take-up, calibration.

Import the submodules you need; nothing is loaded at import time.
"""
