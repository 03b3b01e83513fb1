"""The allow-list sandbox every diagram expression and script runs in: ``checks`` (the
static check and the instrumentation of the syntax tree), ``runtime`` (the step and
memory budgets the instrumented code pays into) and ``scripting`` (the ``Sandbox`` the
definitions check with and the script engine SpiffWorkflow runs with)."""

from engine.errors import Problem
from engine.sandbox.runtime import SandboxError
from engine.sandbox.scripting import Sandbox, SandboxScriptEngine

__all__ = ["Problem", "Sandbox", "SandboxError", "SandboxScriptEngine"]
