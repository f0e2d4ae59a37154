"""gunicorn's settings: `gunicorn -c api/gunicorn.conf.py api.wsgi:app` (`make run`, the benchmarks).

The access log names the path only (%(U)s, no query string) and no Referer: a URL may carry what a client
put in it, and no personal number may reach a log. Default: '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s
"%(f)s" "%(a)s"', where %(r)s is the raw request line with its query string and %(f)s the Referer.
"""

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
