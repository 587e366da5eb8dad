"""A development and test stand-in for NCALayer, the national signing application of Kazakhstan.

`qyzmet ncalayer serve --p12 FILE --password P` listens on a WebSocket (plain ws://, where the
real NCALayer uses wss://127.0.0.1:13579) and answers the pages' `ncalayer-js-client` as NCALayer
would, signing with PKCS#12 keys of the platform's test CA. Never for real signatures.
"""
