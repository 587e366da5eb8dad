"""Quality reports for heads, akims and quality monitors: SLA compliance, delays, workload, hall times."""
