"""Moderation: who may see and write, hiding and restoring, reports and auto-hide, the queue, suspensions."""
