"""Deadline monitoring: overdue tasks, escalation to the head and to the oblast's quality monitor."""
