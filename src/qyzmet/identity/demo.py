"""Demo data loader (being written)."""


def load_demo() -> str:
    return "not yet available"
