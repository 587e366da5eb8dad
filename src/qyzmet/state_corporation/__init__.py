"""The State Corporation's operational hall: the electronic queue and the operator's intake.

`services` (tickets, windows, intake of applications, refusals to accept), `selectors`
(the hall board, service times, intakes waiting for a registry), `cli` (the demo commands).
The intake runs a regulation's State Corporation process ("1–8"): registry checks through the
gateway, the request signed with the operator's EDS, and filing with the case engine.
"""
