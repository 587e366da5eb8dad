"""The e-government gateway (ШЭП): signed messages, registry clients, the message log, the simulator.

Public surface: `services` (registry look-ups, the retry sweeper, credentials), `selectors`
(the message log, who looked up whom), `clients` (transport-level clients behind Protocols),
`simulator` (the registries as their own HTTP service). Other apps import only those.
"""
