"""Background work: the `qyzmet worker` process, its periodic jobs, and the tasks it runs.

See docs/adr/0007-background-work.md.
"""
