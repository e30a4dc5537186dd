"""The dynamic model: a ``mesa.Model`` whose step is one year (see ``model.py``)."""
