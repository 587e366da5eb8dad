"""The REST API under /api/v1/ (django-ninja): parse, check access, call one service."""
