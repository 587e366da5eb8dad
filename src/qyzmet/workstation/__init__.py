"""The State Corporation hall in the browser: ticket kiosk, hall display, the operator's workstation."""
