"""What a process that serves requests does differently (config/asgi.py, config/wsgi.py call
`serving_start` once): work a request used to do after its response moves to the process's own
threads, so no judge waits on it and a burst of changes costs one run.

- Without a broker, a stage's results recompute runs in a timer thread after
  `RESULTS_RECOMPUTE_DELAY` (`judging.services.recompute.recompute_in_background`), as the
  Celery task's countdown does with one.
- The live final's notices ("session S changed up to event N") are sent by a thread of the
  process after the commit (`judging.live_stream.notices_in_background`); the messages the
  screens get are built by the processes that hold them.

Commands, Celery workers and the test client keep the direct path: there, what a change
schedules runs at once (or after the test client's response), which is what their callers read.
"""


def serving_start() -> None:
    from judging.live_stream import notices_in_background
    from judging.services.recompute import recompute_in_background

    recompute_in_background()
    notices_in_background()
