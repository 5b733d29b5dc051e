"""gunicorn settings of the production web process (docker-compose.yml: `gunicorn -c
config/gunicorn.conf.py`). Command-line flags add to these.

Access log: one line per request on stdout, the URL without its query string and without
the secret of a reset, confirmation or invitation link (config.gunicorn_logging,
core.access_log; SECURITY.md, "Secrets").

Request size: gunicorn has no limit on a request body; `limit_request_line` (4094 bytes),
`limit_request_fields` (100) and `limit_request_field_size` (8190 bytes) cap only the request
line and headers and are kept at gunicorn's defaults, written out here. Bodies are capped in
front by nginx (`client_max_body_size`) and in the application by
`core.request_size.RequestBodyLimitMiddleware`, both at 12 MB.
"""

accesslog = "-"
logger_class = "config.gunicorn_logging.AccessLogger"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
