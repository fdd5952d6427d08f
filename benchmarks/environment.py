"""Settings the benchmark's processes need besides the deployment's own (no Django imports:
`__main__` sets them before Django starts, so this process and its gunicorn agree)."""

# What the gunicorn serving the benchmark needs besides the deployment's own settings: rate
# limits that a benchmark's hundreds of requests from one address and account do not trip.
SERVER_ENV = {
    "DTM_EXPORT_RATE_PER_10_MINUTES": "1000000",
    "DTM_LOGIN_RATE_PER_MINUTE": "100000",
    "DTM_IMPORT_RATE_PER_10_MINUTES": "100000",
    "API_RATE_READ": "1000000/minute",
    "API_RATE_WRITE": "1000000/minute",
    "API_RATE_ANONYMOUS": "1000000/minute",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789",
}
