"""Telling people about their cases: in the cabinet always, by SMS and e-mail through settings' back-ends.

Public interface: `services.notify`, `services.notification_deliver`, `selectors.notifications_for`.
"""
