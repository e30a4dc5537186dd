"""The model stays readable: short functions, a step that names its stages, arrows one way."""

import ast
import inspect
from pathlib import Path

from llr_sim.model import model

MODEL = Path(model.__file__).parent


def test_no_function_in_the_model_package_is_over_80_lines():
    long = []
    for path in sorted(MODEL.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 80:
                    long.append(f"{path.name}:{node.name} ({length} lines)")
    assert not long, long


def test_the_step_is_a_short_sequence_of_stages():
    source = inspect.getsource(model.LLRModel.step)
    assert len(source.splitlines()) <= 25
    for stage in ("world.move", "_ask_rules", "world.complete", "draw_ahead", "_step_layers"):
        assert stage in source


def test_the_model_never_imports_reporting_or_the_simulation():
    for path in sorted(MODEL.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("llr_sim.reporting", "llr_sim.simulation")), (
                    f"{path.name} imports {node.module}"
                )
