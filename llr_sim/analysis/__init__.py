"""Analysis above the simulation: sensitivity, scenario variants, sweeps and the explorer.

One-at-a-time sensitivity (:mod:`.sensitivity`), scenario variants made in memory
(:mod:`.variants`), Monte Carlo sweeps on Dask (:mod:`.sweep`) and the notebook explorer
(:mod:`.explore`). They call the public API only — :func:`llr_sim.simulation.simulate`,
:class:`llr_sim.simulation.Replay`, :func:`llr_sim.simulation.load_results`, scenarios through
:mod:`llr_sim.inputs` — and never the model's internals. They may use the reporting helpers
(charts, labels, tables); reporting never imports analysis.
"""
