"""B2B meeting planning: the instance format, the planner (CP-SAT with a constructive
fallback) and the bridge from a workshop's records to an instance."""
from .instance import Instance, InstanceError, load, lower_bound
from .planner import SOLVER_AVAILABLE, assign_places, idle_of, plan

__all__ = ["Instance", "InstanceError", "load", "lower_bound", "plan", "assign_places", "idle_of",
           "SOLVER_AVAILABLE"]
