"""The yearly model: a ``mesa.Model`` whose step is one year of one world and its policy layers.

Each step: the world of the year, once, with no incentive in it (``world.World``: ageing and
labour moves, the year's draws, course plans); the rules of the first two layers start in the
background (they read only what the moves set); the rest of the world (the wish to train, the
employers' own training, the wish for guidance); next year's first draws start; then each policy
layer (``layer.PolicyLayer``: one per scenario, plus the counterfactual, which is the layer with
no incentive and steps beside the scenarios), each layer's series collected as it is done, the
rules of the layer two places on started as a layer begins.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from llr_sim.model.agents import EmployerAgent, ProviderAgent
from llr_sim.model.engine import Engine
from llr_sim.model.layer import PolicyLayer
from llr_sim.model.outcome import YearOutcome
from llr_sim.model.streams import Streams
from llr_sim.model.world import World
from llr_sim.population.population import Population


@dataclass(frozen=True)
class Schedule:
    """A scenario's rules and behaviour over the years.

    Attributes:
        name: The scenario's name.
        parameters_for: Function year -> the ParameterSet in force.
        behaviour_for: Function year -> the Behaviour in force.
    """

    name: str
    parameters_for: object
    behaviour_for: object


class LLRModel(mesa.Model):
    """One world, one policy layer per scenario and (by default) the counterfactual.

    Persons are columns (the world's arrays); employers and providers are Mesa agents.

    Args:
        population: The synthetic population of the base year.
        schedules: The scenarios' schedules; the world follows the first one's behaviour
            (the values that do not describe a response to an incentive must be the same in
            all, see ``llr_sim.simulation``).
        streams: The common random streams (seed, replicate).
        first_year: The first simulated year (the base year of the population).
        engine: The run's threads (None: none, everything in this thread).
        counterfactual: Also run the layer with no incentive.
    """

    def __init__(
        self,
        population: Population,
        schedules: list[Schedule],
        streams: Streams,
        first_year: int,
        *,
        engine: Engine | None = None,
        counterfactual: bool = True,
    ):
        super().__init__(rng=streams.rng(first_year, "mesa"))
        self.engine = engine if engine is not None else Engine(background=False)
        self.year = first_year - 1
        lead = schedules[0]
        self.world = World(population, lead.behaviour_for, streams, first_year, self.engine)
        employers, rights = self.world.employers, self.world.initial_rights
        self.layers = [
            PolicyLayer(s.name, s.parameters_for, s.behaviour_for, employers, rights)
            for s in schedules
        ]
        self.counterfactual = None
        if counterfactual:
            self.counterfactual = PolicyLayer(
                "counterfactual",
                lead.parameters_for,
                lead.behaviour_for,
                employers,
                rights,
                incentives=False,
            )
        ProviderAgent.create_agents(self, 3, segment=np.arange(3))
        # The employers' Mesa agents (one per row of the world's arrays) are made when first
        # asked for: the yearly step reads the arrays only, and 130,000 agents at full scale
        # take over a second to make.
        self._employer_agents_due = True
        #: The world of the latest year.
        self.world_year = None
        #: The first scenario's series (each layer keeps its own: ``layer.datacollector``).
        self.datacollector = self.layers[0].datacollector

    @property
    def all_layers(self) -> list[PolicyLayer]:
        """The counterfactual (first) and the scenarios' layers."""
        return [*([self.counterfactual] if self.counterfactual else []), *self.layers]

    def step(self) -> None:
        """One year: the world, the rules, the rest of the world, then each layer and its series."""
        self.year += 1
        self.world_year = None  # last year's world goes before this year's is made
        world = self.world.move(self.year)  # ageing, labour moves, the draws, course plans
        stepping = self._stepping()  # twins follow their lead
        # The first two layers' rules, in the background; they read only what the moves set.
        self._ask_rules(world, stepping, 0)
        self._ask_rules(world, stepping, 1)
        self.world.complete(world)  # the wish to train, the employers' training, guidance
        self.world.draw_ahead()  # next year's first draws, while the layers step
        self._step_layers(world, stepping)
        self.world_year = world

    def _ask_rules(self, world, stepping: list[PolicyLayer], i: int) -> None:
        """Start the rules of the ``i``-th layer with incentives among ``stepping``, if any."""
        with_rules = [layer for layer in stepping if layer.incentives]
        if i < len(with_rules):
            with_rules[i].ask_rules(world, self.engine)

    def _step_layers(self, world, stepping: list[PolicyLayer]) -> None:
        """Each layer steps; the counterfactual beside the scenarios, in a lane of its own.

        It reads the world and writes only its own state; its outcome is handed on before the
        first scenario's. While a layer steps, the rules of the layer two places on run in the
        background.
        """
        beside = None
        if self.counterfactual is not None:
            beside = self.engine.beside(self.counterfactual.step, world, self.engine)
        scenarios = [layer for layer in stepping if layer is not self.counterfactual]
        for i, layer in enumerate(scenarios):
            self._ask_rules(world, scenarios, i + 2)
            layer.step(world, self.engine)
            if beside is not None:
                beside.result()
                self._layer_done(self.counterfactual)
                beside = None
            self._layer_done(layer)
        if beside is not None:
            beside.result()
            self._layer_done(self.counterfactual)

    def _layer_done(self, layer: PolicyLayer) -> None:
        """The layer has stepped: its twins follow it, the series are collected, the hook runs."""
        members = (layer, *self._twins(layer))
        for member in members:
            member.follow(layer)
        for member in members:
            if member is not self.counterfactual:
                member.datacollector.collect(self)
            self.on_layer_done(member)

    def _stepping(self) -> list[PolicyLayer]:
        """The layers that step this year, counterfactual first; the others are twins.

        Scenarios with the same rules and behaviour so far (before their reforms start, say)
        have the same history: one of them steps and the others follow it (the same outcome,
        bit for bit). A twin whose rules or behaviour differ from this year on takes a copy of
        its lead's state before the lead steps, and goes its own way from then on.
        """
        year = self.year
        for i, layer in enumerate(self.layers):
            if year == self.world.first_year:  # the same (empty) state: twins if the same law
                key = layer.law_key(year)
                leads = (o for o in self.layers[:i] if o.lead is None and o.law_key(year) == key)
                layer.lead = next(leads, None)
            elif layer.lead is not None and layer.lead.law_key(year) != layer.law_key(year):
                layer.adopt(layer.lead)
        return [layer for layer in self.all_layers if layer.lead is None]

    def _twins(self, lead: PolicyLayer) -> list[PolicyLayer]:
        return [layer for layer in self.layers if layer.lead is lead]

    def on_layer_done(self, layer: PolicyLayer) -> None:
        """Called when a layer has stepped through the year (its outcome is ready).

        The counterfactual steps first, so a scenario's outcome can be compared with it at once.
        Replace it (``model.on_layer_done = ...``) to use each outcome as it is made.
        """

    # -- the first scenario, for Mesa's agents and for inspection --------------------------------
    @property
    def outcome(self) -> YearOutcome | None:
        """The first scenario's outcome of the year."""
        return self.layers[0].outcome

    @property
    def persons(self):
        """The world's persons."""
        return self.world.persons

    @property
    def employers(self):
        """The world's employers."""
        return self.world.employers

    @property
    def records(self):
        """The first scenario's employer records of the year."""
        return self.layers[0].records

    @property
    def providers(self):
        """The first scenario's providers."""
        return self.layers[0].providers

    def _make_employer_agents(self) -> None:
        if self._employer_agents_due:
            self._employer_agents_due = False
            for row in range(self.world.employers.m):
                EmployerAgent(self, row)

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """All agents: the employers (made now if not yet) and the providers."""
        self._make_employer_agents()
        return super().agents

    @property
    def agents_by_type(self) -> dict[type[mesa.Agent], mesa.agent.AgentSet]:
        """The agents per class (the employers made now if not yet)."""
        self._make_employer_agents()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """The agent classes (the employers made now if not yet)."""
        self._make_employer_agents()
        return super().agent_types
