"""gunicorn's settings for Tasker, behind nginx (deploy/serve and deploy/systemd use this).

nginx buffers every request and response, so gunicorn's sync workers only ever talk to it,
never to a slow client. The socket comes from --bind (deploy/serve) or systemd's socket
unit (tasker-web.socket). WEB_CONCURRENCY sets the number of workers (default 3).
"""

import os

wsgi_app = "tasker.wsgi"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
# Recycle workers now and then, a little apart, so no slow leak can build up.
max_requests = 2000
max_requests_jitter = 200
# No control socket in the home folder: several sites (or test runs) would share one.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
