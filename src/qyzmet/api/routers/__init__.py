"""One router per area of the API; each endpoint parses, checks access and calls one service."""
