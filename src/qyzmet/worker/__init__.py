"""Background work: the `qyzmet worker` process, its periodic jobs, and the tasks it runs.

See docs/adr/0009-background-work.md.
"""
