"""Tamper-evident records: signed checkpoints of the case event chains and chained append-only logs.

`chain` appends rows to a hash-chained log under its head's lock; `signing` signs and checks
checkpoints with the platform's key; `checkpoints` keeps each case's signed head and the
periodic signed checkpoint of all heads; `verify` walks everything once and names each change.
"""
