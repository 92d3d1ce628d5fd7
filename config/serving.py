"""What a process that serves requests does differently (config/asgi.py, config/wsgi.py call
`serving_start` once): work a request used to do after its response moves to the process's own
threads, so no judge waits on it and a burst of changes costs one run.

- Without a broker, a stage's results recompute runs in a timer thread after
  `RESULTS_RECOMPUTE_DELAY` (`judging.services.recompute.recompute_in_background`), as the
  Celery task's countdown does with one.
- The live final's messages to the screens are built and sent by a broadcast thread
  (`judging.live_stream.broadcast_in_background`).

Commands, Celery workers and the test client keep the direct path: there, what a change
schedules runs at once (or after the test client's response), which is what their callers read.
"""


def serving_start() -> None:
    from judging.live_stream import broadcast_in_background
    from judging.services.recompute import recompute_in_background

    recompute_in_background()
    broadcast_in_background()
