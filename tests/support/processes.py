"""Process helpers for tests; they live in devstack, which `make dev` uses too."""

from devstack.processes import ROOT, Server, free_port, run_server, stop_group, wait_for_port

__all__ = ["ROOT", "Server", "free_port", "run_server", "stop_group", "wait_for_port"]
